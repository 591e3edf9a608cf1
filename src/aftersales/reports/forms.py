from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ServiceCentre

from .choices import ReportKind, ReportState


class ReportFindForm(forms.Form):
    """Which report: kind, a day inside its period, and (for the service department) a centre."""

    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    date = forms.DateField(label=_("Day in the period"),
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    centre = forms.ModelChoiceField(label=_("Service centre"), required=False,
                                    queryset=ServiceCentre.objects.order_by("code"),
                                    empty_label=_("— choose —"))


class ReportFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), required=False,
                             choices=[("", _("all"))] + list(ReportKind.choices))
    centre = forms.ModelChoiceField(label=_("Service centre"), required=False,
                                    queryset=ServiceCentre.objects.order_by("code"),
                                    empty_label=_("all"))
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("all"))] + list(ReportState.choices))
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    until = forms.DateField(label=_("To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class StepForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class DashboardForm(forms.Form):
    centre = forms.ModelChoiceField(label=_("Service centre"), required=False,
                                    queryset=ServiceCentre.objects.order_by("code"),
                                    empty_label=_("all centres"))
