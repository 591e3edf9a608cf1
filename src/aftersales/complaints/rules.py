"""The pure arithmetic of complaints: step deadlines on the business calendar (CP-4, CP-5, CP-6),
the approval level (CP-9), the return tolerance (CP-11) and the penalties (CP-13). No database."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- deadlines ----------------------------------------------------------------------------------


def working_day(calendar) -> timedelta:
    """The length of one working day of ``calendar`` (08:30–17:30: nine hours)."""
    opens, closes = calendar.opens, calendar.closes
    return (datetime.combine(date.min, closes) - datetime.combine(date.min, opens))


def working_days_after(calendar, start: datetime, days) -> datetime:
    """The moment ``days`` working days (½ = half a working day) after ``start``."""
    return calendar.add(start, working_day(calendar) * float(Decimal(days)))


def reminder_moment(calendar, start: datetime, due: datetime, before_hours) -> datetime:
    """When to remind: ``before_hours`` of working time before ``due`` (at ``start`` if the step
    is shorter than that)."""
    length = calendar.between(start, due)
    lead = timedelta(hours=float(Decimal(before_hours)))
    if length <= lead:
        return start
    return calendar.add(start, length - lead)


# --- approval and tolerance -----------------------------------------------------------------------


def authority_level(authorities, amount: Decimal) -> int | None:
    """The lowest level whose limit covers ``amount`` (authorities: (level, max_amount|None))."""
    for level, limit in sorted(authorities, key=lambda a: a[0]):
        if limit is None or amount <= limit:
            return level
    return None


def return_booked(approved: Decimal, returned: Decimal, tolerance: Decimal) -> tuple[Decimal, bool]:
    """CP-11 (seed 000 (十三) 2): finance books the actually returned quantity when it is below
    the approved one or above it within the tolerance ratio; beyond it the approved quantity is
    booked and the difference goes back to sales (second value False)."""
    limit = approved * (1 + tolerance)
    if returned <= limit:
        return returned, True
    return approved, False


# --- penalties (CP-13) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One responsibility line: a department (its members' base points) or one person."""

    key: object
    ratio: Decimal  # percent
    person: object | None  # a person's key, or None: the whole department
    members: tuple  # ((person key, base points), …) of the department


@dataclass(frozen=True)
class Deduction:
    key: object
    person: object
    amount: Decimal
    basis: str


def loss_counted(*, actual_loss: Decimal, resale_loss: Decimal | None,
                 resold_within_window: bool) -> Decimal:
    """The A-grade price loss if the goods were resold within the window, else the actual loss."""
    if resold_within_window and resale_loss is not None:
        return money(resale_loss)
    return money(actual_loss)


def loss_share(loss: Decimal, ratio: Decimal) -> Decimal:
    return money(loss * ratio / HUNDRED)


def economic_deductions(loss: Decimal, shares: list[Share]) -> list[Deduction]:
    """Each line's share of the loss (by ratio); a person's share is his; a department's share is
    spread over its people: share ÷ department's total base points × person's base points."""
    out = []
    for share in shares:
        part = loss_share(loss, share.ratio)
        if share.person is not None:
            out.append(Deduction(share.key, share.person, part,
                                 f"{loss} × {share.ratio}% = {part}"))
            continue
        total = sum((points for _p, points in share.members), Decimal("0"))
        if total <= 0:
            continue
        for person, points in share.members:
            amount = money(part / total * points)
            out.append(Deduction(share.key, person, amount,
                                 f"{part} ÷ {total} × {points} = {amount}"))
    return out


def administrative_amount(*, grade: str, warning_amount: Decimal, minor_per_base: Decimal,
                          base_points: Decimal, monthly_bonus: Decimal, minor_count: int = 1
                          ) -> Decimal:
    """Warning: the warning amount; minor demerit: per base point × the person's base points (per
    demerit); major demerit: the whole month's bonus."""
    if grade == "warning":
        return money(warning_amount)
    if grade == "minor":
        return money(minor_per_base * base_points * minor_count)
    if grade == "major":
        return money(monthly_bonus)
    return Decimal("0.00")


def month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def instalments(amount: Decimal, *, cap: Decimal, start: date,
                used: dict[date, Decimal] | None = None) -> list[tuple[date, Decimal]]:
    """Spread ``amount`` over months from ``start``: each month's deductions (``used`` already
    booked, plus this) stay within ``cap``; the rest carries over. No cap (≤ 0): all at once."""
    amount = money(amount)
    start = start.replace(day=1)
    if amount <= 0:
        return []
    if cap <= 0:
        return [(start, amount)]
    used = used or {}
    out, month, remaining = [], start, amount
    for _ in range(1200):
        room = money(cap - used.get(month, Decimal("0")))
        if room > 0:
            take = min(room, remaining)
            out.append((month, take))
            remaining -= take
            if remaining <= 0:
                return out
        month = month_after(month)
    raise ValueError("the deduction does not fit in a hundred years")
