"""Background work (house style rule 10) on django-tasks.

The embedded default is the database backend (``django_tasks_db``: the database is the queue, a
``db_worker`` process runs it); larger sites use Redis through RQ (``django_tasks_rq``). A task due
later is enqueued with ``run_after``: with the database backend in the same transaction as the
change that asks for it (atomic: both or neither), with other backends right after commit.
"""

from datetime import datetime

from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task_backends


def _transactional(task) -> bool:
    backend = task_backends[task.backend]
    return type(backend).__module__.startswith("django_tasks_db")


def enqueue(task, *args, run_after: datetime | None = None, **kwargs) -> None:
    """Enqueue ``task`` (a task, or its dotted path: a service names the task it schedules, so
    that ``services`` and ``tasks`` modules, which call the services, do not import each other)."""
    if isinstance(task, str):
        task = import_string(task)
    scheduled = task.using(run_after=run_after) if run_after is not None else task
    if _transactional(task) or not transaction.get_connection().in_atomic_block:
        scheduled.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: scheduled.enqueue(*args, **kwargs))
