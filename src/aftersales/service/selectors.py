"""Reads of the service desk that carry policy (house style rule 2): the request list, the
dispatch queue (SR-5), technicians' load, a request's page and the intake terms preview."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCentre, User
from aftersales.core.events import event_list
from aftersales.core.handlers import HAPPENED_AT, event_label
from aftersales.core.workflow import state_label
from aftersales.customers.choices import Phase
from aftersales.customers.models import InstalledProduct
from aftersales.customers.selectors import contract_covering

from .choices import FIELD_STATUSES, URGENCY_RANK, Category, Status
from .models import PartUsage, ServiceRequest
from .rules import Terms
from .services import centre_local_date, request_centre, service_request_terms
from .workflow import service_request_workflow

LIST_RELATED = ("customer", "installed_product__model", "assigned_technician", "service_centre")


def service_request_list(*, user):
    """Requests this user may see, with what a list row shows loaded in the same query."""
    return ServiceRequest.objects.restrict(user, "view").select_related(*LIST_RELATED)


def service_request_get_for_page(*, user, pk: int):
    """One request with its customer, product and people; 404 if missing or not this user's."""
    from aftersales.core.querysets import get_restricted

    qs = ServiceRequest.objects.select_related(
        *LIST_RELATED, "created_by", "installed_product__dealer"
    )
    return get_restricted(qs, user, pk=pk)


# --- intake preview (SR-2 … SR-4) ------------------------------------------------------------

@dataclass(frozen=True)
class TermsPreview:
    terms: Terms
    product: InstalledProduct | None
    warranty_ends_on: date | None
    phase: str
    contract_number: str

    @property
    def category_label(self) -> str:
        return str(Category(self.terms.category).label)

    @property
    def phase_label(self) -> str:
        return str(Phase(self.phase).label) if self.phase else ""


def intake_centre(*, user, customer) -> ServiceCentre | None:
    """The centre a new request will belong to (as ``service_request_create`` chooses it)."""
    return request_centre(user, customer)


def intake_terms(*, user, customer=None, product: InstalledProduct | None, cause: str = "",
                 reported_at: datetime | None = None) -> TermsPreview:
    """What the agent tells the caller (SR-4), computed by the same rule as registration.

    ``product`` may be unsaved (being registered in the same call); its warranty end is then
    derived from its model and purchase date exactly as ``installed_product_register`` does.
    """
    centre = intake_centre(user=user, customer=customer)
    reported_at = reported_at or timezone.now()
    day = centre_local_date(reported_at, centre)
    terms = service_request_terms(product=product, reported_at=reported_at, centre=centre,
                                  cause=cause)
    contract = (contract_covering(product, day, cause=cause)
                if terms.category == "B" and product is not None and product.pk else None)
    return TermsPreview(
        terms=terms,
        product=product,
        warranty_ends_on=product.warranty_ends_on if product is not None else None,
        phase=product.phase_on(day) if product is not None else "",
        contract_number=contract.number if contract is not None else "",
    )


# --- dispatch (DS-1, SR-5) --------------------------------------------------------------------

def _start_of_day(day: date, centre: ServiceCentre) -> datetime:
    return datetime.combine(day, time.min, ZoneInfo(centre.time_zone))


def dispatch_queue(*, user, centre: ServiceCentre, today: date | None = None):
    """Undispatched requests of a centre: carried over from earlier days first (SR-5), then by
    urgency, then by the time of the call."""
    today = today or centre_local_date(timezone.now(), centre)
    start = _start_of_day(today, centre)
    urgency = Case(*(When(urgency=key, then=Value(rank)) for key, rank in URGENCY_RANK.items()),
                   default=Value(9), output_field=IntegerField())
    carried = Case(When(reported_at__lt=start, then=Value(0)), default=Value(1),
                   output_field=IntegerField())
    return (
        service_request_list(user=user)
        .filter(service_centre=centre, status=Status.REGISTERED)
        .annotate(carried_over_rank=carried, urgency_rank=urgency)
        .order_by("carried_over_rank", "urgency_rank", "reported_at", "id")
    )


def awaiting_agreement(*, user, centre: ServiceCentre):
    return (
        service_request_list(user=user)
        .filter(service_centre=centre, status=Status.AWAITING_AGREEMENT)
        .order_by("reported_at", "id")
    )


