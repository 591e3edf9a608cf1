"""A task left RUNNING by a worker that died runs again (issue 9, item 12).

The end-to-end test kills a real ``aftersales worker`` with SIGKILL while it runs a deadline alert
(tests/recovery_tasks.py: the real alert service behind a gate file), checks that a second, live
worker does not take the task from a live one, then starts a new worker and checks that the alert
fires exactly once. The other tests drive ``tasks_recover`` directly for the cases one machine
cannot stage with real processes (a worker on another host; a task that kills every worker)."""

import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from aftersales.core import task_recovery
from aftersales.core.models import TaskWorker
from aftersales.core.tasks import enqueue
from aftersales.dispatch.models import ClockAlert, DeadlineClock
from aftersales.dispatch.tasks import fire_clock_alert
from aftersales.service.tests.factories import Cast, new_request
from tests.recovery_tasks import fire_clock_alert_at_gate
from tests.test_task_workers import AFTERSALES, _worker_env, redis_queue  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent


def _env(**extra):
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return _worker_env(**({"PYTHONPATH": path, "TASK_WORKER_HEARTBEAT": "1"} | extra))


def _wait_for(condition, what, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _burst(**extra):
    return subprocess.run([AFTERSALES, "worker", "--burst"], env=_env(**extra), check=True,
                          timeout=120, capture_output=True, text=True)


def _later(seconds: int) -> dict:
    """The environment of a process whose wall clock runs ``seconds`` ahead of this one's
    (tests/wallclock, ADR 0006)."""
    offset = float(os.environ.get("AFTERSALES_TEST_CLOCK_OFFSET", "0")) + seconds
    path = os.pathsep.join(filter(None, [str(ROOT / "tests" / "wallclock"),
                                         os.environ.get("PYTHONPATH")]))
    return {"AFTERSALES_TEST_CLOCK": os.environ.get("AFTERSALES_TEST_CLOCK", "00:00"),
            "AFTERSALES_TEST_CLOCK_OFFSET": repr(offset), "PYTHONPATH": path}


def test_task_of_a_killed_worker_runs_again_once(tmp_path):
    # Overdue by far, whatever the calendar's holidays: the warning is due.
    request = new_request(Cast(), reported_at=timezone.now() - timedelta(days=20))
    clock = DeadlineClock.objects.filter(request=request).first()
    DBTaskResult.objects.all().delete()  # only the gated alert is in the queue
    gate = tmp_path / "gate"
    starts = tmp_path / "gate.starts"
    enqueue(fire_clock_alert_at_gate, clock.pk, "warning", str(gate))
    result = DBTaskResult.objects.get()

    # It looks for lost tasks every 5 s (half of TASK_WORKER_LOST_AFTER), its own among them.
    worker = subprocess.Popen([AFTERSALES, "worker"], env=_env(TASK_WORKER_LOST_AFTER="10"),
                              start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: starts.exists() and starts.read_text().count("\n") == 1,
                  "the first worker to start the task")
        time.sleep(12)  # two rounds of its recovery while it runs the task
        result.refresh_from_db()
        assert result.status == TaskResultStatus.RUNNING
        first_worker = result.worker_ids

        # Another worker starting meanwhile leaves the live worker's task alone.
        _burst()
        result.refresh_from_db()
        assert (result.status, result.worker_ids) == (TaskResultStatus.RUNNING, first_worker)
        assert starts.read_text().count("\n") == 1
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)

    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING  # the dead worker's task, as it left it
    gate.touch()
    _burst()  # a new worker puts the task back and runs it
    result.refresh_from_db()
    assert result.status == TaskResultStatus.SUCCESSFUL, result.traceback
    assert len(result.worker_ids) == 2 and result.worker_ids[0] == first_worker[0]
    assert starts.read_text().count("\n") == 2
    _burst()  # and nothing runs it a third time
    assert starts.read_text().count("\n") == 2
    # The warning fired once (and, being due as well, the escalation it schedules, once).
    assert sorted(ClockAlert.objects.filter(clock=clock).values_list("level", flat=True)) \
        == ["escalation", "warning"]
    assert not TaskWorker.objects.exists()  # workers that stop cleanly sign off


def _running(worker_ids, started_ago=timedelta(seconds=5)):
    enqueue(fire_clock_alert, 1, "warning")
    result = DBTaskResult.objects.order_by("-enqueued_at").first()
    DBTaskResult.objects.filter(pk=result.pk).update(
        status=TaskResultStatus.RUNNING, worker_ids=worker_ids,
        started_at=timezone.now() - started_ago)
    result.refresh_from_db()
    return result


def _worker(worker_id, *, host="elsewhere", pid=4242, seen_ago=timedelta(0)):
    now = timezone.now()
    return TaskWorker.objects.create(worker_id=worker_id, host=host, pid=pid,
                                     started_at=now - timedelta(hours=1), seen_at=now - seen_ago)


