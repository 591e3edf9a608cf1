"""Building blocks of the report queries: expressions, scopes, the survey guard, "reopened"."""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from aftersales.core.models import Event
from aftersales.service.models import ServiceRequest

CATEGORIES = ("A", "B", "C", "D")
MONEY = DecimalField(max_digits=14, decimal_places=2)
HOURS = DecimalField(max_digits=10, decimal_places=2)
REOPEN_WINDOW = timedelta(days=30)
RESCHEDULE = "reschedule"


@contextmanager
def no_jit():
    """PostgreSQL's JIT compiler judges the report queries (wide, many small correlated
    subqueries) expensive enough to compile, and spends far longer compiling than running them
    (measured: 1.45 s of compiling for 0.1 s of work). Off for the duration, on PostgreSQL."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def survey_model():
    """The feedback app's ``Survey`` model, or None while that app is not installed.

    Every survey figure goes through this guard, so the reports work (showing that there are
    no survey figures) on an installation without the feedback app.
    """
    if not apps.is_installed("aftersales.feedback"):
        return None
    try:
        return apps.get_model("feedback", "Survey")
    except LookupError:
        return None


def part_value():
    """What a fitted part is worth at its price-list price (PT-1): unit price × quantity."""
    return ExpressionWrapper(F("unit_price") * F("quantity"), output_field=MONEY)


def on_site_time():
    """Time on site of a visit: from arrival until the technician left."""
    return ExpressionWrapper(F("left_at") - F("arrived_at"), output_field=DurationField())


def in_period(field: str, period) -> Q:
    """``field`` within the period's moments (the centre's local days, half-open)."""
    return Q(**{f"{field}__gte": period.since, f"{field}__lt": period.until})


def request_content_type_id() -> int:
    return ContentType.objects.get_for_model(ServiceRequest).pk


COMPLETING = ("complete", "hand_back")  # the transitions that set completed_at
EVENT_MARGIN = timedelta(minutes=1)


def _stamped(queryset, period, field: str, actions):
    """Requests whose ``field`` lies in the period, found through the events of the
    transitions that set it (the timeline is indexed by time; completion and closing always go
    through a transition) and checked against ``field`` itself."""
    events = Event.objects.filter(
        content_type_id=request_content_type_id(), action__in=actions,
        at__gte=period.since - EVENT_MARGIN, at__lt=period.until + EVENT_MARGIN,
    ).values("object_id")
    return queryset.filter(in_period(field, period), pk__in=events)


def completed_in(queryset, period):
    """The requests of ``queryset`` completed in the period."""
    return _stamped(queryset, period, "completed_at", COMPLETING)


def closed_in(queryset, period):
    """The requests of ``queryset`` closed in the period."""
    return _stamped(queryset, period, "closed_at", ("close",))


def reopened_q(ref: str = "pk") -> Q:
    """The one definition of a reopened job (FB-3 appraisal, weekly report).

    A request (``ref`` names its primary key in the current query) is *reopened* when
      - its timeline has a ``reschedule`` event (the job was left unfinished, WK-4), or
      - another request for the same installed product was reported after this one was
        completed and within 30 days of that completion (the fault came back).
    """
    rescheduled = Exists(Event.objects.filter(
        content_type_id=request_content_type_id(), object_id=OuterRef(ref), action=RESCHEDULE))
    came_back = Exists(ServiceRequest.objects.filter(
        installed_product_id=OuterRef("installed_product_id"),
        reported_at__gt=OuterRef("completed_at"),
        reported_at__lte=ExpressionWrapper(OuterRef("completed_at") + Value(REOPEN_WINDOW),
                                           output_field=DateTimeField()),
    ).exclude(pk=OuterRef(ref)))
    return Q(rescheduled) | (Q(came_back) & Q(installed_product__isnull=False,
                                              completed_at__isnull=False))


def reopened_list(queryset):
    """The reopened requests among ``queryset`` (ServiceRequest rows)."""
    return queryset.filter(reopened_q())


def count_of(queryset, group: str, output=None):
    """A correlated count: ``queryset`` (already filtered on ``group`` = OuterRef) per outer row."""
    sub = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0),
                    output_field=output or IntegerField())


def aggregate_of(queryset, group: str, aggregate, output, default=None):
    """A correlated aggregate (Sum/Avg …) of ``queryset`` per outer row; ``default`` when empty."""
    sub = queryset.order_by().values(group).annotate(v=aggregate).values("v")[:1]
    expression = Subquery(sub, output_field=output)
    return Coalesce(expression, Value(default), output_field=output) if default is not None \
        else expression


def as_float(expression):
    return Cast(expression, FloatField())


def fnum(value, places: int = 2):
    """A figure for the stored JSON: Decimal/float rounded, None kept."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 3600, places)
    if isinstance(value, Decimal):
        return float(round(value, places))
    if isinstance(value, float):
        return round(value, places)
    return value
