"""``aftersales worker``: run the background worker for the configured task backend.

Database backend (the default): ``db_worker`` under a registered worker id with a heartbeat; at
start-up and now and then it puts back the tasks that dead workers left running
(core/task_recovery.py). Redis (TASKS_BACKEND=rq): an RQ worker with its scheduler, so tasks due
later (survey sendings, report wake-ups) run at their time. Either way a thread ticks beside the
worker's loop every ``WORKER_TICK_SECONDS``: the sweeps of what falls due by the clock, such as
deadline warnings and escalations (core/ticks.py); ``--burst`` ticks once, then runs what is due.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from aftersales.core import task_recovery, ticks


class Command(BaseCommand):
    help = "Run the background task worker (database or Redis, as configured)."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true",
                            help="Run what is due, then exit (cron-style or tests).")

    def handle(self, *args, burst=False, **options):
        if burst:
            ticks.tick()
            self._run(burst=True)
            return
        ticker = ticks.Ticker()
        ticker.start()
        try:
            self._run(burst=False)
        finally:
            ticker.stop()

    def _run(self, *, burst: bool) -> None:
        backend = settings.TASKS["default"]["BACKEND"]
        if backend.startswith("django_tasks_rq"):
            extra = ["--burst"] if burst else []
            call_command("rqworker", "default", "--with-scheduler",
                         "--worker-class", "aftersales.core.task_recovery.RQWorker",
                         "--job-class", "django_tasks_rq.backend.Job", *extra)
        else:
            extra = ["--batch"] if burst else []
            worker_id = task_recovery.worker_id_new()
            task_recovery.worker_register(worker_id=worker_id)
            task_recovery.tasks_recover()
            heartbeat = task_recovery.Heartbeat(worker_id)
            heartbeat.start()
            try:
                call_command("db_worker", "--interval", "1", "--worker-id", worker_id, *extra)
            finally:
                heartbeat.stop()
                task_recovery.worker_unregister(worker_id=worker_id)
