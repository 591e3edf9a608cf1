"""``{{ line.quantity|qty }}``: a quantity as people write it — 10, 2.5, 0.125 — without the
trailing zeros of its decimal column and never in exponent form (``Decimal.normalize`` gives
``1E+1`` for 10)."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def qty(value) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if amount == amount.to_integral_value():
        return f"{amount.quantize(Decimal(1)):f}"
    return f"{amount.normalize():f}"
