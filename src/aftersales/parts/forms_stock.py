"""Forms of the stock pages (docs/parts.md, "Stock pages"): the ledger's filters, and receipt,
transfer and scrap, which hand their values to ``parts.services``."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import MoveKind
from .models import Part, Warehouse


class PartCodeField(forms.CharField):
    """A part typed by its number; the part itself, or a specific error."""

    default_error_messages = {"unknown": _("No active part has the number “%(code)s”."),
                              "unknown_any": _("No part has the number “%(code)s”.")}

    def __init__(self, *args, active_only=True, **kwargs):
        self.active_only = active_only
        super().__init__(*args, **kwargs)

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        parts = Part.objects.filter(code__iexact=code.strip())
        part = (parts.filter(active=True) if self.active_only else parts).first()
        if part is None:
            key = "unknown" if self.active_only else "unknown_any"
            raise forms.ValidationError(self.error_messages[key], code=key,
                                        params={"code": code.strip()})
        return part


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


def _places(user):
    return Warehouse.objects.restrict(user, "view").filter(active=True)


class MoveFilterForm(forms.Form):
    """The ledger's filters; the page and its export read the same form."""

    place = forms.ModelChoiceField(label=_("Place"), queryset=Warehouse.objects.none(),
                                   required=False)
    part = PartCodeField(label=_("Part number"), required=False, max_length=40,
                         active_only=False)  # the ledger keeps the moves of retired parts
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("all"))] + MoveKind.choices,
                             required=False)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Warehouse.objects.restrict(user, "view")

    def clean(self):
        data = super().clean()
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day is not None and not (FIRST_DAY <= day <= LAST_DAY):
                self.add_error(name, _("Enter a date between %(first)s and %(last)s.") % {
                    "first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()})
                data.pop(name, None)
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class ReceiptForm(forms.Form):
    place = forms.ModelChoiceField(label=_("Into"), queryset=Warehouse.objects.none())
    part = PartCodeField(label=_("Part number"), max_length=40)
    quantity = forms.CharField(label=_("Quantity"), max_length=20)
    unit_cost = forms.DecimalField(label=_("Unit cost"), required=False, min_value=0,
                                   max_digits=10, decimal_places=2)
    reference = forms.CharField(label=_("Delivery note or invoice"), required=False,
                                max_length=60)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = _places(user)


class TransferForm(forms.Form):
    source = forms.ModelChoiceField(label=_("From"), queryset=Warehouse.objects.none())
    target = forms.ModelChoiceField(label=_("To"), queryset=Warehouse.objects.none())
    part = PartCodeField(label=_("Part number"), max_length=40)
    quantity = forms.CharField(label=_("Quantity"), max_length=20)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = _places(user)
        # stock may go to any open place (a van, another centre's store, the central warehouse)
        self.fields["target"].queryset = Warehouse.objects.filter(active=True)


class ScrapForm(forms.Form):
    place = forms.ModelChoiceField(label=_("From"), queryset=Warehouse.objects.none())
    part = PartCodeField(label=_("Part number"), max_length=40)
    quantity = forms.CharField(label=_("Quantity"), max_length=20)
    note = forms.CharField(label=_("Why it is scrapped"), max_length=300)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = _places(user)
