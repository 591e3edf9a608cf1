"""CP-12, CP-14, RP-5: the monthly complaint statistics (page, chart, Excel); CP-13: the
month's penalty deductions for payroll (page, Excel)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from aftersales.accounts.choices import DESK_ROLES
from aftersales.accounts.permissions import desk_required, staff_required
from aftersales.core.excel import tables_workbook, xlsx_response

from ..choices import Cause, Channel, Kind
from ..models import Complaint, MonthlyReport
from ..selectors import deduction_list, internal_reader
from ..services.stats import monthly_stats, previous_month


def _month(request, default=None) -> date:
    """The month asked for (``?month=YYYY-MM``), else ``default``, else last month."""
    raw = (request.GET.get("month") or "").strip()
    try:
        year, month = (int(x) for x in raw.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return default or previous_month(timezone.localdate())


def _tables(figures) -> list[dict]:
    kinds, causes, channels = dict(Kind.choices), dict(Cause.choices), dict(Channel.choices)
    return [
        {"key": "kind", "title": _("By kind"), "head": [pgettext("complaint", "Kind"), _("Closed")],
         "rows": [[kinds[k], n] for k, n in figures["by_kind"].items()]},
        {"key": "cause", "title": _("By cause (the fifteen)"), "head": [pgettext("complaint", "Cause"), _("Closed")],
         "rows": [[causes[k], n] for k, n in figures["by_cause"].items()]},
        {"key": "department", "title": _("Responsibility by department"),
         "head": [_("Department"), pgettext("complaint", "Cases"), _("Share (%) summed"), _("Share (%) on average"),
                  _("Penalties")],
         "rows": [[d["name"], d["cases"], d["ratio_sum"], d["ratio_avg"],
                   figures["penalties_by_department"].get(code, "0.00")]
                  for code, d in figures["by_department"].items()]},
        {"key": "model", "title": _("By product model"), "head": [_("Product model"), _("Closed")],
         "rows": [[k, n] for k, n in figures["by_model"].items()]},
        {"key": "channel", "title": _("By channel"), "head": [pgettext("complaint", "Channel"), _("Closed")],
         "rows": [[channels[k], n] for k, n in figures["by_channel"].items() if n]},
    ]


def _charts(figures) -> list[dict]:
    causes = dict(Cause.choices)
    items = [(str(causes[k]), n) for k, n in figures["by_cause"].items() if n]
    if not items:  # an empty month: the fifteen causes at zero
        items = [(str(causes[k]), n) for k, n in figures["by_cause"].items()]
    return [{"title": _("Closed complaints by cause"), "categories": [k for k, _n in items],
             "series": [{"name": _("Closed"), "type": "bar", "color": "#c62828",
                         "data": [n for _k, n in items]}],
             "axes": [{"name": _("Complaints")}], "horizontal": True}]


@require_GET
@desk_required
def monthly_report(request):
    month = _month(request)
    figures = monthly_stats(month, Complaint.objects.restrict(request.user))
    stored = MonthlyReport.objects.filter(month=month).first()
    return render(request, "complaints/monthly.html", {
        "month": month.strftime("%Y-%m"), "figures": figures, "tables": _tables(figures),
        "charts": _charts(figures), "stored": stored,
        "due": date(month.year + month.month // 12, month.month % 12 + 1, 10)})


@require_GET
@desk_required
def monthly_report_excel(request):
    month = _month(request)
    figures = monthly_stats(month, Complaint.objects.restrict(request.user))
    workbook = tables_workbook(title=_("Complaint statistics %(month)s")
                               % {"month": month.strftime("%Y-%m")}, tables=_tables(figures))
    return xlsx_response(workbook, f"complaints-{month:%Y-%m}.xlsx")


def _deductions(request) -> dict:
    if not internal_reader(request.user):
        raise PermissionDenied(_("Penalty deductions are on the internal form: the head office, "
                                 "and the supervisors, managers and accountants of a centre."))
    return deduction_list(user=request.user,
                          month=_month(request, default=timezone.localdate().replace(day=1)))


def _deduction_tables(d) -> list[dict]:
    return [
        {"title": _("By person"),
         "head": [_("Person"), _("Username"), _("Department"), _("Deductions"), _("Deducted this month")],
         "rows": [[str(p.person), p.person.username, p.departments, p.count, p.amount]
                  for p in d["people"]]},
        {"title": _("Each penalty"),
         "head": [_("Person"), _("Username"), _("Department"), pgettext("complaint", "Complaint"),
                  pgettext("complaint", "Kind"), _("Penalty"), _("Deducted before"),
                  _("Deducted this month"), _("Still to deduct")],
         "rows": [[str(x.person), x.person.username, str(x.department), x.complaint.number, x.kind,
                   x.penalty, x.before, x.amount, x.remaining] for x in d["lines"]]},
    ]


@require_GET
@staff_required
def deductions(request):
    d = _deductions(request)
    return render(request, "complaints/deductions.html", {
        **d, "month": d["month"].strftime("%Y-%m"),
        # the accountant reads deductions for payroll but not the complaints themselves
        "may_list": request.user.is_superuser or request.user.role in DESK_ROLES})


@require_GET
@staff_required
def deductions_excel(request):
    d = _deductions(request)
    workbook = tables_workbook(title=_("Penalty deductions %(month)s")
                               % {"month": d["month"].strftime("%Y-%m")},
                               tables=_deduction_tables(d))
    return xlsx_response(workbook, f"penalty-deductions-{d['month']:%Y-%m}.xlsx")
