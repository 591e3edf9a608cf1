"""A simulated clock for seeding: the services stamp events, visits and signatures with
``timezone.now()``, so the seed moves "now" to each step's moment and the timelines read like
a month of real work. Only ever inside ``demo_seed``; the real clock is back on exit.
"""

from datetime import datetime

from django.utils import timezone


class SimulatedClock:
    def __init__(self):
        self._real = timezone.now
        self._moment: datetime | None = None

    def real_now(self) -> datetime:
        return self._real()

    def now(self) -> datetime:
        return self._moment if self._moment is not None else self._real()

    def set(self, moment: datetime | None) -> None:
        """Move to ``moment`` (never past the real now); ``None`` follows the real clock."""
        if moment is not None and moment > self._real():
            raise ValueError("the simulated clock cannot run ahead of the real one")
        self._moment = moment

    def __enter__(self):
        self._real = timezone.now
        timezone.now = self.now
        return self

    def __exit__(self, *exc):
        timezone.now = self._real
        self._moment = None
        return False
