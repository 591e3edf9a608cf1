"""Every write of the reports app (house style rule 1): reports and their runs, sign-off steps,
schedules. Keyword-only, ``actor`` first (None for the scheduler), one transaction each."""

import logging
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import ServiceCentre, User
from aftersales.core.events import event_append
from aftersales.core.exceptions import ConflictError, IllegalTransition, PermissionDenied
from aftersales.core.models import Notification
from aftersales.core.tasks import enqueue
from aftersales.core.workflow import state_label, transition_apply

from .builders import build
from .choices import FROZEN_STATES, ReportKind, ReportState, RunStatus, Trigger
from .models import Report, ReportRun, ReportSchedule
from .periods import local_today, next_run, period_bounds, previous_period_day
from .permissions import may_take_step
from .selectors.common import no_jit
from .workflow import workflow_for

# Tasks this module schedules, by name (the tasks module imports this one).
GENERATE_REPORT_TASK = "aftersales.reports.tasks.generate_report"
RUN_REPORT_SCHEDULE_TASK = "aftersales.reports.tasks.run_report_schedule"

logger = logging.getLogger("aftersales.reports")

DEFAULT_SCHEDULES = {
    # kind: (time of day, weekday, day of month) — the next morning, Monday, the 1st.
    ReportKind.TECHNICIAN_DAILY: ("00:20", 0, 1),
    ReportKind.DAILY_HOURS: ("00:25", 0, 1),
    ReportKind.SUPERVISOR_DAILY: ("00:30", 0, 1),
    ReportKind.WEEKLY_REPAIR: ("01:00", 0, 1),
    ReportKind.MONTHLY_HOURS: ("02:00", 0, 1),
    ReportKind.APPRAISAL: ("02:30", 0, 1),
}
CATCH_UP_LIMIT = 40  # periods a schedule makes up for after its worker was down


# --- reports and runs --------------------------------------------------------------------------

def report_get_or_create(*, kind: str, centre: ServiceCentre, day: date) -> Report:
    """The report of ``kind`` for the period containing ``day`` (created empty, in draft)."""
    if kind not in ReportKind.values:
        raise ValueError(kind)
    start, end = period_bounds(kind, day)
    report = Report.objects.filter(kind=kind, service_centre=centre, period_start=start).first()
    if report is not None:
        return report
    try:
        with transaction.atomic():
            return Report.objects.create(kind=kind, service_centre=centre, period_start=start,
                                         period_end=end)
    except IntegrityError:  # created meanwhile by someone else
        return Report.objects.get(kind=kind, service_centre=centre, period_start=start)


def _check_runnable(report: Report) -> None:
    if report.state in FROZEN_STATES:
        raise ConflictError(
            _("This report is %(state)s: its figures stay as they were signed. Send it back to "
              "draft to run it again.") % {"state": state_label(workflow_for(report.kind), report.state)},
            code="report_frozen")


def report_run_request(*, actor, report: Report, trigger: str = Trigger.ON_DEMAND) -> ReportRun:
    """Queue a computation of the report's figures (the "run now" button, or the schedule).

    Idempotent while a run is queued or running: that run is returned instead of a second one.
    """
    if actor is not None and not Report.objects.restrict(actor, "run").filter(pk=report.pk).exists():
        raise PermissionDenied()

    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        _check_runnable(locked)
        active = locked.runs.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).first()
        if active is not None:
            return active
        run = ReportRun.objects.create(report=locked, trigger=trigger, requested_by=actor)
        enqueue(GENERATE_REPORT_TASK, run.pk)
    return run


def report_produce(*, actor, kind: str, centre: ServiceCentre, day: date) -> ReportRun:
    """Open the report of ``kind`` for the period containing ``day`` and queue a run of it."""
    from .permissions import may_run_kind

    if not may_run_kind(actor, kind, centre):
        raise PermissionDenied()
    report = report_get_or_create(kind=kind, centre=centre, day=day)
    return report_run_request(actor=actor, report=report)


def _progress(run_id: int):
    def update(percent: int, step: str) -> None:
        ReportRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            progress=percent, step=step[:100])
    return update


def report_run_execute(*, run_id: int, now: datetime | None = None) -> bool:
    """Compute a queued run's figures (called by the task; idempotent). Returns whether it ran."""
    claimed = ReportRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=1, step="start")
    if not claimed:
        return False
    run = ReportRun.objects.select_related("report__service_centre").get(pk=run_id)
    try:
        with no_jit():
            figures = build(run.report, progress=_progress(run_id), now=now)
    except Exception as exc:
        ReportRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=repr(exc)[:2000])
        logger.exception("report run %s failed", run_id)
        raise
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=run.report_id)
        ReportRun.objects.filter(pk=run_id).update(
            status=RunStatus.DONE, figures=figures, progress=100, step="done",
            finished_at=timezone.now())
        if report.state not in FROZEN_STATES:
            report.current_run_id = run_id
            report.version += 1
            report.save(update_fields=["current_run", "version", "updated_at"])
        event_append(subject=report, action="run", actor=run.requested_by,
                     data={"run": run_id, "trigger": run.trigger})
    return True


