"""What each report holds: its figures, computed by the selectors in a few steps (for the run's
progress) and stored as JSON on the run. Labels and charts are made when a page is shown, in
the reader's language (``charts.py``), so the stored figures are language-free."""

from collections.abc import Callable

from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User

from . import selectors
from .choices import ReportKind
from .periods import Period, period_for
from .selectors.surveys import survey_summary


def _names(ids, centre) -> dict[int, str]:
    """Names of the technicians in the figures plus the centre's active technicians."""
    people = User.objects.filter(pk__in=list(ids)) | User.objects.filter(
        role=Role.TECHNICIAN, service_centre=centre, is_active=True)
    return {u.pk: str(u) for u in people.distinct()}


def technician_lines(centre, period: Period, by_tech: dict) -> list[dict]:
    names = _names(by_tech.keys(), centre)
    zero = selectors.work.ZERO
    lines = [{"technician": pk, "name": name, **by_tech.get(pk, zero)} for pk, name in names.items()]
    return sorted(lines, key=lambda line: (line["name"], line["technician"]))


def build(report, progress: Callable[[int, str], None] | None = None, now=None) -> dict:
    """The figures of ``report`` as of ``now``."""
    progress = progress or (lambda percent, step: None)
    now = now or timezone.now()
    centre = report.service_centre
    period = period_for(report.kind, report.period_start, centre)
    figures = {
        "kind": report.kind, "centre": centre.pk, "centre_name": centre.name,
        "time_zone": centre.time_zone, "start": period.start.isoformat(),
        "end": period.end.isoformat(), "generated_at": now.isoformat(),
    }
    kind = report.kind
    progress(10, "technicians")
    # The appraisal needs only hours and parts from the work figures, not the visits.
    visits = kind != ReportKind.APPRAISAL
    by_tech = selectors.work_by_technician(centre=centre, period=period, visits=visits)
    totals = selectors.work_totals(centre=centre, period=period, visits=visits)
    progress(35, "totals")
    if kind != ReportKind.APPRAISAL:
        figures["technicians"] = technician_lines(centre, period, by_tech)
        figures["totals"] = totals
    if kind == ReportKind.TECHNICIAN_DAILY:
        progress(60, "jobs")
        names = {line["technician"]: line["name"] for line in figures["technicians"]}
        jobs = selectors.job_lines(centre=centre, period=period)
        missing = {j["technician"] for j in jobs} - names.keys()
        if missing:
            names |= _names(missing, centre)
        for job in jobs:
            job["name"] = names.get(job["technician"], "")
        figures["jobs"] = jobs
    if kind in (ReportKind.SUPERVISOR_DAILY, ReportKind.WEEKLY_REPAIR):
        progress(55, "centre")
        figures["centre_figures"] = selectors.centre_figures(centre=centre, period=period, now=now)
        figures["surveys"] = survey_summary(centre=centre, period=period)
    if kind == ReportKind.WEEKLY_REPAIR:
        progress(70, "by day")
        figures["by_day"] = selectors.completed_by_day(centre=centre, period=period)
    if kind == ReportKind.MONTHLY_HOURS:
        progress(70, "by day")
        figures["by_day"] = selectors.hours_by_day(centre=centre, period=period)
    if kind in (ReportKind.WEEKLY_REPAIR, ReportKind.APPRAISAL):
        progress(80, "appraisal")
        figures["appraisal"] = selectors.appraisal_lines(centre=centre, period=period, now=now,
                                                         work=by_tech)
        figures["appraisal_totals"] = selectors.appraisal_totals(centre=centre, period=period,
                                                                 now=now, work=totals)
    if kind == ReportKind.APPRAISAL:
        figures["surveys"] = survey_summary(centre=centre, period=period)
    progress(95, "saving")
    return figures
