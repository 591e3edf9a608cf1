"""Working-time arithmetic on the default mainland-China business calendar (DS-3)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aftersales.core.calendar import BusinessCalendar, add_working_hours, calendar_for

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SH)


@pytest.mark.parametrize(
    ("called", "hours", "deadline"),
    [
        (at(2026, 11, 25, 9, 0), 6, at(2026, 11, 25, 15, 0)),     # plain Wednesday
        (at(2026, 11, 27, 16, 0), 6, at(2026, 11, 30, 13, 0)),    # Friday → Monday
        (at(2026, 11, 30, 7, 0), 6, at(2026, 11, 30, 14, 30)),    # before opening
        (at(2026, 11, 30, 20, 0), 7, at(2026, 12, 1, 15, 30)),    # after hours, suburban
        (at(2026, 11, 28, 10, 0), 6, at(2026, 11, 30, 14, 30)),   # Saturday call
        (at(2026, 2, 13, 15, 0), 6, at(2026, 2, 14, 12, 0)),      # Sat 14 Feb is an adjusted workday
        (at(2026, 2, 16, 10, 0), 6, at(2026, 2, 24, 14, 30)),     # Spring Festival (16–23 Feb off)
        (at(2026, 9, 30, 17, 0), 7, at(2026, 10, 8, 15, 0)),      # National Day, 1–7 Oct off
        (at(2026, 9, 18, 17, 0), 6, at(2026, 9, 20, 14, 0)),      # Sun 20 Sep is an adjusted workday
        (at(2026, 11, 25, 11, 30), 6, at(2026, 11, 25, 17, 30)),  # ends exactly at closing
        (at(2026, 11, 25, 11, 31), 6, at(2026, 11, 26, 8, 31)),   # one minute spills over
    ],
)
def test_arrival_deadlines(called, hours, deadline):
    assert add_working_hours(called, hours) == deadline


def test_utc_input_gives_the_same_instant():
    utc_call = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai
    assert add_working_hours(utc_call, 6) == at(2026, 11, 30, 13, 0)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_working_hours(datetime(2026, 11, 27, 8, 0), 6)


def test_between_is_the_inverse_of_add():
    cal = calendar_for()
    start = at(2026, 9, 28, 10, 15)
    for hours in (0.5, 6, 7, 24, 100):
        end = cal.add(start, timedelta(hours=hours))
        assert cal.between(start, end) == timedelta(hours=hours)
    assert cal.between(at(2026, 10, 1, 9, 0), at(2026, 10, 7, 18, 0)) == timedelta(0)


def test_corrections_override_the_official_calendar():
    cal = BusinessCalendar(overrides={at(2026, 11, 30, 0, 0).date(): False})
    assert cal.add(at(2026, 11, 27, 16, 0), timedelta(hours=6)) == at(2026, 12, 1, 13, 0)