def test_recovery_waits_for_the_heartbeat_of_a_worker_on_another_host(settings):
    settings.TASK_WORKER_LOST_AFTER = 60
    _worker("quiet", seen_ago=timedelta(seconds=61))
    _worker("beating", seen_ago=timedelta(seconds=5))
    lost, alive = _running(["quiet"]), _running(["beating"])

    assert task_recovery.tasks_recover() == 1
    lost.refresh_from_db()
    alive.refresh_from_db()
    assert lost.status == TaskResultStatus.READY and lost.started_at is None
    assert alive.status == TaskResultStatus.RUNNING
    assert list(TaskWorker.objects.values_list("pk", flat=True)) == ["beating"]
    assert task_recovery.tasks_recover() == 0  # a second recoverer finds nothing to do


def test_a_task_claimed_again_after_the_look_is_left_to_its_new_worker():
    _worker("quiet", seen_ago=timedelta(hours=1))
    result = _running(["quiet"])
    _worker("new")
    # Between a recoverer's read and its update, a new worker claimed the task again.
    DBTaskResult.objects.filter(pk=result.pk).update(worker_ids=["quiet", "new"],
                                                     started_at=timezone.now())
    assert task_recovery._put_back(result, now=timezone.now()) is None
    result.refresh_from_db()
    assert (result.status, result.worker_ids) == (TaskResultStatus.RUNNING, ["quiet", "new"])


def test_a_process_gone_on_this_host_is_lost_at_once():
    process = subprocess.Popen(["true"])
    process.wait()
    _worker("dead", host=task_recovery.host_key(), pid=process.pid)
    _worker("me", host=task_recovery.host_key(), pid=os.getpid())
    dead, me = _running(["dead"]), _running(["me"])
    assert task_recovery.tasks_recover() == 2  # "me": an earlier process with this process's id
    assert set(DBTaskResult.objects.filter(pk__in=[dead.pk, me.pk]).values_list("status", flat=True)) \
        == {TaskResultStatus.READY}


def test_a_worker_never_takes_its_own_task_for_lost():
    task_recovery.worker_register(worker_id="this-one")
    try:
        TaskWorker.objects.filter(pk="this-one").update(
            seen_at=timezone.now() - timedelta(hours=1))  # a long task, a slow beat
        mine = _running(["this-one"])
        assert task_recovery.tasks_recover() == 0
        assert DBTaskResult.objects.get(pk=mine.pk).status == TaskResultStatus.RUNNING
        assert TaskWorker.objects.filter(pk="this-one").exists()
    finally:
        task_recovery.worker_unregister(worker_id="this-one")


def test_a_task_that_kills_every_worker_fails_after_the_last_attempt(settings):
    settings.TASK_MAX_ATTEMPTS = 3
    _worker("w3", seen_ago=timedelta(hours=1))
    result = _running(["w1", "w2", "w3"])
    assert task_recovery.tasks_recover() == 1
    result.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == task_recovery.LOST_EXCEPTION


def test_untracked_workers_tasks_are_lost_only_after_an_hour():
    recent = _running(["bare-db-worker"], started_ago=timedelta(minutes=30))
    old = _running(["bare-db-worker"], started_ago=timedelta(hours=2))
    assert task_recovery.tasks_recover() == 1
    assert DBTaskResult.objects.get(pk=recent.pk).status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.get(pk=old.pk).status == TaskResultStatus.READY


def test_a_worker_taken_for_lost_signs_in_again_at_its_next_beat():
    task_recovery.worker_beat(worker_id="paused")
    assert TaskWorker.objects.get(pk="paused").host == task_recovery.host_key()


def test_rq_job_of_a_killed_worker_runs_again_once(redis_queue, tmp_path):  # noqa: F811
    """RQ: the worker and its work horse are killed; RQ calls the job abandoned once its heartbeat
    has run out (about 90 s: the new worker's clock is moved on, not the test made to wait), and
    the new worker runs it again instead of failing it."""
    import redis

    request = new_request(Cast(), reported_at=timezone.now() - timedelta(days=20))
    clock = DeadlineClock.objects.filter(request=request).first()
    redis.Redis.from_url(redis_queue).flushdb()  # only the gated alert is in the queue
    gate = tmp_path / "gate"
    starts = tmp_path / "gate.starts"
    result = fire_clock_alert_at_gate.enqueue(clock.pk, "warning", str(gate))
    rq = {"TASKS_BACKEND": "rq", "TEST_REDIS_URL": redis_queue}

    worker = subprocess.Popen([AFTERSALES, "worker"], env=_env(**rq), start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: starts.exists() and starts.read_text().count("\n") == 1,
                  "the first worker to start the job")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    # The work horse has a process group of its own: it dies too (the machine went down).
    horse = int(starts.read_text().split()[0])
    os.kill(horse, signal.SIGKILL)
    _wait_for(lambda: not task_recovery._process_exists(horse), "the work horse to die", 30)
    result.refresh()
    assert result.status == TaskResultStatus.RUNNING

    gate.touch()
    path = os.pathsep.join([str(ROOT), _later(300)["PYTHONPATH"]])
    _burst(**rq, **(_later(300) | {"PYTHONPATH": path}))
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert starts.read_text().count("\n") == 2
    assert ClockAlert.objects.filter(clock=clock, level="warning").count() == 1

