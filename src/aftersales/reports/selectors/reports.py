"""Finding reports: the list page, one report, the runs and timeline on its page."""

from django.db.models import Q

from aftersales.core.events import event_list
from aftersales.core.querysets import get_restricted

from ..choices import ReportKind, ReportState, RunStatus
from ..models import Report, ReportRun


def report_list(*, user, kind: str = "", centre_id: int | None = None, state: str = "",
                since=None, until=None):
    """Reports this user may see, newest period first, with their centre and current run."""
    qs = Report.objects.restrict(user, "view").select_related("service_centre", "current_run")
    if kind in ReportKind.values:
        qs = qs.filter(kind=kind)
    if centre_id:
        qs = qs.filter(service_centre_id=centre_id)
    if state in ReportState.values:
        qs = qs.filter(state=state)
    if since:
        qs = qs.filter(period_end__gte=since)
    if until:
        qs = qs.filter(period_start__lte=until)
    return qs.order_by("-period_start", "kind", "service_centre__code", "pk")


def report_get(*, user, pk: int) -> Report:
    """One report (same 404 for missing and not this user's), with its current figures."""
    qs = Report.objects.select_related("service_centre", "current_run",
                                       "current_run__requested_by")
    return get_restricted(qs, user, pk=pk)


def report_find(*, user, kind: str, centre_id: int, start) -> Report | None:
    return (Report.objects.restrict(user, "view")
            .filter(kind=kind, service_centre_id=centre_id, period_start=start).first())


def active_run(report: Report) -> ReportRun | None:
    return report.runs.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).order_by("-pk").first()


def recent_runs(report: Report, limit: int = 8):
    return report.runs.select_related("requested_by").defer("figures").order_by("-pk")[:limit]


def report_timeline(report: Report):
    return event_list(report)


def run_get(*, user, pk: int) -> ReportRun:
    run = ReportRun.objects.select_related("report").defer("figures").filter(pk=pk).first()
    if run is None or not Report.objects.restrict(user, "view").filter(pk=run.report_id).exists():
        from django.http import Http404

        raise Http404
    return run


def technician_reports(*, user, limit: int = 20):
    """A technician's own page: his centre's latest daily reports and published appraisals."""
    return (Report.objects.restrict(user, "view")
            .filter(Q(kind=ReportKind.TECHNICIAN_DAILY, current_run__isnull=False)
                    | Q(kind=ReportKind.APPRAISAL, state=ReportState.PUBLISHED))
            .select_related("current_run").order_by("-period_start", "kind")[:limit])
