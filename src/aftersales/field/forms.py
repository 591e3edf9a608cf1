"""Shape of what the technician, the workshop and the supervisor post. The rules are in
``service.services``; these forms only check types and required fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import DateTimeField
from aftersales.service.choices import Cause, RegisterDirection

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class FieldForm(forms.Form):
    """Several forms share a page: each gets its own id prefix so labels stay unique."""

    id_prefix = "f"


    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class VersionedForm(FieldForm):
    """Every posting form carries the version of the request it was rendered from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StepForm(VersionedForm):
    id_prefix = "step"

    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class RecordWorkForm(VersionedForm):
    """AR-4: fault description → cause → action, and the cause category (SR-3)."""

    id_prefix = "rec"

    fault_found = forms.CharField(label=_("Fault found"), widget=forms.Textarea(attrs={"rows": 2}))
    fault_cause = forms.CharField(label=_("Cause found"), widget=forms.Textarea(attrs={"rows": 2}))
    action_taken = forms.CharField(label=_("Action taken"),
                                   widget=forms.Textarea(attrs={"rows": 2}))
    cause = forms.ChoiceField(label=_("Cause category"), required=False,
                              choices=[("", _("— not determined —")), *Cause.choices])


class LaborForm(FieldForm):
    id_prefix = "hrs"

    # The range (more than 0, at most 24) is the service's rule; its message shows here.
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=2,
                               widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class PartForm(FieldForm):
    id_prefix = "part"

    part = forms.IntegerField(label=_("Part"), error_messages={
        "required": _("Search the price list and choose a part.")})
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, initial=1,
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class SignedForm(VersionedForm):
    id_prefix = "sign"

    signer_name = forms.CharField(label=_("Customer's name"), max_length=100)
    signature = forms.CharField(required=False, widget=forms.HiddenInput)


class CompleteForm(SignedForm):
    id_prefix = "done"

    opinion = forms.CharField(label=_("Customer's opinion"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class CarryInForm(SignedForm):
    id_prefix = "carry"

    items = forms.CharField(label=_("Items taken"), widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Product, accessories, condition."))
    return_due_on = forms.DateField(label=_("Return date"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))


class RescheduleForm(VersionedForm):
    id_prefix = "later"

    note = forms.CharField(label=_("Why is it unfinished?"),
                           widget=forms.Textarea(attrs={"rows": 2}))
    next_visit_at = DateTimeField(
        label=_("Next visit agreed with the customer"), required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))


class FinishRepairForm(VersionedForm):
    id_prefix = "fix"

    work_done = forms.CharField(label=_("Work done"), widget=forms.Textarea(attrs={"rows": 3}))


class InspectForm(VersionedForm):
    id_prefix = "insp"

    passed = forms.TypedChoiceField(
        label=_("Result"), coerce=lambda v: v == "pass", widget=forms.RadioSelect,
        choices=[("pass", _("Passed: ready to return")), ("fail", _("Failed: back to the bench"))])
    note = forms.CharField(label=_("Inspection note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class HandBackForm(SignedForm):
    id_prefix = "ret"

    opinion = forms.CharField(label=_("Customer's opinion"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class RegisterFilterForm(FieldForm):
    id_prefix = "reg"

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    direction = forms.ChoiceField(label=_("In/out"), required=False,
                                  choices=[("", _("In and out")), *RegisterDirection.choices])
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
