"""Working-time arithmetic on a service centre's business calendar (DS-3).

Default (api-contract.md): time zone Asia/Shanghai, working time 08:30–17:30 on working days;
working days are Monday–Friday plus the officially adjusted working days (调休), minus the
official public holidays of mainland China, both taken from the ``holidays`` package.
All arithmetic is exact to the minute and done in the centre's local time.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

DEFAULT_TZ = "Asia/Shanghai"
DEFAULT_OPEN = time(8, 30)
DEFAULT_CLOSE = time(17, 30)


@lru_cache(maxsize=64)
def _official(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(public holidays incl. substituted days off, adjusted working weekend days) of a year."""
    cn = holidays.China(years=year)
    return frozenset(cn.keys()), frozenset(getattr(cn, "weekend_workdays", ()))


@dataclass(frozen=True)
class BusinessCalendar:
    tz: ZoneInfo = ZoneInfo(DEFAULT_TZ)
    opens: time = DEFAULT_OPEN
    closes: time = DEFAULT_CLOSE
    overrides: dict = field(default_factory=dict)  # date → True (working) / False (closed)
    # date → (opens, closes) as aware datetimes, or None on a closed day; filled as used.
    _windows: dict = field(default_factory=dict, compare=False, repr=False)

    def __hash__(self):
        return hash((self.tz.key, self.opens, self.closes, tuple(sorted(self.overrides.items()))))

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        closed, extra = _official(day.year)
        if day in extra:
            return True
        if day in closed:
            return False
        return day.weekday() < 5

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        """(opens, closes) of a day as naive local wall-clock times, or None when closed."""
        try:
            return self._windows[day]
        except KeyError:
            window = ((datetime.combine(day, self.opens), datetime.combine(day, self.closes))
                      if self.is_working_day(day) else None)
            self._windows[day] = window
            return window

    # Arithmetic runs on naive local wall-clock times (fast), and the result is given the
    # centre's zone. Working hours never straddle a daylight-saving jump, so this is exact.

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The instant ``amount`` of working time after ``start``."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        remaining = amount
        local = start.astimezone(self.tz).replace(tzinfo=None)
        day = local.date()
        one_day = timedelta(days=1)
        for _ in range(3660):
            window = self._window(day)
            if window is not None:
                opens, closes = window
                cursor = local if local > opens else opens
                if cursor < closes:
                    available = closes - cursor
                    if remaining <= available:
                        return (cursor + remaining).replace(tzinfo=self.tz)
                    remaining -= available
            day += one_day
            local = datetime.combine(day, time(0))
        raise ValueError("no working time within ten years")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from ``start`` to ``end`` (negative if end is earlier)."""
        if end < start:
            return -self.between(end, start)
        total = timedelta(0)
        local_start = start.astimezone(self.tz).replace(tzinfo=None)
        local_end = end.astimezone(self.tz).replace(tzinfo=None)
        day = local_start.date()
        while day <= local_end.date():
            window = self._window(day)
            if window is not None:
                opens, closes = window
                lo, hi = max(opens, local_start), min(closes, local_end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total


@lru_cache(maxsize=256)
def _cached(centre_id: int, version: int, tz_name: str, opens: time, closes: time) -> BusinessCalendar:
    from .models import CalendarDay

    overrides = dict(CalendarDay.objects.filter(service_centre_id=centre_id)
                     .values_list("date", "is_working"))
    return BusinessCalendar(tz=ZoneInfo(tz_name), opens=opens, closes=closes, overrides=overrides)


DEFAULT_CALENDAR = BusinessCalendar()


class WallClock:
    """Clock hours, round the clock: for commitments counted in plain hours (DS-4, CP-15)."""

    def add(self, start: datetime, amount: timedelta) -> datetime:
        return start + amount

    def between(self, start: datetime, end: datetime) -> timedelta:
        return end - start


WALL_CLOCK = WallClock()


def calendar_for(centre=None) -> BusinessCalendar:
    """The centre's calendar: its time zone and hours, the official calendar, its corrections.

    Cached per process by (centre, calendar_version); services that change a centre's calendar
    raise its version, so every process picks up the change on the next request.
    """
    if centre is None or centre.pk is None:
        return DEFAULT_CALENDAR
    return _cached(centre.pk, centre.calendar_version, centre.time_zone or DEFAULT_TZ,
                   centre.opens_at, centre.closes_at)


def add_working_hours(start: datetime, hours: float, *, centre=None) -> datetime:
    return calendar_for(centre).add(start, timedelta(hours=hours))
