from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.customers.models import ProductModel

from .choices import Basis, MeterUnit, VisitState
from .models import MaintenancePlan


class PlanForm(forms.ModelForm):
    class Meta:
        model = MaintenancePlan
        fields = ["product_model", "name", "basis", "interval_months", "interval_meter",
                  "meter_unit", "lead_meter", "items", "active"]
        widgets = {"items": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_model"].queryset = ProductModel.objects.order_by("code")
        self.fields["basis"].choices = Basis.choices
        self.fields["meter_unit"].choices = [("", _("— by time: none —")), *MeterUnit.choices]

    def _post_clean(self):  # the service checks and saves; no model validation here
        pass


class VisitFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("open (due and overdue)")), *VisitState.choices,
                                       ("all", _("all"))])
    plan = forms.ModelChoiceField(label=_("Plan"), required=False,
                                  queryset=MaintenancePlan.objects.none(), empty_label=_("all"))
    due_from = forms.DateField(label=_("Due from"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    due_to = forms.DateField(label=_("Due to"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plans is not None:
            self.fields["plan"].queryset = plans
