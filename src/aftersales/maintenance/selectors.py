"""Reads of the maintenance app that carry policy (house style rule 2)."""

from datetime import date

from django.db.models import Case, CharField, Q, QuerySet, Value, When

from aftersales.core.dates import local_today
from aftersales.service.choices import Status

from .choices import VisitState
from .models import ChecklistAnswer, ChecklistItem, MaintenancePlan, MaintenanceVisit, MeterReading

DONE_STATUSES = (Status.COMPLETED, Status.CLOSED)


def checklist_items_for(request) -> list[ChecklistItem]:
    """The active checklist items of the job's product category, and those of every category."""
    product = request.installed_product
    category = product.model.category if product is not None else ""
    return list(ChecklistItem.objects.filter(active=True)
                .filter(Q(category="") | Q(category=category)).order_by("position", "id"))


def checklist_rows(request) -> list[dict]:
    """Each checklist item with its answer on ``request`` (for the phone's panel)."""
    answers = {a.item_id: a for a in ChecklistAnswer.objects.filter(request=request)}
    return [{"item": item, "answer": answers.get(item.pk)} for item in checklist_items_for(request)]


def plan_list(*, user) -> QuerySet:
    return MaintenancePlan.objects.restrict(user).select_related("product_model")


def visit_state_expression(today: date):
    """A visit's state (VisitState) as a database expression, so lists can filter on it."""
    return Case(
        When(request__status__in=DONE_STATUSES, then=Value(VisitState.DONE)),
        When(request__status=Status.CANCELLED, then=Value(VisitState.CANCELLED)),
        When(due_on__lt=today, then=Value(VisitState.OVERDUE)),
        default=Value(VisitState.DUE), output_field=CharField())


def visit_list(*, user, state: str = "", plan=None, due_from=None, due_to=None, q: str = "",
               today: date | None = None) -> QuerySet:
    """Due visits this user may see, with their state, due date first; ``state``: one of
    VisitState (overdue: due date passed, not done)."""
    today = today or local_today()
    queryset = (MaintenanceVisit.objects.restrict(user)
                .filter(request__isnull=False)
                .annotate(state=visit_state_expression(today))
                .select_related("plan", "installed_product__model", "installed_product__customer",
                                "request__assigned_technician"))
    if state in VisitState.values:
        queryset = queryset.filter(state=state)
    if plan is not None:
        queryset = queryset.filter(plan=plan)
    if due_from:
        queryset = queryset.filter(due_on__gte=due_from)
    if due_to:
        queryset = queryset.filter(due_on__lte=due_to)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(request__number__startswith=q)
                                   | Q(installed_product__serial__startswith=q)
                                   | Q(installed_product__customer__name__startswith=q)
                                   | Q(installed_product__customer__phone__startswith=q))
    return queryset.order_by("due_on", "id")


def visit_counts(*, user, today: date | None = None) -> dict:
    """How many visits are due and overdue (the home page's badges)."""
    today = today or local_today()
    open_visits = (MaintenanceVisit.objects.restrict(user).filter(request__isnull=False)
                   .exclude(request__status__in=[*DONE_STATUSES, Status.CANCELLED]))
    return {"overdue": open_visits.filter(due_on__lt=today).count(),
            "due": open_visits.filter(due_on__gte=today).count()}


def last_reading(product) -> MeterReading | None:
    return MeterReading.objects.filter(installed_product=product).order_by("-read_on", "-id").first()
