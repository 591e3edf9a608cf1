"""Reads of the warranty app: the policy for a product, a request's prior repairs, and what the
customer is entitled to now."""

from dataclasses import dataclass

from aftersales.service.choices import CHARGEABLE_CAUSES, Status
from aftersales.service.models import ServiceRequest
from aftersales.service.services import centre_local_date

from .choices import OutcomeKind
from .models import WarrantyOutcome, WarrantyPolicy
from .rules import Entitlement, Numbers, entitlement

FINISHED = (Status.COMPLETED, Status.CLOSED)


def policy_for(category: str = "") -> Numbers:
    """The policy of a product category, else the default row, else the built-in defaults."""
    rows = {p.category: p for p in WarrantyPolicy.objects.filter(category__in={category, ""})}
    row = rows.get(category) or rows.get("") or WarrantyPolicy()
    return Numbers(row.refund_days, row.replacement_days, row.repairs_before_replacement)


def prior_repairs(request: ServiceRequest):
    """Earlier finished repairs of the same product in its warranty period, not the customer's
    fault: the evidence a decider marks as "the same fault". After a 三包 replacement only the
    new unit's repairs count (those reported after the replacement was decided)."""
    product = request.installed_product
    if product is None:
        return ServiceRequest.objects.none()
    repairs = (ServiceRequest.objects.filter(installed_product=product, status__in=FINISHED,
                                             internal=False, in_warranty=True,
                                             reported_at__lt=request.reported_at)
               .exclude(pk=request.pk).exclude(cause__in=CHARGEABLE_CAUSES))
    if product.replaced_on is not None:  # only a replaced product has a replacement to look up
        replaced = (WarrantyOutcome.objects
                    .filter(request_id__in=ServiceRequest.objects.filter(
                        installed_product=product).values("pk"),
                        kind=OutcomeKind.REPLACEMENT, decided_at__lt=request.reported_at)
                    .order_by("-decided_at").values_list("decided_at", flat=True).first())
        if replaced is not None:
            repairs = repairs.filter(reported_at__gt=replaced)
    return repairs.select_related("assigned_technician").order_by("reported_at", "id")


@dataclass
class Facts:
    request: ServiceRequest
    numbers: Numbers
    days_since_purchase: int | None
    priors: list
    in_warranty: bool
    chargeable_cause: bool

    def entitlement(self, *, serious_fault: bool, same_fault: int | None = None) -> Entitlement:
        return entitlement(
            in_warranty=self.in_warranty, chargeable_cause=self.chargeable_cause,
            days_since_purchase=self.days_since_purchase, serious_fault=serious_fault,
            prior_repairs=len(self.priors) if same_fault is None else same_fault,
            numbers=self.numbers)


def warranty_facts(request: ServiceRequest) -> Facts:
    product = request.installed_product
    day = centre_local_date(request.reported_at, request.service_centre)
    numbers = policy_for(product.model.category if product is not None else "")
    # a replaced unit's 三包 periods count from its replacement, as its warranty does
    days = (day - product.warranty_from).days if product is not None else None
    return Facts(request=request, numbers=numbers, days_since_purchase=days,
                 priors=list(prior_repairs(request)), in_warranty=request.in_warranty,
                 chargeable_cause=request.cause in CHARGEABLE_CAUSES)


UNIT_BACK = (OutcomeKind.REPLACEMENT, OutcomeKind.REFUND)


def outcome_list(*, user, kind: str = "", unit: str = "", refund: str = ""):
    """Outcomes the user may see; ``unit``: "awaited" — replacements and refunds whose faulty
    unit has not come back yet —, "received", "undisposed" — received, nothing recorded yet of
    what became of it — or "disposed"; ``refund``: "unpaid" — refunds not paid out yet — or
    "paid"."""
    qs = WarrantyOutcome.objects.restrict(user, "view").select_related(
        "request__customer", "decided_by", "credit_note", "replacement_part",
        "unit_return__warehouse", "unit_return__disposal", "refund_payout")
    if kind:
        qs = qs.filter(kind=kind)
    if unit == "awaited":
        qs = qs.filter(kind__in=UNIT_BACK, unit_return__isnull=True)
    elif unit == "received":
        qs = qs.filter(unit_return__isnull=False)
    elif unit == "undisposed":
        qs = qs.filter(unit_return__isnull=False, unit_return__disposal__isnull=True)
    elif unit == "disposed":
        qs = qs.filter(unit_return__disposal__isnull=False)
    if refund == "unpaid":
        qs = qs.filter(kind=OutcomeKind.REFUND, refund_payout__isnull=True)
    elif refund == "paid":
        qs = qs.filter(refund_payout__isnull=False)
    return qs
