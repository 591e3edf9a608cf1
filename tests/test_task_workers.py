"""Deadline alerts through real task workers: the database worker (embedded default) and an RQ
worker on the real Redis server. A worker that was down fires what fell due while it was down,
exactly once per clock and level, also after a restart."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import IN_CI
from django.db import connection
from django.utils import timezone

from aftersales.dispatch.models import ClockAlert
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db(transaction=True)
AFTERSALES = Path(sys.executable).parent / "aftersales"


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker_env(**extra) -> dict:
    return os.environ | {"DJANGO_SETTINGS_MODULE": "aftersales.config.settings.test",
                         "DATABASE_URL": _database_url(), "DJANGO_ALLOW_ASYNC_UNSAFE": "true"} | extra


def _overdue_requests(count=3):
    cast = Cast()
    long_ago = timezone.now() - timedelta(days=20)
    return [new_request(cast, reported_at=long_ago) for _ in range(count)], cast


def test_database_worker_fires_missed_alerts_once_after_restart():
    requests, _cast = _overdue_requests()
    # The worker was down while these fell due; now it starts, runs everything, stops…
    for _ in range(2):  # …and starts again: nothing fires twice
        subprocess.run([AFTERSALES, "worker", "--burst"], env=_worker_env(), check=True,
                       timeout=120, capture_output=True)
        alerts = ClockAlert.objects.filter(clock__request__in=requests)
        assert sorted(alerts.values_list("level", flat=True)) == ["escalation"] * 3 + ["warning"] * 3


def test_a_running_worker_fires_alerts_as_they_fall_due_by_its_ticks():
    """Not a burst: the worker's ticker thread sweeps every WORKER_TICK_SECONDS while the worker
    waits for tasks; registering queued no task for the alerts."""
    worker = subprocess.Popen([AFTERSALES, "worker"], env=_worker_env(WORKER_TICK_SECONDS="1"),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        time.sleep(2)  # the worker is up and has ticked once with nothing due
        requests, _cast = _overdue_requests(2)
        alerts = ClockAlert.objects.filter(clock__request__in=requests)
        deadline = time.monotonic() + 60
        while alerts.count() < 4 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.5)
        assert worker.poll() is None, worker.stdout.read().decode()
        assert sorted(alerts.values_list("level", flat=True)) == ["escalation"] * 2 + ["warning"] * 2
    finally:
        worker.terminate()
        worker.wait(timeout=30)


@pytest.fixture
def redis_queue(settings):
    import redis

    url = settings.REDIS_URL
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        if IN_CI:
            pytest.fail(f"CI=true and Redis at {url} is not reachable: {exc}")
        pytest.skip(f"Redis at {url} is not reachable: {exc}")
    client.flushdb()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    yield url
    client.flushdb()


def test_rq_worker_on_redis_fires_each_alert_once(redis_queue):
    requests, _cast = _overdue_requests()
    env = _worker_env(TASKS_BACKEND="rq", TEST_REDIS_URL=redis_queue)
    for _ in range(2):
        subprocess.run([AFTERSALES, "worker", "--burst"], env=env, check=True, timeout=120,
                       capture_output=True)
    alerts = ClockAlert.objects.filter(clock__request__in=requests)
    assert sorted(alerts.values_list("level", flat=True)) == ["escalation"] * 3 + ["warning"] * 3
