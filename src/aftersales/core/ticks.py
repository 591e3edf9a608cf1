"""Sweeps of work that falls due by the clock, run by every task worker beside its loop.

Apps register handlers for ``"worker.tick"`` in their ``handlers.py`` (core.handlers), as for any
event: dispatch fires the deadline alerts that have fallen due. ``aftersales worker`` runs them in
a thread of its own at start-up and then every ``WORKER_TICK_SECONDS`` (30), with either task
backend, and once before a ``--burst`` run. A handler is idempotent and safe in several workers at
once, and does its work through the services as everywhere else; one that fails is logged and
runs again at the next tick, without stopping the others.

Why not a task per due moment: registering a request would then queue one for its first alert — a
statement in every create and a row per request in the database queue, for good (ADR 0016); a
sweep of an index of what is due costs a worker one short read every tick.
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections

from .handlers import Change, handlers_for

TICK = "worker.tick"

logger = logging.getLogger("aftersales.tasks")


def tick() -> int:
    """Run every ``worker.tick`` handler once; returns how many failed."""
    failed = 0
    for handler in handlers_for(TICK):
        try:
            handler(Change(event=TICK, subject=None))
        except Exception:  # a locked or restarting database, a bad row: the next tick retries
            failed += 1
            logger.exception("worker tick: %s failed", handler.__qualname__)
            close_old_connections()
    return failed


class Ticker(threading.Thread):
    """Ticks beside a worker's loop, from its start until it stops."""

    def __init__(self, seconds: float | None = None):
        super().__init__(name="ticker", daemon=True)
        self.seconds = seconds if seconds is not None else settings.WORKER_TICK_SECONDS
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while True:
                tick()
                close_old_connections()
                if self.stopped.wait(self.seconds):
                    return
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)
