"""The shifted wall clock of the test runs (AFTERSALES_TEST_CLOCK, tests/wallclock/): a process
and the Python processes it spawns move to the same Shanghai time and tick on; clock_at pins."""

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aftersales_wallclock as wallclock
import pytest
import time_machine

TZ = ZoneInfo("Asia/Shanghai")
HERE = Path(__file__).parent / "wallclock"
SHOW = ("import os, subprocess, sys, datetime, zoneinfo\n"
        "tz = zoneinfo.ZoneInfo('Asia/Shanghai')\n"
        "print(datetime.datetime.now(tz).isoformat())\n"
        "if len(sys.argv) > 1:\n"
        "    subprocess.run([sys.executable, '-c', sys.argv[1]], check=True)\n")


def _times(env: dict, *nested: str) -> list[datetime]:
    out = subprocess.run([sys.executable, "-c", SHOW, *nested], env=env, check=True,
                         capture_output=True, text=True, timeout=60).stdout
    return [datetime.fromisoformat(line) for line in out.split()]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != wallclock.OFFSET}
    return env | {"PYTHONPATH": str(HERE)} | extra


def _real_now() -> datetime:
    """The real Shanghai time, even when this run's clock is shifted."""
    hatch = time_machine.escape_hatch
    return hatch.datetime.datetime.now(TZ) if hatch.is_travelling() else datetime.now(TZ)


def test_a_process_and_its_children_start_at_the_asked_time_and_tick():
    env = _env(AFTERSALES_TEST_CLOCK="2026-03-02 10:40")
    parent, child = _times(env, SHOW)
    start = datetime(2026, 3, 2, 10, 40, tzinfo=TZ)
    assert start <= parent < start + timedelta(seconds=30)
    assert parent < child < parent + timedelta(seconds=30)  # the same clock, ticking


def test_a_time_of_day_alone_keeps_todays_shanghai_date():
    # "Today" is the real Shanghai date, which a shifted run of this suite need not share (a run
    # shifted to 20:00 still reads the 3rd after midnight of the 4th has struck); read the real
    # clock on both sides of the child, so a run across midnight passes too.
    before = _real_now().date()
    (moment,) = _times(_env(AFTERSALES_TEST_CLOCK="20:00"))
    after = _real_now().date()
    assert moment.date() in {before, after} and (moment.hour, moment.minute) == (20, 0)


def test_without_the_variable_nothing_moves():
    env = _env()
    env.pop("AFTERSALES_TEST_CLOCK", None)
    (moment,) = _times(env)
    assert abs(moment - _real_now()) < timedelta(seconds=30)


def test_a_bad_value_is_refused_with_the_expected_form():
    with pytest.raises(ValueError, match="HH:MM"):
        wallclock.destination("10h40")


@pytest.mark.skipif(not os.environ.get("AFTERSALES_TEST_CLOCK"), reason="the clock is not shifted")
def test_when_the_suite_runs_shifted_its_subprocesses_share_its_clock():
    (child,) = _times(os.environ.copy())  # exactly what a worker the tests spawn inherits
    assert abs(child - datetime.now(TZ)) < timedelta(seconds=30)


def test_clock_at_pins_a_shanghai_time_of_day(clock_at):
    day = datetime(2026, 12, 4).date()
    moment = clock_at(9, 5, day=day, tick=False)
    assert datetime.now(TZ) == moment == datetime(2026, 12, 4, 9, 5, tzinfo=TZ)
