"""Reads of the dealer network that carry policy: a dealer's home, the overdue reports and the
dealer archive figures (AR-5)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from aftersales.core.dates import local_today
from aftersales.core.querysets import ids_restricted
from aftersales.parts.models import (
    MaterialRequest,
    MaterialRequestStatus,
    StockBalance,
    Warehouse,
)
from aftersales.parts.selectors_requests import order_money

from .choices import OPEN_JOB_STATES, JobKind, JobState, ReportState
from .models import DealerJob, DealerTraining, MonthlyReport


def dealer_for(user):
    """The dealer a login acts for, or None (staff)."""
    link = getattr(user, "dealer_link", None)
    return link.dealer if link is not None else None


def jobs_seen(user, ids) -> set[int]:
    """Of the dealer jobs ``ids``, those whose page opens for ``user`` (the jobs' own rule: a
    centre's agents and supervisors the jobs of their centre's dealers, head office all). Head
    office's pages list every dealer's jobs and link only these; the rest show their number."""
    return ids_restricted(DealerJob.objects, user, ids)


def job_list(user, *, state: str = "open"):
    rows = DealerJob.objects.restrict(user).select_related("dealer", "customer", "request")
    if state == "open":
        rows = rows.filter(state__in=OPEN_JOB_STATES)
    elif state == "late":
        rows = rows.filter(state__in=OPEN_JOB_STATES, due_at__lt=timezone.now())
    elif state in JobState.values:
        rows = rows.filter(state=state)
    return rows.order_by("due_at", "id") if state in ("open", "late") else rows.order_by("-handed_at")


def job_parts(job) -> list:
    """The parts fitted on a job, each with the faulty part a free one owes back."""
    return list(job.parts.select_related("part").prefetch_related("return_obligations")
                .order_by("id"))


def open_orders(user) -> list:
    """The dealer's parts orders not yet received (nor cancelled), for its home page: each with
    its lines and what is still owed (``parts.selectors_requests.order_money``)."""
    rows = list(MaterialRequest.objects.restrict(user, "view")
                .filter(dealer__isnull=False)
                .exclude(status__in=[MaterialRequestStatus.RECEIVED,
                                     MaterialRequestStatus.CANCELLED])
                .prefetch_related("lines__part", "payments").order_by("-id")[:20])
    for order in rows:
        order.money = order_money(order)
    return rows


def job_orders(job) -> list:
    """The parts the dealer ordered from the maker for the job (parts' material requests)."""
    return list(job.parts_orders.prefetch_related("lines__part").order_by("-id"))


def report_list(user, *, state: str = ""):
    rows = MonthlyReport.objects.restrict(user).select_related("dealer")
    today = local_today()
    if state == "overdue":
        rows = rows.filter(state=ReportState.DUE, due_on__lt=today)
    elif state in ReportState.values:
        rows = rows.filter(state=state)
    return rows.order_by("-month", "dealer__code")


def dealer_stock(user):
    places = Warehouse.objects.restrict(user).filter(dealer__isnull=False)
    return (StockBalance.objects.filter(warehouse__in=places).select_related("warehouse", "part")
            .order_by("warehouse__code", "part__code"))


@dataclass
class Figures:
    dealer_id: int
    dealer: str
    month: date
    jobs: int = 0
    installs: int = 0
    repairs: int = 0
    on_time: int = 0
    timed: int = 0
    rating: Decimal | None = None
    follow_ups: int | None = None
    training: int | None = None
    parts_replaced: int | None = None
    reported: bool = False
    trained_by_us: int = 0  # people the maker trained that month (DealerTraining)

    @property
    def on_time_rate(self) -> Decimal | None:
        if not self.timed:
            return None
        return (Decimal(100) * self.on_time / self.timed).quantize(Decimal("0.1"), ROUND_HALF_UP)


def months_back(today: date, count: int) -> date:
    month = today.replace(day=1)
    for _ in range(count - 1):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def archive_figures(dealers, *, start: date, end: date) -> list[Figures]:
    """Per dealer and month from ``start`` (a first day) up to ``end`` (exclusive): the jobs it
    completed, installations and repairs among them, the customers' average rating, the share
    solved in time; what its monthly report says of follow-ups, training and parts; and the people
    the maker trained (its training records)."""
    names = {d.pk: str(d) for d in dealers}
    done = (DealerJob.objects.filter(dealer__in=list(names), state=JobState.COMPLETED,
                                     completed_at__date__gte=start, completed_at__date__lt=end)
            .annotate(month=TruncMonth("completed_at"))
            .values("dealer_id", "month")
            .annotate(jobs=Count("id"), installs=Count("id", filter=Q(kind=JobKind.INSTALL)),
                      repairs=Count("id", filter=Q(kind=JobKind.REPAIR)),
                      timed=Count("id", filter=Q(due_at__isnull=False)),
                      on_time=Count("id", filter=Q(completed_at__lte=F("due_at"))),
                      rating=Avg("rating")))
    rows: dict[tuple, Figures] = {}

    def row(dealer_id, month) -> Figures:
        key = (dealer_id, month)
        if key not in rows:
            rows[key] = Figures(dealer_id=dealer_id, dealer=names[dealer_id], month=month)
        return rows[key]

    for item in done:
        month = item["month"]
        month = month.date() if hasattr(month, "date") else month
        figures = row(item["dealer_id"], month.replace(day=1))
        figures.jobs, figures.installs, figures.repairs = item["jobs"], item["installs"], item["repairs"]
        figures.timed, figures.on_time = item["timed"], item["on_time"]
        if item["rating"] is not None:
            figures.rating = Decimal(str(item["rating"])).quantize(Decimal("0.01"), ROUND_HALF_UP)
    for report in MonthlyReport.objects.filter(dealer__in=list(names), month__gte=start,
                                               month__lt=end, state=ReportState.SUBMITTED):
        figures = row(report.dealer_id, report.month)
        figures.follow_ups, figures.training = report.follow_ups, report.training
        figures.parts_replaced, figures.reported = report.parts_replaced, True
    for item in (DealerTraining.objects.filter(dealer__in=list(names), held_on__gte=start,
                                               held_on__lt=end)
                 .annotate(month=TruncMonth("held_on")).values("dealer_id", "month")
                 .annotate(people=Sum("attendees"))):
        month = item["month"]
        month = month.date() if hasattr(month, "date") else month
        row(item["dealer_id"], month.replace(day=1)).trained_by_us = item["people"]
    return sorted(rows.values(), key=lambda f: (f.month, f.dealer), reverse=False)
