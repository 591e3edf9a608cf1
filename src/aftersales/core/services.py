"""Writes to the framework's own tables: the business calendar corrections."""

from datetime import date

from django.db import transaction
from django.db.models import F

from .changelog import change_log, snapshot
from .exceptions import PermissionDenied
from .models import CalendarDay


def _require_admin(actor):
    if not getattr(actor, "sees_all_centres", False):
        raise PermissionDenied()


def _bump(centre) -> None:
    type(centre).objects.filter(pk=centre.pk).update(calendar_version=F("calendar_version") + 1)
    centre.refresh_from_db(fields=["calendar_version"])


def calendar_day_set(*, actor, centre, day: date, is_working: bool, note: str = "") -> CalendarDay:
    """Correct the official calendar for one date of one centre (e.g. next year's 调休)."""
    _require_admin(actor)
    with transaction.atomic():
        existing = CalendarDay.objects.select_for_update().filter(service_centre=centre, date=day).first()
        before = snapshot(existing) if existing else None
        row, _created = CalendarDay.objects.update_or_create(
            service_centre=centre, date=day, defaults={"is_working": is_working, "note": note})
        change_log(actor=actor, instance=row, action="update" if before else "create", before=before)
        _bump(centre)
    return row


def calendar_day_clear(*, actor, centre, day: date) -> None:
    _require_admin(actor)
    with transaction.atomic():
        row = CalendarDay.objects.filter(service_centre=centre, date=day).first()
        if row is None:
            return
        change_log(actor=actor, instance=row, action="delete", before=snapshot(row))
        row.delete()
        _bump(centre)
