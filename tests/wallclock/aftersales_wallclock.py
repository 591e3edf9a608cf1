"""Runs a Python process with its wall clock shifted to a chosen Shanghai time (ticking).

    AFTERSALES_TEST_CLOCK=10:40 pytest ...              today's Shanghai date at 10:40 CST
    AFTERSALES_TEST_CLOCK="2026-12-04 20:00" pytest ...  that date and time, CST

Only the wall clock moves (time.time, datetime.now, …, via time-machine); monotonic clocks do
not, so timeouts, asyncio and the browser driver are unaffected. The clock keeps ticking.

The root conftest.py starts the shift in the test process and puts this directory on PYTHONPATH,
so every Python process the tests spawn (workers, gunicorn, management commands) runs
``sitecustomize.py`` beside this file at start-up and moves to the same shifted time: the first
process exports its offset from real time in AFTERSALES_TEST_CLOCK_OFFSET and its children
travel by that offset. Without AFTERSALES_TEST_CLOCK nothing moves.
"""

import os
import re
import time
from datetime import date, datetime, timedelta, timezone

VARIABLE = "AFTERSALES_TEST_CLOCK"
OFFSET = "AFTERSALES_TEST_CLOCK_OFFSET"
CST = timezone(timedelta(hours=8), "CST")  # Asia/Shanghai has no DST
_SPEC = re.compile(r"^\s*(?:(\d{4}-\d{2}-\d{2})[ T])?(\d{1,2}):(\d{2})\s*$")
_traveller = None


def destination(spec: str, *, now: float | None = None) -> datetime:
    """The Shanghai time ``spec`` ("HH:MM" today, or "YYYY-MM-DD HH:MM") names."""
    match = _SPEC.match(spec)
    if not match:
        raise ValueError(f"{VARIABLE}={spec!r}: expected HH:MM or YYYY-MM-DD HH:MM (Shanghai time)")
    day_text, hh, mm = match.groups()
    day = (date.fromisoformat(day_text) if day_text
           else datetime.fromtimestamp(time.time() if now is None else now, CST).date())
    return datetime(day.year, day.month, day.day, int(hh), int(mm), tzinfo=CST)


def start() -> datetime | None:
    """Shifts this process's wall clock as the environment asks; returns the shifted now."""
    global _traveller
    spec = os.environ.get(VARIABLE, "").strip()
    if not spec:
        return None
    if _traveller is None:
        real = time.time()
        if OFFSET in os.environ:  # a child of a shifted process: the same offset from real time
            offset = float(os.environ[OFFSET])
        else:
            offset = destination(spec, now=real).timestamp() - real
            os.environ[OFFSET] = repr(offset)
        here = os.path.dirname(os.path.abspath(__file__))
        paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        if here not in paths:
            os.environ["PYTHONPATH"] = os.pathsep.join([here, *paths])
        import time_machine

        # A timestamp, not an aware datetime: time-machine would otherwise also set TZ.
        _traveller = time_machine.travel(real + offset, tick=True)
        _traveller.start()
    return datetime.now(CST)


def describe() -> str | None:
    """One line for the test report header, or None when the clock is not shifted."""
    if _traveller is None:
        return None
    return (f"wall clock shifted: {VARIABLE}={os.environ[VARIABLE]} -> "
            f"{datetime.now(CST):%Y-%m-%d %H:%M} CST at start (ticking)")

