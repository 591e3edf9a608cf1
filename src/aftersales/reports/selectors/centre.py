"""A service centre's figures for a period (RP-2 supervisor daily report, RP-3 weekly report):
calls taken (and of them repaired before their paperwork), dispatched, completed, closed,
cancelled, what is left open, arrival deadlines."""

from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, Value
from django.db.models.functions import Cast, NullIf, TruncDate

from aftersales.core.models import Event
from aftersales.dispatch.choices import ClockKind, ClockState
from aftersales.dispatch.models import DeadlineClock
from aftersales.service.choices import OPEN_STATUSES, Status
from aftersales.service.models import ServiceRequest

from .common import CATEGORIES, closed_in, completed_in, in_period, request_content_type_id


def punctuality_metrics(now, prefix: str = "") -> dict:
    """Arrival deadlines (DS-3) falling due in a period: how many are decided (met, or past
    due), met on time, missed; and the ratio on time / decided."""
    p = prefix
    decided = Q(**{f"{p}state": ClockState.MET}) | Q(**{f"{p}due_at__lte": now})
    on_time = Q(**{f"{p}state": ClockState.MET, f"{p}met_at__lte": F(f"{p}due_at")})
    missed = Q(**{f"{p}breached": True}) | Q(**{f"{p}state": ClockState.RUNNING,
                                               f"{p}due_at__lte": now})
    return {
        "deadlines": Count("pk", filter=decided),
        "on_time": Count("pk", filter=on_time),
        "missed": Count("pk", filter=missed),
        "punctuality": Cast(Count("pk", filter=on_time), FloatField())
        / NullIf(Cast(Count("pk", filter=decided), FloatField()), Value(0.0)),
    }


def arrival_clocks(*, centre, period):
    """Arrival clocks of the centre due in the period (cancelled jobs' stopped clocks left out)."""
    return (DeadlineClock.objects
            .filter(kind=ClockKind.ARRIVAL, request__service_centre=centre,
                    due_at__gte=period.since, due_at__lt=period.until)
            .exclude(state=ClockState.STOPPED))


def centre_figures(*, centre, period, now) -> dict:
    """Calls, dispatches, completions and deadlines of a centre in a period (5 queries)."""
    requests = ServiceRequest.objects.filter(service_centre=centre)
    calls = requests.filter(in_period("reported_at", period)).aggregate(
        calls=Count("pk"), **{f"calls_{c}": Count("pk", filter=Q(category=c)) for c in CATEGORIES},
        # technicians sent before the paperwork (先抢修后补单): the supervisor keeps them rare
        repaired_first=Count("pk", filter=~Q(repaired_first="")))
    finished = completed_in(requests, period).aggregate(
        completed=Count("pk"),
        **{f"completed_{c}": Count("pk", filter=Q(category=c)) for c in CATEGORIES})
    finished["closed"] = closed_in(requests, period).count()
    left = requests.filter(status__in=OPEN_STATUSES).aggregate(
        open=Count("pk"),
        undispatched=Count("pk", filter=Q(status=Status.REGISTERED, reported_at__lt=period.until)),
        awaiting_agreement=Count("pk", filter=Q(status=Status.AWAITING_AGREEMENT)),
        at_workshop=Count("pk", filter=Q(status__in=(Status.CARRIED_IN, Status.REPAIRED,
                                                     Status.INSPECTED))),
    )
    moves = Event.objects.filter(
        content_type_id=request_content_type_id(), action__in=("assign", "cancel", "decline"),
        at__gte=period.since, at__lt=period.until,
    ).filter(Exists(requests.filter(pk=OuterRef("object_id")))).aggregate(
        dispatched=Count("object_id", distinct=True, filter=Q(action="assign")),
        cancelled=Count("object_id", distinct=True, filter=Q(action__in=("cancel", "decline"))),
    )
    clocks = arrival_clocks(centre=centre, period=period).aggregate(**punctuality_metrics(now))
    return {**calls, **finished, **left, **moves,
            "deadlines": clocks["deadlines"], "on_time": clocks["on_time"],
            "missed": clocks["missed"],
            "punctuality": round(clocks["punctuality"], 4) if clocks["punctuality"] is not None
            else None}


def completed_by_day(*, centre, period) -> list[dict]:
    """Jobs completed per local day, in all and by category (the week's chart and table): one
    grouped query."""
    rows = (completed_in(ServiceRequest.objects.filter(service_centre=centre), period)
            .order_by().annotate(day=TruncDate("completed_at", tzinfo=period.tz)).values("day")
            .annotate(n=Count("pk"), **{f"n_{c}": Count("pk", filter=Q(category=c))
                                        for c in CATEGORIES})
            .order_by("day"))
    return [{"day": r["day"].isoformat(), "jobs": r["n"],
             **{f"jobs_{c}": r[f"n_{c}"] for c in CATEGORIES}} for r in rows]
