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
