"""The rules of EC-2…EC-4 as plain functions (no database): the 7-day window, the refund
arithmetic and the response clock."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from .choices import FeePayer, Inspection

SHANGHAI = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")
NO_REASON_DAYS = 7
RESPONSE_MINUTES = 60
WORK_START = time(8, 0)
WORK_END = time(23, 0)


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def return_deadline(delivered_at: datetime) -> datetime:
    """The last moment of a 7-day no-reason return (EC-3).

    As the national rule for online sales counts it (七日无理由退货: the seven days start the day
    after the buyer signs for the goods): the 7th calendar day after the day of delivery, in
    Shanghai time, up to 23:59:59 — delivered 31 January at 21:00 → until 7 February 23:59:59.
    Returned as the first moment after it (exclusive end)."""
    day = delivered_at.astimezone(SHANGHAI).date() + timedelta(days=NO_REASON_DAYS + 1)
    return datetime.combine(day, time.min, SHANGHAI)


def within_return_window(delivered_at: datetime | None, moment: datetime) -> bool:
    return delivered_at is not None and delivered_at <= moment < return_deadline(delivered_at)


@dataclass(frozen=True)
class Refund:
    goods: Decimal
    deduction: Decimal
    shipping: Decimal
    total: Decimal

    def lines(self) -> list[tuple[str, Decimal]]:
        """The refund note's lines (each above zero, adding up to the total)."""
        from django.utils.translation import gettext as _

        rows = []
        if self.goods - self.deduction > 0:
            if self.deduction:
                rows.append((_("Goods returned, %(goods)s less %(cut)s after inspection")
                             % {"goods": self.goods, "cut": self.deduction},
                             self.goods - self.deduction))
            else:
                rows.append((_("Goods returned"), self.goods))
        if self.shipping:
            rows.append((_("Return shipping advanced by the buyer"), self.shipping))
        return rows


def refund_compute(*, goods_amount, inspection: str, deduction=Decimal("0"),
                   fee_payer: str = "", shipping_fee=Decimal("0")) -> Refund:
    """The refund of returned goods (EC-3): the goods' value, less a deduction when the
    inspection found them damaged by the buyer or incomplete (never below zero), plus the return
    shipping the buyer advanced when the shop pays it (EC-2). Each line half-up to the cent;
    the total is the sum of the lines."""
    goods = money(goods_amount)
    cut = money(deduction) if inspection in (Inspection.DAMAGED, Inspection.MISSING) else CENT * 0
    cut = min(cut, goods)
    shipping = money(shipping_fee) if fee_payer == FeePayer.SHOP else CENT * 0
    return Refund(goods=goods, deduction=cut, shipping=shipping, total=goods - cut + shipping)


def percent_of(amount, percent) -> Decimal:
    """A deduction given as a percentage of the goods, half-up to the cent."""
    return money(Decimal(amount) * Decimal(percent) / Decimal(100))


def _day_window(day) -> tuple[datetime, datetime]:
    return (datetime.combine(day, WORK_START, SHANGHAI), datetime.combine(day, WORK_END, SHANGHAI))


def working_minutes(start: datetime, end: datetime) -> float:
    """Minutes between two moments that fall between 08:00 and 23:00 Shanghai time (EC-4): a
    message at 22:50 answered at 08:05 the next day waited 15 minutes."""
    if end <= start:
        return 0.0
    day = start.astimezone(SHANGHAI).date()
    last = end.astimezone(SHANGHAI).date()
    total = 0.0
    while day <= last:
        open_, close = _day_window(day)
        lo, hi = max(start, open_), min(end, close)
        if hi > lo:
            total += (hi - lo).total_seconds() / 60
        day += timedelta(days=1)
    return total
