"""Forms of the contract pages (AR-6). Shape only: the rules are in customers.services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.choices import DESK_ROLES
from aftersales.accounts.models import User

from .choices import ContractState, FaultCause, LostReason, contract_default_excluded
from .forms import FlexibleDateField


class ProductChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.model.code} {obj.model.name} #{obj.serial}"


class ContractForm(forms.Form):
    """A contract's terms; the products offered are the customer's own."""

    products = ProductChoiceField(label=_("Products covered"), queryset=None,
                                  widget=forms.CheckboxSelectMultiple)
    starts_on = FlexibleDateField(label=_("Starts on"))
    ends_on = FlexibleDateField(label=_("Ends on"))
    fee = forms.DecimalField(label=pgettext_lazy("contract", "Fee (¥)"), max_digits=10, decimal_places=2, min_value=0)
    excluded_causes = forms.MultipleChoiceField(
        label=_("Causes not covered"), choices=[c for c in FaultCause.choices
                                                if c[0] != FaultCause.PRODUCT_FAULT],
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Work with these causes is charged per job (category A)."))
    responsible = forms.ModelChoiceField(label=_("Responsible person"), queryset=None,
                                         required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = customer.products.select_related("model").order_by(
            "-purchased_on", "id")
        self.fields["responsible"].queryset = User.objects.filter(
            is_active=True, role__in=DESK_ROLES).order_by("username")
        if not self.is_bound and "excluded_causes" not in self.initial:
            self.initial["excluded_causes"] = contract_default_excluded()


class ContractFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All"))] + [
                                  c for c in ContractState.choices])
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RenewForm(forms.Form):
    starts_on = FlexibleDateField(label=_("New contract starts on"), required=False)
    ends_on = FlexibleDateField(label=_("Ends on"), required=False)
    fee = forms.DecimalField(label=pgettext_lazy("contract", "Fee (¥)"), max_digits=10, decimal_places=2, min_value=0,
                             required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class LoseForm(forms.Form):
    lost_reason = forms.ChoiceField(label=_("Why"), choices=LostReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
