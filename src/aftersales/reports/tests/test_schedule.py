"""Reports produced on schedule by a real background worker (``aftersales worker --burst`` in a
subprocess, on the test database), catching up after downtime, exactly once; and on demand."""

import os
import subprocess
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aftersales.reports import services
from aftersales.reports.builders import build
from aftersales.reports.choices import ReportKind, RunStatus, Trigger
from aftersales.reports.models import Report, ReportRun, ReportSchedule
from aftersales.reports.periods import centre_tz, local_today
from aftersales.service.tests.factories import new_request

from .live import LiveCentre

AFTERSALES = Path(sys.executable).parent / "aftersales"


def _worker_env() -> dict:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = (f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
               f"{db['PORT'] or 5432}/{db['NAME']}")
    return os.environ | {"DJANGO_SETTINGS_MODULE": "aftersales.config.settings.test",
                         "DATABASE_URL": url, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}


def _burst() -> str:
    done = subprocess.run([AFTERSALES, "worker", "--burst"], env=_worker_env(), timeout=300,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    failed = list(DBTaskResult.objects.filter(status="FAILED").values_list("task_path", "exception_class_path", "traceback"))
    assert not failed, (failed, done.stderr[-3000:])
    return done.stderr


def _strip(figures):
    return {k: v for k, v in figures.items() if k != "generated_at"}


@pytest.mark.django_db(transaction=True)
def test_worker_produces_scheduled_reports_once_catching_up_after_downtime():
    live = LiveCentre(surveys=False)
    other = LiveCentre(surveys=False, code="SJ", name="松江服务中心")
    tz = centre_tz(live.centre)
    today = local_today(live.centre)
    # The worker (a real process on the real wall clock) was down for two days: the wake-ups of
    # today and the two days before that fell due while it was down (today's only once its time
    # has come); each makes the report of the day before it. The wake-up's time of day is twelve
    # hours from now, so none falls due between working out what is due and the worker's run —
    # at a fixed 00:30 a run started at 00:29 met one more report than it expected.
    run_at = (timezone.localtime(timezone.now(), tz) - timedelta(hours=12)).time().replace(
        second=0, microsecond=0)
    first = datetime.combine(today - timedelta(days=2), run_at, tz)
    wakeups = [first + timedelta(days=n) for n in range(3)
               if first + timedelta(days=n) <= timezone.now()]
    dues = len(wakeups)
    expected_days = {w.date() - timedelta(days=1) for w in wakeups}
    latest_day = max(expected_days)  # yesterday, or the day before when today's is still to come
    noon = datetime.combine(latest_day, time(12), tz)
    for _ in range(2):  # two calls taken on the latest reported day
        new_request(live.cast, reported_at=noon)
    schedule = next(s for s in services.schedules_ensure() if s.kind == ReportKind.SUPERVISOR_DAILY)
    ReportSchedule.objects.filter(pk=schedule.pk).update(run_at=run_at, next_run_at=first)
    schedule.refresh_from_db()
    started = services.schedule_start(schedule=schedule)

    log = _burst()
    reports = Report.objects.filter(kind=ReportKind.SUPERVISOR_DAILY)
    assert {r.period_start for r in reports} == expected_days, (
        log[-3000:], list(DBTaskResult.objects.values_list("task_path", "status", "run_after")))
    assert reports.count() == 2 * dues  # every centre
    runs = ReportRun.objects.filter(report__in=reports)
    assert runs.count() == 2 * dues
    assert set(runs.values_list("status", "trigger", "progress").distinct()) == {
        (RunStatus.DONE, Trigger.SCHEDULE, 100)}
    # What the worker stored is what the selectors give for that report.
    latest = reports.get(service_centre=live.centre, period_start=latest_day)
    assert latest.current_run.figures["centre"] == live.centre.pk
    assert latest.current_run.figures["centre_figures"]["calls"] == 2
    assert _strip(latest.current_run.figures) == _strip(build(latest, now=timezone.now()))
    # The next wake-up is booked for tomorrow at that time (or today's, if it has not come yet).
    schedule.refresh_from_db()
    assert schedule.next_run_at > timezone.now()
    assert schedule.chain == started.chain
    pending = DBTaskResult.objects.filter(task_path__endswith="run_report_schedule",
                                          status="READY")
    assert [p.run_after for p in pending] == [schedule.next_run_at]

    _burst()  # nothing is due any more: no second run of anything
    assert ReportRun.objects.filter(report__in=reports).count() == 2 * dues
    assert other.centre  # (the second centre took part above)


@pytest.mark.django_db(transaction=True)
def test_run_now_is_computed_by_the_worker():
    live = LiveCentre(surveys=False)
    centre = live.centre
    run = services.report_produce(actor=live.cast.supervisor, kind=ReportKind.DAILY_HOURS,
                                  centre=centre, day=local_today(centre))
    again = services.report_run_request(actor=live.cast.supervisor, report=run.report)
    assert again.pk == run.pk  # a second click while it waits queues nothing more
    assert run.status == RunStatus.QUEUED
    _burst()
    run.refresh_from_db()
    assert (run.status, run.progress, run.trigger) == (RunStatus.DONE, 100, Trigger.ON_DEMAND)
    lines = {line["name"]: line for line in run.figures["technicians"]}
    assert lines["王磊"]["hours"] == 3.0 and lines["王磊"]["jobs"] == 2
    assert run.report.__class__.objects.get(pk=run.report_id).current_run_id == run.pk


@pytest.mark.django_db
def test_an_older_schedule_chain_stands_down():
    schedule = services.schedules_ensure()[0]
    first = services.schedule_start(schedule=schedule)
    second = services.schedule_start(schedule=schedule)
    assert second.chain == first.chain + 1
    before = DBTaskResult.objects.count()
    assert services.schedule_run(schedule_id=schedule.pk, chain=first.chain,
                                 now=second.next_run_at + timedelta(minutes=1)) == 0
    assert DBTaskResult.objects.count() == before


@pytest.mark.django_db
def test_a_failed_run_is_recorded(monkeypatch):
    live = LiveCentre(surveys=False)
    run = services.report_produce(actor=live.hq, kind=ReportKind.TECHNICIAN_DAILY,
                                  centre=live.centre, day=local_today(live.centre))

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("aftersales.reports.services.build", broken)
    with pytest.raises(RuntimeError):
        services.report_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "database went away" in run.error
    assert Report.objects.get(pk=run.report_id).current_run_id is None
    assert services.report_run_execute(run_id=run.pk) is False  # not run twice


def test_next_run_times():
    from zoneinfo import ZoneInfo

    from aftersales.reports.periods import next_run

    tz = ZoneInfo("Asia/Shanghai")
    daily = ReportSchedule(kind=ReportKind.TECHNICIAN_DAILY, run_at=time(0, 20))
    weekly = ReportSchedule(kind=ReportKind.WEEKLY_REPAIR, run_at=time(1, 0), weekday=0)
    monthly = ReportSchedule(kind=ReportKind.APPRAISAL, run_at=time(2, 30), month_day=1)
    after = datetime(2026, 3, 10, 0, 20, tzinfo=tz)  # a Tuesday, exactly at the daily time
    assert next_run(daily, after) == datetime(2026, 3, 11, 0, 20, tzinfo=tz)
    assert next_run(weekly, after) == datetime(2026, 3, 16, 1, 0, tzinfo=tz)
    assert next_run(monthly, after) == datetime(2026, 4, 1, 2, 30, tzinfo=tz)
