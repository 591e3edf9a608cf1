"""Forms of satisfaction and follow-up: they check the shape of input; rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import DateTimeField

from .choices import CallOutcome, Rating

RATING_CHOICES = [(str(r.value), r.label) for r in sorted(Rating, reverse=True)]
YES_NO = [("yes", _("Yes, you may call me")), ("no", _("No, please do not call"))]


class SurveyForm(forms.Form):
    """The customer's four ratings (FB-2), a comment, and whether we may call."""

    attitude = forms.ChoiceField(label=_("Was the technician friendly and polite?"),
                                 choices=RATING_CHOICES, widget=forms.RadioSelect)
    skill = forms.ChoiceField(label=_("Did the technician know the job and fix it well?"),
                              choices=RATING_CHOICES, widget=forms.RadioSelect)
    punctuality = forms.ChoiceField(label=_("Did the technician arrive on time?"),
                                    choices=RATING_CHOICES, widget=forms.RadioSelect)
    promise = forms.ChoiceField(label=_("Did we keep what we promised (time, price, work)?"),
                                choices=RATING_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Anything else you want to tell us?"), required=False,
                              max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}))
    may_call = forms.ChoiceField(label=_("May we call you about your answers?"),
                                 choices=YES_NO, widget=forms.RadioSelect)

    ITEMS = ("attitude", "skill", "punctuality", "promise")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*self.ITEMS, "may_call"):
            self.fields[name].error_messages["required"] = _("Please choose one.")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {**{item: int(data[item]) for item in self.ITEMS},
                "comment": data.get("comment") or "", "may_call": data["may_call"] == "yes"}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CallOutcomeForm(VersionForm):
    outcome = forms.ChoiceField(label=_("What happened?"), choices=CallOutcome.choices,
                                widget=forms.RadioSelect)
    note = forms.CharField(label=_("What the customer said"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    call_back_at = DateTimeField(
        label=_("Call back at"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    raise_case = forms.BooleanField(
        label=_("The customer complained: open a follow-up case"), required=False)


class CallCloseForm(VersionForm):
    note = forms.CharField(label=_("Why no call is needed"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))


class TakeUpForm(VersionForm):
    note = forms.CharField(label=_("What you told the customer"),
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Your first reply to the customer (within 24 hours)."))


class TellCustomerForm(VersionForm):
    outcome = forms.CharField(
        label=_("Outcome, as the customer will read it"), max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
        help_text=_("Sent to the customer by SMS and e-mail."))


class CloseCaseForm(VersionForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VisitCompleteForm(VersionForm):
    report = forms.CharField(label=_("Visit report"), widget=forms.Textarea(attrs={"rows": 3}))


class VisitAssignForm(VersionForm):
    """``supervisors``: the centre's supervisors, loaded once per page for every row's form."""

    supervisor = forms.TypedChoiceField(label=_("Supervisor"), coerce=int)

    def __init__(self, *args, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.supervisors = {user.pk: user for user in supervisors}
        self.fields["supervisor"].choices = [(pk, str(user)) for pk, user in self.supervisors.items()]

    def clean_supervisor(self):
        return self.supervisors[self.cleaned_data["supervisor"]]
