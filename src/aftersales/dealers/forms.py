"""Shape checks of the dealer pages; the rules are in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ServiceCentre
from aftersales.customers.models import InstalledProduct
from aftersales.parts.forms_stock import PartCodeField

from .choices import AuditOutcome, JobKind
from .models import Region

FEE_LINES = 8


class RegionForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=20)
    name = forms.CharField(label=_("name"), max_length=100)
    places = forms.CharField(label=_("places"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("District or town names that addresses in this region "
                                         "contain, one a line or separated by commas."))


class DealerForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=20)
    name = forms.CharField(label=_("name"), max_length=100)
    contact = forms.CharField(label=_("contact person"), max_length=100, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    service_centre = forms.ModelChoiceField(label=_("service centre"), required=False,
                                            queryset=ServiceCentre.objects.order_by("code"))
    regions = forms.ModelMultipleChoiceField(label=_("regions served"),
                                             queryset=Region.objects.order_by("code"),
                                             widget=forms.CheckboxSelectMultiple)


class ContractForm(forms.Form):
    number = forms.CharField(label=_("contract number"), max_length=30)
    starts_on = forms.DateField(label=_("starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    terms = forms.CharField(label=_("terms"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))


class HandOverForm(forms.Form):
    dealer = forms.IntegerField()
    kind = forms.ChoiceField(choices=JobKind.choices, initial=JobKind.REPAIR)
    note = forms.CharField(max_length=300, required=False)


class OwnJobForm(forms.Form):
    phone = forms.CharField(label=_("customer's phone"), max_length=20)
    kind = forms.ChoiceField(label=_("kind"), choices=JobKind.choices)
    description = forms.CharField(label=_("what is wrong"), widget=forms.Textarea(attrs={"rows": 3}))
    reference = forms.CharField(label=_("your reference"), max_length=60, required=False)


class CompleteForm(forms.Form):
    fault_found = forms.CharField(label=_("fault found"), widget=forms.Textarea(attrs={"rows": 2}))
    fault_cause = forms.CharField(label=_("cause found"), widget=forms.Textarea(attrs={"rows": 2}))
    action_taken = forms.CharField(label=_("action taken"), widget=forms.Textarea(attrs={"rows": 2}))
    confirmed_by = forms.CharField(label=_("confirmed by (customer)"), max_length=100)
    rating = forms.TypedChoiceField(
        label=_("customer's rating"), required=False, coerce=int, empty_value=None,
        choices=[("", "—"), (4, _("4 · very satisfied")), (3, _("3 · satisfied")),
                 (2, _("2 · fair")), (1, _("1 · dissatisfied"))])
    installed_product = forms.ModelChoiceField(
        label=_("product worked on"), required=False, queryset=InstalledProduct.objects.none(),
        help_text=_("Its warranty decides whether the parts you fitted are free."))

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        if job.request_id:  # a job we handed over: its request names the product
            del self.fields["installed_product"]
        else:
            self.fields["installed_product"].queryset = (
                job.customer.products.select_related("model").order_by("model__code", "serial"))


PART_LINES = 5  # empty lines for parts on the completion form


class FittedPartForm(forms.Form):
    """One part the dealer fitted: its number and how many (1 when left empty)."""

    part = PartCodeField(label=_("Part number"), max_length=40, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, required=False)

    def clean(self):
        data = super().clean()
        if data.get("quantity") and not data.get("part") and "part" not in self.errors:
            self.add_error("part", _("Enter the part number."))
        return data


class BaseFittedPartFormSet(forms.BaseFormSet):
    def lines(self) -> list[tuple]:
        """(part, quantity) of the lines filled in, for ``dealer_job_complete``."""
        return [(form.cleaned_data["part"], form.cleaned_data.get("quantity") or 1)
                for form in self.forms if form.cleaned_data.get("part")]


FittedPartFormSet = forms.formset_factory(FittedPartForm, formset=BaseFittedPartFormSet,
                                          extra=PART_LINES)
PARTS_PREFIX = "parts"


def fitted_parts_form(data=None) -> BaseFittedPartFormSet:
    """The completion form's part lines; a post without them (no lines section) fitted none."""
    if data is not None and f"{PARTS_PREFIX}-TOTAL_FORMS" not in data:
        data = data.copy()
        data.update({f"{PARTS_PREFIX}-TOTAL_FORMS": "0", f"{PARTS_PREFIX}-INITIAL_FORMS": "0"})
    return FittedPartFormSet(data, prefix=PARTS_PREFIX)


class PartAddForm(FittedPartForm):
    """A part fitted on a completed job but not recorded then, with why it is added now."""

    reason = forms.CharField(label=_("Why it is corrected"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].required = True


class ReportForm(forms.Form):
    installs = forms.IntegerField(label=_("installations"), min_value=0)
    repairs = forms.IntegerField(label=_("repairs"), min_value=0)
    follow_ups = forms.IntegerField(label=_("follow-up calls"), min_value=0, initial=0)
    training = forms.IntegerField(label=_("people trained"), min_value=0, initial=0)
    parts_replaced = forms.IntegerField(label=_("parts replaced"), min_value=0, initial=0)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AuditForm(forms.Form):
    outcome = forms.ChoiceField(choices=[c for c in AuditOutcome.choices if c[0] != "pending"])
    note = forms.CharField(max_length=300, required=False)


class TrainingForm(forms.Form):
    """A training the maker gave the dealer's people (DL-1)."""

    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    attendees = forms.IntegerField(label=_("People trained"), min_value=1, max_value=1000)
    trainer = forms.CharField(label=_("Given by"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
