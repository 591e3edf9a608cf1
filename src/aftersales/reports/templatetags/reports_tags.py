"""Showing report figures: a cell by its column's kind, and dictionary lookups in templates."""

from datetime import date
from decimal import Decimal

from django import template
from django.utils import dateformat
from django.utils.formats import number_format
from django.utils.html import format_html

register = template.Library()


@register.filter
def get(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)


@register.simple_tag
def cell(row, column):
    """One table cell: numbers right-aligned and formatted as their column's kind."""
    value = row.get(column.key) if row else None
    kind = column.kind
    label = column.label
    if value is None or value == "":
        return format_html('<td class="{}" data-label="{}">—</td>',
                           "num muted" if kind not in ("text",) else "muted", label)
    if kind == "category":
        return format_html('<td data-label="{}"><span class="badge cat-{}">{}</span></td>',
                           label, value, value)
    if kind == "text":
        css = "nowrap" if column.key in ("name", "number") else ""
        return format_html('<td class="{}" data-label="{}">{}</td>', css, label, value)
    if kind == "date":
        day = date.fromisoformat(value) if isinstance(value, str) else value
        return format_html('<td class="nowrap" data-label="{}">{}</td>', label,
                           dateformat.format(day, "m-d D"))
    if kind == "percent":
        shown = number_format(value * 100, 1) + "%"
    elif kind in ("hours", "money", "rating"):
        shown = number_format(value, 2, force_grouping=kind == "money")
    elif kind == "score":
        shown = number_format(value, 1)
    elif kind == "quantity":  # as finely as it was counted: 3, 2.5
        shown = number_format(f"{Decimal(str(value)).normalize():f}", force_grouping=True)
    else:
        shown = number_format(value, 0, force_grouping=True)
    return format_html('<td class="num" data-label="{}">{}</td>', label, shown)


@register.filter
def percent(value, places=1):
    if value is None:
        return "—"
    return number_format(value * 100, int(places)) + "%"


@register.filter
def fmt(value, kind="int"):
    """A figure as text, formatted as its kind (no table cell)."""
    if value is None or value == "":
        return "—"
    if kind == "percent":
        return number_format(value * 100, 1) + "%"
    if kind in ("hours", "money", "rating"):
        return number_format(value, 2, force_grouping=kind == "money")
    if kind == "score":
        return number_format(value, 1)
    return number_format(value, 0, force_grouping=True)