def centre_technicians(*, centre: ServiceCentre | None):
    """Active technicians of a centre (None: of every centre) with their count of open field
    jobs (assigned, en route, on site)."""
    technicians = User.objects.filter(role=Role.TECHNICIAN, is_active=True)
    if centre is not None:
        technicians = technicians.filter(service_centre=centre)
    return (
        technicians
        .annotate(open_jobs=Count("assigned_requests",
                                  filter=Q(assigned_requests__status__in=FIELD_STATUSES)))
        .order_by("first_name", "last_name", "username")
    )


def assigned_jobs_by_technician(*, user, centre: ServiceCentre, technicians):
    """Each technician of the centre with the field jobs he holds now."""
    jobs = (
        service_request_list(user=user)
        .filter(service_centre=centre, status__in=FIELD_STATUSES)
        .order_by("appointment_at", "arrive_by", "id")
    )
    by_tech: dict[int, list] = {t.pk: [] for t in technicians}
    for job in jobs:
        by_tech.setdefault(job.assigned_technician_id, []).append(job)
    return [(t, by_tech.get(t.pk, [])) for t in technicians]


def dispatch_centres(*, user):
    """The centres whose queue this user may run: his own, or any for company-wide roles."""
    if user.sees_all_centres:
        return list(ServiceCentre.objects.order_by("code"))
    return [user.service_centre] if user.service_centre_id else []


# --- a request's page -------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: object
    action: str
    from_label: str
    to_label: str
    note: str
    happened_at: datetime | None = None  # a step recorded afterwards: when it happened


def _action_label(name: str) -> str:

    extra = {"register": _("Registered"), "record_work": _("Work recorded"),
             "appointment_move": _("Visit time moved"), "attachment_add": _("File attached")}
    if name in extra:
        return extra[name]
    label = event_label(f"service_request.{name}")  # a step of an app above (core.handlers)
    if label is not None:
        return label
    transition = service_request_workflow.transitions.get(name)
    return str(transition.label) if transition is not None and transition.label else name


def request_timeline(request: ServiceRequest) -> list[TimelineEntry]:
    wf = service_request_workflow
    return [
        TimelineEntry(
            at=e.at, actor=e.actor, action=_action_label(e.action),
            from_label=state_label(wf, e.from_state) if e.from_state else "",
            to_label=state_label(wf, e.to_state) if e.to_state else "",
            note=e.note, happened_at=parse_datetime(e.data.get(HAPPENED_AT) or ""),
        )
        for e in event_list(request)
    ]


@dataclass(frozen=True)
class WorkRecord:
    labor: list
    parts: list
    hours_total: Decimal
    parts_total: Decimal
    signatures: list
    receipts: list
    register_entries: list
    repair_card: object
    visits: list


def request_parts(request: ServiceRequest) -> list[PartUsage]:
    """The parts fitted on a request with their part, in the order recorded: read once per
    request object, so the page and its panels (billing's charges) share one query; adding or
    taking off a part makes it read again (services.parts_forget)."""
    prefetch_related_objects(
        [request], Prefetch("parts", queryset=PartUsage.objects.select_related("part")))
    return list(request.parts.all())


def request_work(request: ServiceRequest) -> WorkRecord:
    """Hours, parts (with totals), signatures and carry-in documents of one request."""
    labor = list(request.labor.select_related("technician"))
    parts = request_parts(request)
    hours_total = sum((entry.hours for entry in labor), Decimal("0"))
    parts_total = sum((p.amount for p in parts), Decimal("0.00"))
    from .models import RepairCard

    # carry-in documents: most requests have none, so their related rows are read after them
    # (prefetch) rather than joined into reads that find nothing
    card = RepairCard.objects.filter(request=request).prefetch_related("inspected_by").first()
    return WorkRecord(
        labor=labor,
        parts=parts,
        hours_total=hours_total,
        parts_total=parts_total,
        signatures=list(request.signatures.all()),
        receipts=list(request.receipts.prefetch_related("issued_by")),
        register_entries=list(request.register_entries.prefetch_related("by", "receipt")),
        repair_card=card,
        visits=list(request.visits.select_related("technician")),
    )
