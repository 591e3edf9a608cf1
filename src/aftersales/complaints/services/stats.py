"""Monthly complaint statistics (CP-12, CP-14, RP-5): last month's closed cases by kind, the
fifteen causes, department and responsibility, product model and channel — produced once by
the 10th."""

from collections import defaultdict
from datetime import date, datetime, time
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from aftersales.core.tasks import enqueue

from .. import rules
from ..choices import Cause, Channel, Kind, Status
from ..models import Complaint, MonthlyReport, Penalty, Responsibility

TASK = "aftersales.complaints.tasks.produce_monthly_report"
DUE_DAY = 10


def month_bounds(month: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(month.replace(day=1), time(0), zone)
    end = datetime.combine(rules.month_after(month.replace(day=1)), time(0), zone)
    return start, end


def previous_month(today: date) -> date:
    first = today.replace(day=1)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def monthly_stats(month: date, queryset=None) -> dict:
    """The figures of complaints closed in ``month`` (``queryset``: the reader's visible ones)."""
    start, end = month_bounds(month)
    rows = (queryset if queryset is not None else Complaint.objects.all()).filter(
        status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end)
    closed = list(rows.select_related("product_model"))
    ids = [c.pk for c in closed]
    by_kind = {k: 0 for k in Kind.values}
    by_cause = {c: 0 for c in Cause.values}
    by_channel = {c: 0 for c in Channel.values}
    by_model: dict[str, int] = defaultdict(int)
    in_time = 0
    for c in closed:
        by_kind[c.kind] += 1
        if c.cause:
            by_cause[c.cause] += 1
        by_channel[c.channel] += 1
        by_model[c.product_model.code if c.product_model_id else "—"] += 1
        in_time += bool(c.closed_in_time)
    departments: dict[str, dict] = {}
    for r in (Responsibility.objects.filter(complaint_id__in=ids).select_related("department")):
        row = departments.setdefault(r.department.code, {"name": r.department.name, "cases": 0,
                                                         "ratio_sum": Decimal("0")})
        row["cases"] += 1
        row["ratio_sum"] += r.ratio
    for row in departments.values():
        row["ratio_avg"] = str(rules.money(row["ratio_sum"] / row["cases"]))
        row["ratio_sum"] = str(row["ratio_sum"])
    penalties: dict[str, str] = defaultdict(lambda: "0.00")
    totals = defaultdict(Decimal)
    for p in Penalty.objects.filter(complaint_id__in=ids).select_related("department"):
        totals[p.department.code] += p.amount
    penalties.update({k: str(rules.money(v)) for k, v in totals.items()})
    return {
        "month": month.strftime("%Y-%m"), "closed": len(closed), "in_time": in_time,
        "by_kind": by_kind, "by_cause": by_cause, "by_channel": by_channel,
        "by_model": dict(sorted(by_model.items())), "by_department": departments,
        "penalties_by_department": dict(penalties),
        "upheld": sum(1 for c in closed if c.upheld), "numbers": [c.number for c in closed],
    }


def monthly_report_produce(*, today: date | None = None, force: bool = False) -> MonthlyReport | None:
    """Last month's report, once: on the 1st–10th (or ``force``); a second run does nothing."""
    today = today or timezone.localdate()
    if not force and today.day > DUE_DAY:
        return None
    month = previous_month(today)
    if MonthlyReport.objects.filter(month=month).exists():
        return None
    data = monthly_stats(month)
    try:
        with transaction.atomic():
            return MonthlyReport.objects.create(month=month, produced_at=timezone.now(), data=data)
    except IntegrityError:
        return None


def monthly_report_schedule(today: date | None = None) -> datetime:
    """Enqueue the next run: the 1st of next month at 08:00 local time."""
    today = today or timezone.localdate()
    run = datetime.combine(rules.month_after(today.replace(day=1)), time(8, 0),
                           timezone.get_current_timezone())
    enqueue(TASK, run_after=run)
    return run
