"""Calendar helpers: whole-month arithmetic and the service centre's local today."""

import calendar
from datetime import date, timedelta

from django.utils import timezone


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the last day of short months."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def warranty_end(purchased_on: date, months: int) -> date:
    """Last day covered: purchase date + ``months`` calendar months − 1 day (inclusive)."""
    return add_months(purchased_on, months) - timedelta(days=1)


def local_today() -> date:
    return timezone.localdate()


# The widest UTC offset any time zone uses (Kiribati, +14:00). A time written with a wider one
# (``-21:49``) is no real local time, and PostgreSQL refuses offsets beyond ±15:59.
MAX_UTC_OFFSET = timedelta(hours=14)


def utc_offset_ok(moment) -> bool:
    offset = moment.utcoffset() if moment is not None else None
    return offset is None or abs(offset) <= MAX_UTC_OFFSET
