"""CP-7 reminders and urge notes through real task workers (the database worker and, where
Redis runs, an RQ worker): each fires exactly once per step and kind, also when the worker runs
again, and two firings at once make one alert."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from aftersales.complaints.choices import AlertKind
from aftersales.complaints.models import StepAlert
from aftersales.complaints.services.route import step_alert_fire
from aftersales.complaints.tests.factories import Team, new_complaint
from aftersales.core.models import Notification
from aftersales.core.tests.concurrency import at_once

AFTERSALES = Path(sys.executable).parent / "aftersales"


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


def _worker_env(**extra) -> dict:
    return os.environ | {"DJANGO_SETTINGS_MODULE": "aftersales.config.settings.test",
                         "DATABASE_URL": _database_url(), "DJANGO_ALLOW_ASYNC_UNSAFE": "true"} | extra

pytestmark = pytest.mark.django_db(transaction=True)


def _late_complaints(count=3):
    team = Team()
    long_ago = timezone.now() - timedelta(days=6)
    return [new_complaint(team, received_at=long_ago) for _ in range(count)], team


def test_database_worker_fires_each_reminder_and_urge_note_once():
    complaints, team = _late_complaints()
    for _ in range(2):  # the worker runs, stops, runs again: nothing fires twice
        subprocess.run([AFTERSALES, "worker", "--burst"], env=_worker_env(), check=True,
                       timeout=180, capture_output=True)
        alerts = StepAlert.objects.filter(complaint__in=complaints)
        assert sorted(alerts.values_list("kind", flat=True)) == (
            [AlertKind.REMINDER] * 3 + [AlertKind.URGE] * 3)
    gm_office = team.people["GMO"]  # the intake step's department is reminded, then urged
    assert Notification.objects.filter(user=gm_office, level="info").count() == 3
    assert Notification.objects.filter(user=gm_office, level="warning").count() == 3


@pytest.mark.concurrency
def test_two_firings_at_once_make_one_alert():
    complaints, _team = _late_complaints(1)
    step = complaints[0].steps.get()
    results = at_once(lambda _: step_alert_fire(step_id=step.pk, kind=AlertKind.URGE), 4)
    assert sorted(results) == [False, False, False, True]
    assert StepAlert.objects.filter(step=step, kind=AlertKind.URGE).count() == 1


def test_a_done_step_is_not_chased():
    complaints, team = _late_complaints(1)
    from aftersales.complaints import services

    c = services.step_complete(actor=team.people["GMO"], complaint=complaints[0], opinion="受理")
    intake = c.steps.get(code="registered")
    assert step_alert_fire(step_id=intake.pk, kind=AlertKind.URGE) is False
    qa = c.steps.get(code="qa")
    assert step_alert_fire(step_id=qa.pk, kind=AlertKind.URGE) is False  # not due yet
