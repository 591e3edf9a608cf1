"""The planning model validates itself; time conversion is exact across zones."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aftersales.dispatch.planning.model import (
    Job,
    Location,
    Problem,
    Technician,
    at_minutes,
    minutes_from_midnight,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_minutes_from_midnight_and_back_with_utc_input():
    day = dt.date(2026, 2, 17)  # Spring Festival: the planner does not care
    moment = dt.datetime(2026, 2, 17, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai
    assert minutes_from_midnight(moment, day, SHANGHAI) == 570
    assert at_minutes(570, day, SHANGHAI) == moment
    assert at_minutes(1440 + 600, day, SHANGHAI).hour == 10  # tomorrow 10:00
    assert (
        minutes_from_midnight(dt.datetime(2026, 2, 16, 23, 0, tzinfo=SHANGHAI), day, SHANGHAI)
        == -60
    )


def test_time_conversion_is_elapsed_time_across_a_dst_change():
    berlin = ZoneInfo("Europe/Berlin")
    day = dt.date(2026, 3, 29)  # clocks go forward at 02:00
    assert at_minutes(180, day, berlin).hour == 4  # three hours after midnight is 04:00 CEST
    assert minutes_from_midnight(dt.datetime(2026, 3, 29, 4, 0, tzinfo=berlin), day, berlin) == 180


def test_validation():
    home = Location(31.2, 121.4)
    with pytest.raises(ValueError):
        Technician("t", home, shift_start=600, shift_end=500)
    with pytest.raises(ValueError):
        Job("j", home, window_start=600, window_end=500)
    with pytest.raises(ValueError):
        Job("j", home, pinned_start=600)  # a pinned start needs a technician
    tech = Technician("t", home)
    with pytest.raises(ValueError):
        Problem((tech, tech), ())
    with pytest.raises(ValueError):
        Problem((tech,), (Job("j", home, pinned_technician="nobody"),))


def test_deadline_helpers_and_skills():
    home = Location(0, 0)
    job = Job("j", home, required_skills={"gas"}, window_start=600, window_end=720, deadline=650)
    assert job.latest_on_time_start == 650
    assert job.deadline_reachable()
    assert not Job("k", home, window_start=600, deadline=590).deadline_reachable()
    assert Technician("t", home, skills={"gas", "washer"}).qualified_for(job)
    assert not Technician("u", home, skills={"washer"}).qualified_for(job)
    assert Location.xy(3, 4).x == 3 and Location.xy(3, 4).y == 4
