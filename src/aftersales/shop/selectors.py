"""Reads with policy: case lists and the platforms' metrics (EC-4)."""

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q
from django.utils import timezone

from .choices import DONE_STATES, Direction
from .models import CaseMessage, Order, Rating, Shop, ShopCase
from .rules import RESPONSE_MINUTES, SHANGHAI, working_minutes

DISPUTE_DAYS = 30
RATING_DAYS = 90
PENALTY_INQUIRERS = 100  # a day; under PENALTY_RATE answered in time → the platform's penalty
PENALTY_RATE = Decimal("0.5")


def case_list(*, user, q: str = "", shop=None, kind: str = "", state: str = "",
              open_only: bool = False):
    cases = (ShopCase.objects.restrict(user, "view")
             .select_related("order", "order__shop", "order__customer", "handler"))
    if q:
        cases = cases.filter(Q(order__number__icontains=q) | Q(order__buyer_name__icontains=q)
                             | Q(order__buyer_phone__icontains=q))
    if shop:
        cases = cases.filter(order__shop=shop)
    if kind:
        cases = cases.filter(kind=kind)
    if state:
        cases = cases.filter(state=state)
    if open_only:
        cases = cases.exclude(state__in=DONE_STATES)
    return cases


def order_list(*, user, q: str = "", shop=None):
    orders = Order.objects.restrict(user, "view").select_related("shop", "customer")
    if q:
        orders = orders.filter(Q(number__icontains=q) | Q(buyer_name__icontains=q)
                               | Q(buyer_phone__icontains=q))
    if shop:
        orders = orders.filter(shop=shop)
    return orders


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def first_responses(shop: Shop, start: datetime, end: datetime) -> list[dict]:
    """One row per inquirer (a case whose first buyer message falls in [start, end)): when the
    buyer first wrote, when we first answered after it, and the working minutes between
    (08:00–23:00 Shanghai only)."""
    messages = (CaseMessage.objects.filter(case__order__shop=shop, at__lt=end + timedelta(days=2))
                .filter(case__messages__direction=Direction.IN, case__messages__at__gte=start,
                        case__messages__at__lt=end)
                .distinct().order_by("case_id", "at", "id").values("case_id", "direction", "at"))
    first_in: dict = {}
    first_out: dict = {}
    for m in messages:
        case = m["case_id"]
        if m["direction"] == Direction.IN:
            first_in.setdefault(case, m["at"])
        elif case in first_in and case not in first_out:
            first_out[case] = m["at"]
    rows = []
    for case, asked in first_in.items():
        if not start <= asked < end:
            continue
        answered = first_out.get(case)
        waited = working_minutes(asked, answered) if answered else None
        rows.append({"case": case, "asked": asked, "answered": answered, "minutes": waited,
                     "in_time": waited is not None and waited <= RESPONSE_MINUTES})
    return rows


def response_rate(shop: Shop, start: datetime, end: datetime) -> dict:
    rows = first_responses(shop, start, end)
    answered = sum(1 for r in rows if r["in_time"])
    return {"inquirers": len(rows), "answered": answered, "rate": _rate(answered, len(rows))}


def shop_metrics(shop: Shop, *, now: datetime | None = None) -> dict:
    """The platform's figures for one shop (EC-4) as of ``now``."""
    now = now or timezone.now()
    since30 = now - timedelta(days=DISPUTE_DAYS)
    orders30 = Order.objects.filter(shop=shop, paid_at__gte=since30, paid_at__lt=now).count()
    disputes30 = ShopCase.objects.filter(order__shop=shop, dispute=True, opened_at__gte=since30,
                                         opened_at__lt=now).count()
    ratings = Rating.objects.filter(order__shop=shop, at__gte=now - timedelta(days=RATING_DAYS),
                                    at__lt=now).aggregate(
        description=Avg("description"), logistics=Avg("logistics"), service=Avg("service"),
        count=Count("pk"))
    for key in ("description", "logistics", "service"):
        if ratings[key] is not None:
            ratings[key] = Decimal(str(ratings[key])).quantize(Decimal("0.01"),
                                                               rounding=ROUND_HALF_UP)
    return {"shop": shop, "orders30": orders30, "disputes30": disputes30,
            "dispute_rate": _rate(disputes30, orders30), "ratings": ratings,
            "response": response_rate(shop, since30, now)}


def shop_trend(shop: Shop, *, days: int = 30, now: datetime | None = None) -> list[dict]:
    """Per Shanghai day: inquirers, answered in time, the rate, disputes opened, the penalty
    flag (over 100 inquirers and under 50 %)."""
    now = now or timezone.now()
    today = now.astimezone(SHANGHAI).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time(), SHANGHAI)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), SHANGHAI)
    per_day: dict = defaultdict(lambda: {"inquirers": 0, "answered": 0, "disputes": 0})
    for row in first_responses(shop, start, end):
        day = row["asked"].astimezone(SHANGHAI).date()
        per_day[day]["inquirers"] += 1
        per_day[day]["answered"] += int(row["in_time"])
    for opened in ShopCase.objects.filter(order__shop=shop, dispute=True, opened_at__gte=start,
                                          opened_at__lt=end).values_list("opened_at", flat=True):
        per_day[opened.astimezone(SHANGHAI).date()]["disputes"] += 1
    rows = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        figures = per_day[day]
        rate = _rate(figures["answered"], figures["inquirers"])
        rows.append({"day": day, **figures, "rate": rate,
                     "penalty": figures["inquirers"] > PENALTY_INQUIRERS
                     and rate is not None and rate < PENALTY_RATE})
    return rows
