"""Run one call from several real threads at the same instant, for the concurrency tests of every
app: each thread has its own database connection (closed when it is done), all wait at a barrier
and then call at once, so the database's locks and constraints — not the test's timing — decide
who wins. Used on SQLite and PostgreSQL alike (tests marked ``concurrency``)."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.core.exceptions import ValidationError
from django.db import connection

REFUSED = {ValidationError: "refused"}


def at_once(fn, count: int, *, outcomes: dict | None = None) -> list:
    """Call ``fn(index)`` from ``count`` threads at once and return what each call returned, in
    index order. An exception listed in ``outcomes`` (by class: the first that matches) stands
    for the call's result as the value it maps to — by default a ``ValidationError`` is
    ``"refused"``; any other exception fails the test."""
    outcomes = REFUSED if outcomes is None else outcomes
    barrier = threading.Barrier(count)

    def run(index):
        barrier.wait()
        try:
            return fn(index)
        except tuple(outcomes) as error:
            return next(value for kind, value in outcomes.items() if isinstance(error, kind))
        finally:
            connection.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def ok(fn):
    """``fn`` with its result replaced by ``"ok"``, for races counted as "ok" and "refused"."""
    def call(index):
        fn(index)
        return "ok"
    return call
