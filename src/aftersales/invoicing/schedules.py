"""Payment schedules' arithmetic, without the database: the quick split into equal instalments,
and the payments applied to a schedule's instalments in due-date order.

The reads that feed it are invoicing.selectors.payment_plans; the writes are
invoicing.services.schedules.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.dates import add_months

from .choices import MAX_INSTALMENTS, SPLIT_INTERVALS, InstalmentState
from .money import CENT

ZERO = Decimal("0.00")
# What a caller that may give either rows or a split (the API) answers when it gets both or none.
INSTALMENTS_OR_SPLIT = gettext_lazy("Give either the instalments or how to split the amount.")


def instalments_split(*, amount: Decimal, count: int, first_due_on: date,
                      every_months: int) -> list[tuple[date, Decimal]]:
    """``amount`` in ``count`` equal instalments (Decimal, half-up to the cent; the rounding
    cent goes on the last one), due every ``every_months`` months from ``first_due_on`` (a
    31st falls on the last day of a shorter month)."""
    errors = {}
    if not 1 <= count <= MAX_INSTALMENTS:
        errors["count"] = [_("Split into 1 to %(max)s instalments.") % {"max": MAX_INSTALMENTS}]
    if every_months not in SPLIT_INTERVALS:
        errors["every_months"] = [_("Choose every 1, 3, 6 or 12 months.")]
    if errors:
        raise ValidationError(errors)
    each = (amount / count).quantize(CENT, rounding=ROUND_HALF_UP)
    amounts = [each] * (count - 1) + [amount - each * (count - 1)]
    return [(add_months(first_due_on, n * every_months), value)
            for n, value in enumerate(amounts)]


@dataclass
class InstalmentStatus:
    """An instalment with what of it is paid as of ``as_of``."""

    instalment: object  # invoicing.Instalment
    paid: Decimal
    as_of: date

    @property
    def open(self) -> Decimal:
        return self.instalment.amount - self.paid

    @property
    def overdue(self) -> bool:
        return self.open > 0 and self.instalment.due_on < self.as_of

    @property
    def days_overdue(self) -> int:
        return (self.as_of - self.instalment.due_on).days if self.overdue else 0

    @property
    def state(self) -> str:
        if self.open <= 0:
            return InstalmentState.PAID
        if self.overdue:
            return InstalmentState.OVERDUE
        return InstalmentState.PARTLY_PAID if self.paid > 0 else InstalmentState.DUE

    @property
    def state_label(self) -> str:
        return InstalmentState(self.state).label


@dataclass
class PaymentPlan:
    """An invoice's schedule as of a day: each instalment's state, the invoice's payments (and
    any credit note issued after the schedule was made) applied in due-date order."""

    schedule: object  # invoicing.PaymentSchedule
    instalments: list[InstalmentStatus]
    credited_since: Decimal  # credit notes issued after the schedule was made

    @property
    def count(self) -> int:
        return len(self.instalments)

    @property
    def next_open(self) -> InstalmentStatus | None:
        """The first instalment not paid in full (overdue or next due)."""
        return next((s for s in self.instalments if s.open > 0), None)

    @property
    def overdue(self) -> Decimal:
        return sum((s.open for s in self.instalments if s.overdue), ZERO)

    @property
    def not_due(self) -> Decimal:
        """Open on instalments whose due date has not passed (not overdue)."""
        return sum((s.open for s in self.instalments if s.open > 0 and not s.overdue), ZERO)


def plan_apply(schedule, instalments, *, paid: Decimal, credited: Decimal, total: Decimal,
               as_of: date) -> PaymentPlan:
    """Apply what was paid for the invoice to ``instalments`` in due-date order. A credit note
    issued after the schedule was made lowers what is owed: it is applied like a payment, so the
    open instalments always add up to what the invoice has outstanding."""
    credited_since = max(credited - (total - schedule.amount_due), ZERO)
    left = paid + credited_since
    states = []
    for instalment in sorted(instalments, key=lambda i: i.due_on):
        taken = min(max(left, ZERO), instalment.amount)
        left -= taken
        states.append(InstalmentStatus(instalment=instalment, paid=taken, as_of=as_of))
    return PaymentPlan(schedule=schedule, instalments=states, credited_since=credited_since)
