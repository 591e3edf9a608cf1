"""The month's deductions for faulty parts technicians kept (PT-3: not sent back by the due day,
they count as kept and are charged — to a technician, from his pay): payroll's page and Excel."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from .models import ReturnObligation, ReturnStatus

ZERO = Decimal("0.00")


@dataclass
class TechnicianDeductions:
    """One technician's kept parts of the month and what they come to."""

    technician: object
    rows: list = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((row.charge_amount for row in self.rows), ZERO)


def month_moments(month: date) -> tuple[datetime, datetime]:
    """The first moment of ``month`` (its first day) and of the next, in the current time zone."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return (timezone.make_aware(datetime.combine(month, time.min)),
            timezone.make_aware(datetime.combine(following, time.min)))


def kept_deductions(*, user, month: date) -> list[TechnicianDeductions]:
    """Each technician's faulty parts counted as kept in ``month`` with their charges, by name
    (those ``user`` may see: a technician his own, a centre its own, head office all) — one
    read."""
    start, end = month_moments(month)
    rows = (ReturnObligation.objects.restrict(user)
            .filter(status=ReturnStatus.KEPT, owed_by__isnull=False, kept_at__gte=start,
                    kept_at__lt=end)
            .select_related("owed_by", "part", "request")
            .order_by("owed_by__username", "kept_at", "id"))
    people: dict[int, TechnicianDeductions] = {}
    for row in rows:
        people.setdefault(row.owed_by_id, TechnicianDeductions(technician=row.owed_by)
                          ).rows.append(row)
    return list(people.values())
