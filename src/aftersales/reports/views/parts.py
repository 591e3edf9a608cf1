"""配件月报 (PT-4, BL-3): the month's parts out (charged / free), returns and their value by
service centre and by product model, live from the stock ledger, with one chart and an Excel
download. The service department sees every centre (or picks one); everyone else his own."""

from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.choices import DESK_ROLES
from aftersales.accounts.models import ServiceCentre
from aftersales.core.excel import xlsx_response
from aftersales.core.views import roles_required

from ..charts import parts_monthly_chart
from ..excel import workbook_for
from ..models import is_headquarters
from ..periods import Period, centre_tz, local_today, month_end
from ..selectors.parts import parts_monthly
from ..tables import parts_monthly_tables


class PartsMonthForm(forms.Form):
    month = forms.CharField(label=gettext_lazy("Month"), required=False,
                            widget=forms.DateInput(attrs={"type": "month"}))
    centre = forms.ModelChoiceField(label=gettext_lazy("Service centre"), required=False,
                                    queryset=ServiceCentre.objects.order_by("code"),
                                    empty_label=gettext_lazy("all centres"))

    def clean_month(self) -> date | None:
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            return date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None


def _figures(request):
    user = request.user
    form = PartsMonthForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    data = form.cleaned_data if request.GET and valid else {}
    if is_headquarters(user):
        centre = data.get("centre")
    elif user.service_centre_id is None:
        raise Forbidden
    else:
        centre = user.service_centre
        form.fields.pop("centre")
    first = data.get("month") or local_today(centre).replace(day=1)
    period = Period(first, month_end(first), centre_tz(centre))
    figures = parts_monthly(period=period, centre=centre)
    return form, centre, period, figures


@roles_required(DESK_ROLES)
def parts_monthly_report(request):
    form, centre, period, figures = _figures(request)
    return render(request, "reports/parts_monthly.html", {
        "form": form, "centre": centre, "period": period, "figures": figures,
        "tables": parts_monthly_tables(figures), "charts": parts_monthly_chart(figures),
        "month": period.start.strftime("%Y-%m"), "job_url": "service:detail",
    })


@roles_required(DESK_ROLES)
def parts_monthly_excel(request):
    form, centre, period, figures = _figures(request)
    where = centre.name if centre else _("All service centres")
    title = f'{_("Parts monthly report")} · {where} · {period.start:%Y-%m}'
    content = workbook_for(parts_monthly_tables(figures), title=title, subtitle="PT-4 · BL-3")
    name = f'parts-{centre.code if centre else "all"}-{period.start:%Y%m}.xlsx'
    return xlsx_response(content, name)
