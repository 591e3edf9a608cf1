"""Report periods in a service centre's own time zone, and when schedules run next."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from .choices import FREQUENCY, Frequency


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    tz: ZoneInfo

    @property
    def since(self) -> datetime:
        """The first moment of the period, in the centre's time zone."""
        return datetime.combine(self.start, time.min, self.tz)

    @property
    def until(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, self.tz)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def contains(self, moment: datetime) -> bool:
        return self.since <= moment < self.until


def centre_tz(centre) -> ZoneInfo:
    return ZoneInfo(centre.time_zone if centre is not None else settings.TIME_ZONE)


def local_today(centre, now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), centre_tz(centre)).date()


def month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def period_bounds(kind: str, day: date) -> tuple[date, date]:
    """The period of ``kind`` that contains ``day``: that day, its ISO week, its month."""
    frequency = FREQUENCY[kind]
    if frequency == Frequency.DAILY:
        return day, day
    if frequency == Frequency.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    return day.replace(day=1), month_end(day)


def period_for(kind: str, day: date, centre) -> Period:
    start, end = period_bounds(kind, day)
    return Period(start, end, centre_tz(centre))


def previous_period_day(kind: str, today: date) -> date:
    """A day inside the last complete period before ``today`` (what a schedule produces)."""
    start, _end = period_bounds(kind, today)
    return start - timedelta(days=1)


def next_run(schedule, after: datetime) -> datetime:
    """The first scheduled moment strictly after ``after`` (project time zone)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    local = timezone.localtime(after, tz)
    frequency = FREQUENCY[schedule.kind]
    day = local.date()
    for _ in range(400):
        if frequency == Frequency.DAILY:
            fits = True
        elif frequency == Frequency.WEEKLY:
            fits = day.weekday() == schedule.weekday
        else:
            fits = day.day == schedule.month_day
        if fits:
            moment = datetime.combine(day, schedule.run_at, tz)
            if moment > after:
                return moment
        day += timedelta(days=1)
    raise ValueError("no next run within a year")  # pragma: no cover
