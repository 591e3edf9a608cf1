"""Reads of material requests that carry policy (house style rule 2)."""

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from aftersales.core.events import event_list
from aftersales.core.querysets import get_restricted

from .models import MaterialRequest, MaterialRequestStatus, Part, StockBalance
from .models.requests import PROMISABLE_STATUSES, late_q
from .selectors import RESERVING, reserved_by_part
from .services.order_payments import may_take_payment, order_lines_amount
from .services.order_returns import returnable_quantity
from .services.requests import is_dealer_login
from .services.stock import may_move
from .workflow_requests import material_request_workflow


def job_model():
    """The service request model, through our foreign key (parts does not import service)."""
    return MaterialRequest._meta.get_field("request").related_model


def job_get(*, user, pk):
    """A job the user may see (the same 404 for missing and not his)."""
    return get_restricted(job_model().objects.all(), user, pk=pk)


def material_request_list(*, user, status=None, centre=None, dealers_only=False, place=None,
                          part=None):
    """The requests ``user`` may see; ``status`` "open" (not received or cancelled), "unpaid"
    (a dealer's charged order picked, not paid), "reserving" (approved or picked: holding stock
    in their supplying place), "late" (its delivery date passed, not shipped) or a state;
    ``place`` the supplying place, ``part`` one of the lines' parts (the stock page's "Reserved"
    leads here with both)."""
    rows = (MaterialRequest.objects.restrict(user, "view")
            .select_related("request", "source", "destination", "requested_by",
                            "service_centre", "dealer", "dealer_job__dealer")
            .prefetch_related("lines__part", "payments"))
    if dealers_only:
        rows = rows.filter(dealer__isnull=False)
    if status == "open":
        rows = rows.exclude(status__in=[MaterialRequestStatus.RECEIVED,
                                        MaterialRequestStatus.CANCELLED])
    elif status == "unpaid":  # a dealer's charged order picked and waiting for its payment
        rows = rows.filter(status=MaterialRequestStatus.PICKED, dealer__isnull=False,
                           chargeable=True)
    elif status == "reserving":
        rows = rows.filter(status__in=RESERVING)
    elif status == "late":  # its delivery date passed and it has not shipped
        rows = rows.filter(late_q())
    elif status:
        rows = rows.filter(status=status)
    if centre is not None:
        rows = rows.filter(service_centre=centre)
    if place is not None:
        rows = rows.filter(source=place)
    if part is not None:  # a part is on a request once at most: one row per request
        rows = rows.filter(lines__part=part)
    return rows


def material_requests_of_job(*, user, job) -> list[MaterialRequest]:
    """A job's material requests for its page, with what a row there shows (where they go, the
    parts). Most jobs have none, so nothing is joined into the read: the rest is read after it."""
    return list(MaterialRequest.objects.restrict(user, "view").filter(request=job)
                .prefetch_related("destination", "lines__part"))


def material_request_get(*, user, pk) -> MaterialRequest:
    return get_restricted(
        MaterialRequest.objects.select_related("request", "source", "destination",
                                               "requested_by", "service_centre", "dealer",
                                               "dealer_job__dealer"),
        user, pk=pk)


def order_money(material: MaterialRequest, lines=None, user=None) -> dict | None:
    """A dealer's charged order's money, for its page and the list (from prefetched lines and
    payments): what it costs (``due``), what was paid (``paid``, less refunds), what is still
    owed, the payment rows, and whether ``user`` may record a payment now. None for any other
    request."""
    if not (material.is_dealer_order and material.chargeable):
        return None
    lines = material.lines.all() if lines is None else lines
    payments = list(material.payments.all())
    due = order_lines_amount(lines)
    paid = sum((p.amount for p in payments), Decimal("0.00"))
    nothing = Decimal("0.00")
    owed = (max(due - paid, nothing) if material.status != MaterialRequestStatus.CANCELLED
            else nothing)
    return {"due": due, "paid": paid, "owed": owed, "payments": payments,
            "known": material.status not in BEFORE_PICKING,
            "may_pay": bool(user is not None and may_take_payment(user)
                            and material.status == MaterialRequestStatus.PICKED and owed > 0)}


BEFORE_PICKING = (MaterialRequestStatus.REQUESTED, MaterialRequestStatus.WAITING_AGREEMENT,
                  MaterialRequestStatus.APPROVED)


def lines_with_availability(material: MaterialRequest) -> list:
    """The request's lines; before picking, each with what its supplying place has free of the
    part for this request (``line.free``: on hand less what other requests hold, so an approved
    request's own reservation counts as free to it) — what the store can pick now."""
    lines = list(material.lines.select_related("part"))
    for line in lines:
        if line.unit_price is not None:  # a dealer's charged order
            line.amount = order_lines_amount([line])
        line.returnable = returnable_quantity(line)
    if material.status not in BEFORE_PICKING:
        return lines
    parts = [line.part_id for line in lines]
    on_hand = dict(StockBalance.objects.filter(warehouse=material.source, part__in=parts)
                   .values_list("part", "quantity"))
    reserved = reserved_by_part(material.source, parts, exclude=material)
    for line in lines:
        line.free = (on_hand.get(line.part_id, Decimal(0))
                     - reserved.get(line.part_id, Decimal(0)))
        line.short = line.free < line.quantity
        line.pick_default = min(line.quantity, max(line.free, Decimal(0)))
    return lines


def material_request_actions(material: MaterialRequest, user) -> set[str]:
    """The steps this user may take now (for buttons; the services decide)."""
    names = {t.name for t in material_request_workflow.available(material, user)}
    store = may_move(user, material.source)
    allowed = set()
    if store:
        allowed |= names & {"approve", "pick", "ship"}
        if material.status in PROMISABLE_STATUSES:  # approved or picked: the day it ships
            allowed.add("promise")
    if may_move(user, material.destination):
        allowed |= names & {"receive"}
    if store or material.requested_by_id == user.pk:
        allowed |= names & {"cancel"}
    if is_dealer_login(user, material.dealer_id):  # its own order: cancel; receive once shipped
        allowed |= names & {"cancel", "receive"}
    return allowed


def order_returns(material: MaterialRequest) -> list:
    """The parts the dealer sent back against ``material``, oldest first, with their lines."""
    if not material.is_dealer_order:
        return []
    return list(material.order_returns.select_related("received_by")
                .prefetch_related("lines__part"))


def material_request_events(material: MaterialRequest) -> list:
    """The request's history, each event with ``label``: its step's name in the user's
    language."""
    labels = {name: t.label for name, t in material_request_workflow.transitions.items()}
    labels.update({"create": _("Requested"), "payment": _("Payment recorded"),
                   "refund": _("Refunded"), "reserve": _("Stock reserved"),
                   "promise": _("Delivery date confirmed"),
                   "return": _("Parts sent back received")})
    events = list(event_list(material))
    for event in events:
        event.label = labels.get(event.action, event.action)
    return events


def parts_offered(job=None, *, limit: int = 300):
    """The parts the request form suggests: for a job, those that fit its product's model and
    those that fit any; for the workshop, every active part."""
    parts = Part.objects.filter(active=True)
    model_id = getattr(getattr(job, "installed_product", None), "model_id", None)
    if model_id is not None:
        parts = parts.filter(Q(fits__pk=model_id) | Q(fits__isnull=True)).distinct()
    return parts.order_by("code").only("code", "name")[:limit]


def parts_by_code(codes) -> dict[str, Part]:
    return {p.code.upper(): p for p in Part.objects.filter(code__in=list(codes))}
