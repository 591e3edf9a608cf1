"""Reads of the field and workshop pages (house style rule 2). Access goes through ``restrict``."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.querysets import get_restricted
from aftersales.parts.models import Part
from aftersales.service.choices import FIELD_STATUSES, Status
from aftersales.service.models import (
    LaborEntry,
    PartUsage,
    ProductReceipt,
    RegisterEntry,
    ServiceRequest,
    Signature,
)

WORKSHOP_STATUSES = frozenset({Status.CARRIED_IN, Status.REPAIRED, Status.INSPECTED})
# A job the technician has not reached yet: its arrival deadline can still be missed.
NOT_ARRIVED = frozenset({Status.ASSIGNED, Status.EN_ROUTE})


def job_late(job, now=None) -> bool:
    """The job's arrival deadline has passed and the technician is not there yet (the job list
    and the job page mark it)."""
    return bool(job.arrive_by and job.status in NOT_ARRIVED
                and job.arrive_by < (now or timezone.now()))
JOB_STATUSES = FIELD_STATUSES | WORKSHOP_STATUSES
RELATED = ("customer", "installed_product__model", "assigned_technician", "service_centre")


def _requests(user, action: str = "view"):
    return ServiceRequest.objects.restrict(user, action).select_related(*RELATED)


def job_get(*, user, pk, action: str = "view") -> ServiceRequest:
    """One request the user may see, or 404 (same for missing and forbidden)."""
    return get_restricted(
        ServiceRequest.objects.select_related(*RELATED, "repair_card"), user, action, pk=pk)


def technician_choices(*, user):
    """Technicians whose lists this user may look at: himself, or his centre's for the desk."""
    if user.role == Role.TECHNICIAN:
        return User.objects.filter(pk=user.pk)
    qs = User.objects.filter(role=Role.TECHNICIAN, is_active=True).order_by("first_name", "username")
    if not user.sees_all_centres:
        qs = qs.filter(service_centre_id=user.service_centre_id)
    return qs


def job_list(*, user, technician=None):
    """The technician's open jobs: site visits first by appointment (or arrival deadline),
    then the products of his at the workshop."""
    technician = technician or user
    return (
        _requests(user)
        .filter(assigned_technician=technician, status__in=JOB_STATUSES)
        .select_related("repair_card")
        .annotate(due=Coalesce("appointment_at", "arrive_by"))
        .order_by(F("due").asc(nulls_last=True), "reported_at", "id")
    )


def workshop_list(*, user, q: str = "", status: str = ""):
    """Products at the workshop now, with their receipt and return date (WK-3)."""
    qs = (
        _requests(user)
        .filter(status__in=WORKSHOP_STATUSES)
        .select_related("repair_card")
        .order_by(F("repair_card__return_due_on").asc(nulls_last=True), "reported_at", "id")
    )
    if status in WORKSHOP_STATUSES:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(customer__name__icontains=q)
                       | Q(receipts__number__icontains=q)
                       | Q(installed_product__serial__icontains=q)).distinct()
    return qs


def open_receipts(requests) -> dict[int, ProductReceipt]:
    """The receipt still held by the customer, per request id."""
    receipts = ProductReceipt.objects.filter(request__in=[r.pk for r in requests]).order_by(
        "request_id", "-issued_at")
    found: dict[int, ProductReceipt] = {}
    for receipt in receipts:
        found.setdefault(receipt.request_id, receipt)
    return found


def register_list(*, user, q: str = "", direction: str = "", date_from: date | None = None,
                  date_to: date | None = None):
    """The in/out register (客户商品进出登记簿) of the requests this user may see."""
    visible = ServiceRequest.objects.restrict(user, "view").values("pk")
    qs = (
        RegisterEntry.objects.filter(request__in=visible)
        .select_related("request__customer", "receipt", "by")
        .order_by("-at", "-id")
    )
    if direction:
        qs = qs.filter(direction=direction)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    if q:
        qs = qs.filter(Q(receipt__number__icontains=q) | Q(request__number__icontains=q)
                       | Q(request__customer__name__icontains=q))
    return qs


def part_search(*, user, q: str, limit: int = 8):
    """Active price-list lines whose code or name matches ``q`` (PT-1)."""
    q = (q or "").strip()
    if not q:
        return Part.objects.none()
    return (
        Part.objects.restrict(user, "view")
        .filter(active=True)
        .filter(Q(code__icontains=q) | Q(name__icontains=q))
        .order_by("code")[:limit]
    )


def part_get(*, user, pk) -> Part | None:
    return Part.objects.restrict(user, "view").filter(pk=pk).first()


@dataclass
class Work:
    """Hours, parts and charges of a request, for the job page, repair card and voucher."""

    labor: list[LaborEntry] = field(default_factory=list)
    parts: list[PartUsage] = field(default_factory=list)
    hours_total: Decimal = Decimal("0")
    bench_hours: Decimal = Decimal("0")
    parts_charged: Decimal = Decimal("0.00")
    parts_free_value: Decimal = Decimal("0.00")
    service_fee: Decimal = Decimal("0.00")

    @property
    def total_charge(self) -> Decimal:
        return self.parts_charged + self.service_fee

    @property
    def has_free_parts(self) -> bool:
        return any(not p.charged for p in self.parts)


def job_work(request: ServiceRequest, *, bench_only: bool = False) -> Work:
    labor = list(request.labor.select_related("technician").order_by("created_at", "id"))
    parts = list(request.parts.select_related("part", "recorded_by").order_by("created_at", "id"))
    if bench_only:
        labor = [entry for entry in labor if entry.at_bench]
        parts = [usage for usage in parts if usage.at_bench]
    work = Work(labor=labor, parts=parts)
    work.hours_total = sum((e.hours for e in labor), Decimal("0"))
    work.bench_hours = sum((e.hours for e in labor if e.at_bench), Decimal("0"))
    work.parts_charged = sum((p.amount for p in parts), Decimal("0.00"))
    work.parts_free_value = sum((p.unit_price * p.quantity for p in parts if not p.charged),
                                Decimal("0.00"))
    work.service_fee = request.estimated_charge if request.chargeable else Decimal("0.00")
    return work


def signatures(request: ServiceRequest) -> dict[str, Signature]:
    """The latest signature of each kind (completion, carry_out, return)."""
    found: dict[str, Signature] = {}
    for signature in request.signatures.order_by("signed_at", "id"):
        found[signature.kind] = signature
    return found


def latest_receipt(request: ServiceRequest) -> ProductReceipt | None:
    return request.receipts.select_related("issued_by").order_by("-issued_at", "-id").first()


def current_visit(request: ServiceRequest):
    return request.visits.order_by("-id").first()


def today() -> date:
    return timezone.localdate()
