"""Forms of the day plan's pages. They check the shape of the input; the rules live in
``dispatch.plans``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .plans import TIME_LIMITS, time_limit_default


def _time_limit_choices():
    return [(s, _("%(s)d seconds") % {"s": s} if s < 60 else _("%(m)d min") % {"m": s // 60})
            for s in sorted({*TIME_LIMITS, time_limit_default()})]


class PlanDayForm(forms.Form):
    centre = forms.IntegerField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(label=_("Day"),
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time_limit = forms.TypedChoiceField(
        label=_("Time to search"), coerce=int,
        help_text=_("Longer searches find slightly better plans."))
    job_minutes = forms.IntegerField(label=_("Time on site per job (minutes)"), min_value=5,
                                     max_value=480, initial=60)
    keep_assignments = forms.BooleanField(
        label=_("Keep jobs already assigned with their technicians"), required=False,
        help_text=_("Otherwise assigned jobs not yet started may go to another technician."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_limit"].choices = _time_limit_choices()
        self.fields["time_limit"].initial = time_limit_default()


class ReplanForm(forms.Form):
    time_limit = forms.TypedChoiceField(label=_("Time to search"), coerce=int)
    keep_assignments = forms.BooleanField(
        label=_("Keep published jobs with their technicians"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_limit"].choices = _time_limit_choices()
        self.fields["time_limit"].initial = time_limit_default()


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


DEFER = "defer"


class MoveForm(VersionForm):
    """Move one job: to a technician of the plan (or defer it), at a position of his route."""

    technician = forms.ChoiceField(label=_("Technician"))
    position = forms.IntegerField(label=_("Position"), min_value=1, max_value=99, required=False,
                                  help_text=_("1 = first; empty = last"))

    def __init__(self, *args, technicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.technicians = {str(t.pk): t for t in technicians}
        self.fields["technician"].choices = [
            *((pk, str(t)) for pk, t in self.technicians.items()),
            (DEFER, _("Defer: first tomorrow")),
        ]

    def clean_technician(self):
        value = self.cleaned_data["technician"]
        return None if value == DEFER else self.technicians[value]


class WeatherNoticeForm(forms.Form):
    """Bad weather (DS-6): the day whose visits it delays and what the weather is."""

    centre = forms.IntegerField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(label=_("Day of the visits"),
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Weather"), max_length=100,
                             help_text=_("In a few words, as the customers will read it: "
                                         "typhoon, rainstorm, snow …"))
