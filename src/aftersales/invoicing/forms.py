"""Forms of invoicing's pages: shape only; the rules are the services'."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.dates import local_today

from .choices import CreditKind, InvoicingMode


def month_value(value: str | None, default: date | None = None) -> str:
    """"2026-11" (an <input type=month>) → "2611"; the default month if empty or wrong."""
    value = (value or "").strip()
    try:
        year, month = (int(part) for part in value.split("-"))
        if 2000 <= year <= 2099 and 1 <= month <= 12:
            return f"{year % 100:02d}{month:02d}"
    except ValueError:
        pass
    day = default or local_today()
    return day.strftime("%y%m")


def month_input(period: str) -> str:
    return f"20{period[:2]}-{period[2:]}"


class CreditNoteForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("invoicing document", "Kind"), choices=CreditKind.choices,
                             initial=CreditKind.CREDIT)
    amount = forms.DecimalField(label=_("Amount (¥)"), max_digits=12, decimal_places=2,
                                min_value=0)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ReturnNoteForm(forms.Form):
    description = forms.CharField(label=_("Goods returned"), max_length=200)
    part = forms.CharField(label=_("Part number"), max_length=40, required=False,
                           help_text=_("If the goods are a part on the price list, they go "
                                       "back into stock when the warehouse receives them."))
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3,
                                  min_value=0, initial=1)
    amount = forms.DecimalField(label=_("Value (¥)"), max_digits=12, decimal_places=2,
                                min_value=0)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class PreferenceForm(forms.Form):
    mode = forms.ChoiceField(label=_("Invoicing"), choices=InvoicingMode.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
