"""Tasks left RUNNING by a worker that died run again (the database queue).

django-tasks-db marks a task RUNNING when a worker claims it and nothing ever looks at it again:
a worker killed mid-task (SIGKILL, out of memory, a lost machine) leaves it RUNNING for good.
django-tasks-db 0.13 records the claiming worker's id on the task (``worker_ids``) but has no
heartbeat and no recovery, so ``aftersales worker`` adds both:

- each worker registers a ``TaskWorker`` row (host, process id, start time) before it claims
  anything, and a thread beats (``seen_at``) every ``TASK_WORKER_HEARTBEAT`` seconds;
- at start-up and about every half ``TASK_WORKER_LOST_AFTER`` seconds each worker runs
  ``tasks_recover``: a task RUNNING under a worker that is gone goes back to READY (tasks are
  idempotent), or to FAILED after ``TASK_MAX_ATTEMPTS`` starts (a task that kills its worker
  every time must not loop). A worker is gone when it has not beaten for ``TASK_WORKER_LOST_AFTER``
  seconds, or at once when it ran on this host (same host name and process namespace) and its
  process no longer exists. A task whose worker never registered (a bare ``db_worker``) counts as
  lost after ``UNTRACKED_LOST_AFTER``.

Several workers may recover at once: each reset is one conditional UPDATE on the task's status and
start time, so a task is put back once, and a task another worker has claimed since is left alone.
A live worker keeps beating while it runs a long task, so its task is never taken from it.

Redis (RQ) has its own heartbeat: a job whose worker died stays in the StartedJobRegistry until
its execution's heartbeat runs out (about a minute and a half), and the next registry clean-up (at
any worker's start-up, then every 10 minutes) calls it abandoned; a job whose work horse died
under a live worker fails at once. Either way RQ moves it to the FailedJobRegistry unless it has
retries left. ``RQWorker`` (what ``aftersales worker`` runs) gives such a job another attempt, up
to ``TASK_MAX_ATTEMPTS`` starts in all, in one place (``rq_job_lost``); a job that raised is not
retried, as with the database queue.
"""

import logging
import os
import secrets
import socket
import threading
import time
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from rq import Worker
from rq.exceptions import AbandonedJobError

from .models import TaskWorker

logger = logging.getLogger(__name__)

UNTRACKED_LOST_AFTER = timedelta(hours=1)
LOST_EXCEPTION = "aftersales.core.task_recovery.WorkerLost"
_registered_here: set[str] = set()  # this process's own workers: alive while it runs


class WorkerLost(Exception):
    """The worker running the task died, as many times as TASK_MAX_ATTEMPTS allows."""


@cache
def host_key() -> str:
    """This machine's name and process namespace: process ids compare only within one."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()} {namespace}".strip()[:255]


def worker_id_new() -> str:
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{secrets.token_hex(4)}"


def worker_register(*, worker_id: str) -> TaskWorker:
    now = timezone.now()
    _registered_here.add(worker_id)
    worker, _created = TaskWorker.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": host_key(), "pid": os.getpid(), "started_at": now, "seen_at": now})
    return worker


def worker_beat(*, worker_id: str) -> None:
    if not TaskWorker.objects.filter(pk=worker_id).update(seen_at=timezone.now()):
        worker_register(worker_id=worker_id)  # it was taken for lost (a long pause): back again


def worker_unregister(*, worker_id: str) -> None:
    TaskWorker.objects.filter(pk=worker_id).delete()
    _registered_here.discard(worker_id)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_gone(worker: TaskWorker, *, now, lost_after: timedelta) -> bool:
    if worker.pk in _registered_here:
        return False
    if worker.seen_at < now - lost_after:
        return True
    if worker.host == host_key():
        # The same process id as this one belongs to an earlier process (a restarted container).
        return worker.pid == os.getpid() or not _process_exists(worker.pid)
    return False


def _put_back(result: DBTaskResult, *, now) -> str | None:
    claimed = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING,
                                          started_at=result.started_at)
    if len(result.worker_ids) >= settings.TASK_MAX_ATTEMPTS:
        done = claimed.update(
            status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
            exception_class_path=LOST_EXCEPTION,
            traceback=f"{LOST_EXCEPTION}: the worker died while running the task "
                      f"({len(result.worker_ids)} starts: {', '.join(result.worker_ids)})\n")
        return "failed" if done else None
    return "requeued" if claimed.update(status=TaskResultStatus.READY, started_at=None) else None


def tasks_recover(*, now=None) -> int:
    """Put back the tasks that gone workers left RUNNING; forget those workers. Returns how many
    tasks were put back (or failed for good)."""
    now = now or timezone.now()
    lost_after = timedelta(seconds=settings.TASK_WORKER_LOST_AFTER)
    workers = {worker.pk: worker for worker in TaskWorker.objects.all()}
    gone = {pk for pk, worker in workers.items() if worker_gone(worker, now=now, lost_after=lost_after)}
    count = 0
    running = DBTaskResult.objects.running().only("id", "task_path", "worker_ids", "started_at")
    for result in running.order_by():
        last = result.worker_ids[-1] if result.worker_ids else None
        if last in workers and last not in gone:
            continue
        if last not in workers and result.started_at and result.started_at > now - UNTRACKED_LOST_AFTER:
            continue  # claimed by a worker that registered after we looked, or an untracked one
        outcome = _put_back(result, now=now)
        if outcome:
            count += 1
            logger.warning("task %s (%s) was left running by lost worker %s: %s", result.pk,
                           result.task_path, last, outcome)
    for pk in gone:  # unless it beat again meanwhile
        TaskWorker.objects.filter(pk=pk, seen_at=workers[pk].seen_at).delete()
    return count


class Heartbeat(threading.Thread):
    """Beats for one worker and recovers lost tasks now and then, beside the worker's loop."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        recover_every = max(settings.TASK_WORKER_LOST_AFTER / 2, 1)
        next_recovery = time.monotonic() + recover_every
        try:
            while not self.stopped.wait(settings.TASK_WORKER_HEARTBEAT):
                try:
                    worker_beat(worker_id=self.worker_id)
                    if time.monotonic() >= next_recovery:
                        tasks_recover()
                        next_recovery = time.monotonic() + recover_every
                except Exception:  # a locked or restarting database: try again at the next beat
                    logger.exception("worker heartbeat failed")
                    close_old_connections()
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


def rq_job_lost(job) -> bool:
    """An RQ job's worker or work horse died: give it another attempt if it has starts left
    (RQ then enqueues it again instead of failing it). Returns whether it gets one."""
    lost = int(job.meta.get("lost", 0)) + 1
    job.meta["lost"] = lost
    again = lost < settings.TASK_MAX_ATTEMPTS
    if again:
        job.retries_left, job.retry_intervals = 1, None
    job.save_meta()
    logger.warning("job %s (%s) was left by a dead worker: %s", job.id, job.func_name,
                   "queued again" if again else "failed")
    return again


def _rq_abandoned(job, exc_type, exc_value, traceback) -> None:
    if exc_type is AbandonedJobError:
        rq_job_lost(job)


class RQWorker(Worker):
    """RQ's worker, with lost jobs retried (rq_job_lost)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("work_horse_killed_handler", lambda job, *_: rq_job_lost(job))
        super().__init__(*args, **kwargs)
        self.push_exc_handler(_rq_abandoned)
