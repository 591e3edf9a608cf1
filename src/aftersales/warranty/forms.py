"""The 三包 decision form on the request page. Shape only: the rules are in services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.parts.models import Part, Warehouse

from .choices import DisposalKind, OutcomeKind, PayoutMethod


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Outcome"), choices=OutcomeKind.choices,
                             widget=forms.RadioSelect, initial=OutcomeKind.REPAIR)
    serious_fault = forms.BooleanField(label=_("Serious performance fault"), required=False)
    same_fault = forms.TypedMultipleChoiceField(label=_("Earlier repairs of the same fault"),
                                                coerce=int, required=False,
                                                widget=forms.CheckboxSelectMultiple)
    refund_amount = forms.DecimalField(label=_("Refund amount (¥)"), max_digits=10,
                                       decimal_places=2, required=False, min_value=0)
    replacement_part = forms.ModelChoiceField(label=_("Replacement unit from stock"),
                                              queryset=Part.objects.none(), required=False)
    replacement_warehouse = forms.ModelChoiceField(label=_("Taken from"),
                                                   queryset=Warehouse.objects.none(),
                                                   required=False)
    replacement_serial = forms.CharField(label=_("Serial number of the unit given"),
                                         max_length=60, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    evidence = MultipleFileField(label=_("Evidence (photos, PDF)"), required=False)

    def __init__(self, *args, request, user, priors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["same_fault"].choices = [(r.pk, r.number) for r in priors]
        category = request.installed_product.model.category if request.installed_product else ""
        parts = Part.objects.filter(active=True)
        if category:
            parts = parts.filter(category=category)
        self.fields["replacement_part"].queryset = parts.order_by("code")
        self.fields["replacement_warehouse"].queryset = Warehouse.objects.restrict(
            user, "view").filter(active=True).order_by("code")
        if not self.is_bound:
            self.initial["same_fault"] = [r.pk for r in priors]


class DisposalForm(forms.Form):
    """What became of the faulty unit (the 三包 panel). Shape only: the rules are in services."""

    kind = forms.ChoiceField(label=pgettext_lazy("faulty unit", "What became of it"),
                             choices=DisposalKind.choices)
    day = forms.DateField(label=pgettext_lazy("faulty unit", "Disposed on"),
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reference = forms.CharField(label=_("Maker's return reference or waybill"), max_length=60,
                                required=False)
    reason = forms.CharField(label=_("Why scrapped"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PayoutForm(forms.Form):
    """A refund paid out (the 三包 panel, the outcomes list). Shape only."""

    method = forms.ChoiceField(label=_("Paid out by (method)"), choices=PayoutMethod.choices)
    paid_on = forms.DateField(label=_("Paid out on"),
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reference = forms.CharField(label=_("Transaction number"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
