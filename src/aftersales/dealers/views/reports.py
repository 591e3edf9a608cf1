"""Monthly reports (RP-4), HQ's audit sample (DL-3) and the dealer archive figures (AR-5)."""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.core.dates import local_today
from aftersales.core.excel import row_append, sheet_add, workbook_new, xlsx_response
from aftersales.core.querysets import get_restricted
from aftersales.core.views import page_query, service_run

from .. import services
from ..choices import AuditOutcome, ReportState
from ..forms import AuditForm, ReportForm
from ..models import AuditSample, Dealer, MonthlyReport
from ..selectors import archive_figures, jobs_seen, months_back, report_list
from .common import audit_required, dealer_or_hq_required, hq_required, is_dealer

REPORT_FILTERS = {"": gettext_lazy("all"), "due": pgettext_lazy("report", "due"),
                  "overdue": gettext_lazy("overdue"), "submitted": gettext_lazy("submitted")}


@require_GET
@dealer_or_hq_required
def report_list_view(request):
    state = request.GET.get("state", "")
    state = state if state in REPORT_FILTERS else ""
    page = Paginator(report_list(request.user, state=state), 25).get_page(request.GET.get("page"))
    return render(request, "dealers/reports.html", {
        "page": page, "state": state, "filters": list(REPORT_FILTERS.items()),
        "query": page_query(request), "today": local_today(),
        "dealer_view": is_dealer(request.user)})


@require_http_methods(["GET", "POST"])
@dealer_or_hq_required
def report_detail(request, pk):
    report = get_restricted(MonthlyReport.objects.select_related("dealer", "submitted_by"),
                            request.user, pk=pk)
    may_submit = is_dealer(request.user) and report.state == ReportState.DUE
    initial = {"installs": report.installs, "repairs": report.repairs,
               "follow_ups": report.follow_ups, "training": report.training,
               "parts_replaced": report.parts_replaced}
    form = ReportForm(request.POST or None, initial=initial) if may_submit else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This report was already submitted."))
            return redirect("dealers:report", pk=report.pk)
        if form.is_valid() and service_run(request, lambda: services.monthly_report_submit(
                actor=request.user, report=report, **form.cleaned_data), form=form):
            messages.success(request, _("Report for %(month)s submitted.") % {
                "month": f"{report.month:%Y-%m}"})
            return redirect("dealers:report", pk=report.pk)
    return render(request, "dealers/report.html", {
        "report": report, "form": form, "today": local_today()},
        status=400 if form is not None and form.errors else 200)


def _month(raw: str, default: date) -> date:
    try:
        year, month = (int(x) for x in (raw or "").split("-")[:2])
        return date(year, month, 1)
    except (TypeError, ValueError):
        return default


@require_http_methods(["GET", "POST"])
@audit_required
def audit(request):
    """Draw a sample of last month's dealer jobs and record the call-back outcome of each."""
    month = _month(request.GET.get("month") or request.POST.get("month"),
                   services.previous_month(local_today()))
    if request.method == "POST" and request.POST.get("draw"):
        drawn = {}

        def call():
            drawn["n"] = len(services.audit_sample_draw(actor=request.user, month=month))

        if service_run(request, call):
            messages.success(request, _("%(n)d jobs drawn for call-back checks.") % drawn)
        return redirect(f"{request.path}?month={month:%Y-%m}")
    samples = list(AuditSample.objects.restrict(request.user).filter(month=month)
                   .select_related("job__dealer", "job__customer", "job__request", "checked_by")
                   .order_by("job__dealer__code", "job_id"))
    return render(request, "dealers/audit.html", {
        "samples": samples, "jobs_seen": jobs_seen(request.user, (s.job_id for s in samples)),
        "month": month, "outcomes": AuditForm().fields["outcome"].choices,
        "pending": AuditOutcome.PENDING})


@require_POST
@audit_required
def audit_record(request, pk):
    sample = get_restricted(AuditSample.objects.all(), request.user, pk=pk)
    form = AuditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what the customer said."))
    elif service_run(request, lambda: services.audit_sample_record(actor=request.user, sample=sample,
                                                           **form.cleaned_data)):
        messages.success(request, _("Call-back recorded."))
    return redirect(f"/dealers/audit/?month={sample.month:%Y-%m}")


@require_GET
@hq_required
def archive(request):
    """Per dealer and month: jobs, installations, repairs, satisfaction, on-time rate, and what
    the dealer reported (AR-5). ``?export=xlsx`` downloads the same rows."""
    today = local_today()
    start = _month(request.GET.get("from"), months_back(today, 6))
    end_month = _month(request.GET.get("to"), today.replace(day=1))
    if end_month < start:
        start, end_month = end_month, start
    end = date(end_month.year + end_month.month // 12, end_month.month % 12 + 1, 1)
    dealers = list(Dealer.objects.restrict(request.user).order_by("code"))
    dealer_id = request.GET.get("dealer", "")
    if dealer_id.isdigit():
        dealers = [d for d in dealers if d.pk == int(dealer_id)]
    rows = archive_figures(dealers, start=start, end=end)
    if request.GET.get("export") == "xlsx":
        return _archive_xlsx(rows, start, end_month)
    return render(request, "dealers/archive.html", {
        "rows": rows, "start": start, "end": end_month, "dealers": Dealer.objects.restrict(
            request.user).order_by("code"), "dealer_id": dealer_id, "query": page_query(request)})


def _archive_xlsx(rows, start: date, end: date):
    book = workbook_new(title=_("Dealer archive"), subject=f"{start:%Y-%m}…{end:%Y-%m}")
    sheet = sheet_add(book, _("Dealer archive"))
    row_append(sheet, [_("Month"), _("Dealer"), _("Jobs completed"), _("Installations"),
                       _("Repairs"), _("On time (%)"), _("Average rating (1–4)"),
                       _("Follow-up calls"), _("People trained"), _("Trained by us"),
                       _("Parts replaced"), _("Report submitted")])
    for f in rows:
        row_append(sheet, [f"{f.month:%Y-%m}", f.dealer, f.jobs, f.installs, f.repairs,
                           f.on_time_rate, f.rating, f.follow_ups, f.training, f.trained_by_us,
                           f.parts_replaced, _("yes") if f.reported else _("no")])
    return xlsx_response(book, f"dealer-archive-{start:%Y%m}-{end:%Y%m}.xlsx")