# --- sign-off (RP-2 route, RP-3 review and publication, FB-3 publication) ----------------------

def report_transition(*, actor, report: Report, name: str, note: str = "",
                      expected_version: int | None = None) -> Report:
    """Take a sign-off step. Illegal now → IllegalTransition (409); not this actor's → 403."""
    workflow = workflow_for(report.kind)
    if workflow is None:
        raise IllegalTransition(_("This report has no sign-off steps."))
    transition = workflow.get(name)
    if not Report.objects.restrict(actor, "sign").filter(pk=report.pk).exists():
        raise PermissionDenied()
    if report.state not in transition.sources:
        raise IllegalTransition(
            _("“%(action)s” is not possible while the report is %(state)s.")
            % {"action": transition.label, "state": state_label(workflow, report.state)})
    if not may_take_step(actor, report, name):
        raise PermissionDenied(_("This step is not yours to take on this report."))
    if transition.target in FROZEN_STATES and report.current_run_id is None:
        raise ConflictError(_("Run the report first: there are no figures to sign."),
                            code="report_empty")
    with transaction.atomic():
        if transition.target in FROZEN_STATES and report.runs.filter(
                status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).exists():
            raise ConflictError(_("A run of this report is still going on; wait for its figures."),
                                code="report_running")
        moved = transition_apply(workflow=workflow, instance=report, name=name, actor=actor,
                                 note=note, expected_version=expected_version,
                                 data={"run": report.current_run_id})
        if report.kind == ReportKind.APPRAISAL and moved.state == ReportState.PUBLISHED:
            _notify_appraisal(moved)
    return moved


def _notify_appraisal(report: Report) -> None:
    from django.urls import reverse

    figures = (report.current_run.figures or {}) if report.current_run_id else {}
    ids = [line["technician"] for line in figures.get("appraisal", [])]
    text = _("Your appraisal for %(month)s is published.") % {
        "month": report.period_start.strftime("%Y-%m")}
    link = reverse("reports:mine")
    Notification.objects.bulk_create([
        Notification(user_id=pk, text=text, link=link, level="info")
        for pk in User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True)])


# --- schedules ---------------------------------------------------------------------------------

def schedules_ensure() -> list[ReportSchedule]:
    """One schedule per report kind, with the defaults, if missing."""
    from datetime import time

    for kind, (at, weekday, month_day) in DEFAULT_SCHEDULES.items():
        hour, minute = (int(x) for x in at.split(":"))
        ReportSchedule.objects.get_or_create(
            kind=kind, defaults={"run_at": time(hour, minute), "weekday": weekday,
                                 "month_day": month_day})
    return list(ReportSchedule.objects.all())


def schedule_start(*, actor=None, schedule: ReportSchedule, now: datetime | None = None) -> ReportSchedule:
    """(Re)start a schedule's chain of wake-ups from its next run; older chains stand down."""

    now = now or timezone.now()
    with transaction.atomic():
        locked = ReportSchedule.objects.select_for_update().get(pk=schedule.pk)
        locked.chain += 1
        if locked.next_run_at is None:
            locked.next_run_at = next_run(locked, now)
        locked.version += 1
        locked.save(update_fields=["chain", "next_run_at", "version", "updated_at"])
        if locked.enabled:
            enqueue(RUN_REPORT_SCHEDULE_TASK, locked.pk, locked.chain, run_after=locked.next_run_at)
    return locked


def _produce(kind: str, moment: datetime) -> int:
    """Queue the reports of every centre for the period that ended before ``moment``."""
    queued = 0
    for centre in ServiceCentre.objects.order_by("pk"):
        day = previous_period_day(kind, local_today(centre, moment))
        report = report_get_or_create(kind=kind, centre=centre, day=day)
        if report.state in FROZEN_STATES or report.runs.filter(trigger=Trigger.SCHEDULE).exists():
            continue  # produced already (the task ran twice) or signed meanwhile
        report_run_request(actor=None, report=report, trigger=Trigger.SCHEDULE)
        queued += 1
    return queued


def schedule_run(*, schedule_id: int, chain: int, now: datetime | None = None) -> int:
    """A schedule's wake-up: produce every period that fell due (catching up after downtime),
    then book the next wake-up. A wake-up of an older chain does nothing. Returns runs queued."""

    now = now or timezone.now()
    queued = 0
    with transaction.atomic():
        schedule = ReportSchedule.objects.select_for_update().filter(pk=schedule_id).first()
        if schedule is None or schedule.chain != chain or not schedule.enabled:
            return 0
        due = schedule.next_run_at or now
        for _ in range(CATCH_UP_LIMIT):
            if due > now + timedelta(seconds=5):
                break
            queued += _produce(schedule.kind, due)
            schedule.last_run_at = due
            due = next_run(schedule, due)
        else:
            due = next_run(schedule, now)
        schedule.next_run_at = due
        schedule.version += 1
        schedule.save(update_fields=["next_run_at", "last_run_at", "version", "updated_at"])
        enqueue(RUN_REPORT_SCHEDULE_TASK, schedule.pk, chain, run_after=due)
    return queued
