"""Material requests (PT-2): request → (wait for the customer's agreement) → approve → pick →
ship (a numbered shipping order; the stock moves) → receive. Every step is a transition of
``material_request_workflow`` (one event each); docs/parts.md, "Material requests".

Goods in transit: shipping transfers the picked quantities from the supplying place into the
destination (the technician's van, or the centre's store for a workshop) in the ship step's
transaction, once; "received" only confirms that they arrived. No transit place is kept.
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.dates import local_today
from aftersales.core.events import event_append
from aftersales.core.exceptions import IllegalTransition, PermissionDenied, StaleWrite
from aftersales.core.models import Notification
from aftersales.core.numbering import next_number, number_assign, placeholder
from aftersales.core.workflow import transition_apply

from ..choices import WarehouseKind
from ..models import MaterialRequest, MaterialRequestLine, Warehouse
from ..models import MaterialRequestStatus as S
from ..models.requests import PROMISABLE_STATUSES
from ..workflow_requests import material_request_workflow
from .order_payments import order_due, paid_in_full_check, refund_if_paid
from .stock import balance_locked, free_quantity, may_move, quantity_clean, stock_transfer

DOC_TYPE = "material_request"
PREFIX = "MR"
SHIPPING_DOC_TYPE = "shipping_order"
SHIPPING_PREFIX = "SO"
AWAITING_AGREEMENT = "awaiting_agreement"  # the service request's status (parts knows no service)
# Still to be shipped: a job declined or cancelled cancels these (and escalates, PT-2).
UNSHIPPED = (S.REQUESTED, S.WAITING_AGREEMENT, S.APPROVED, S.PICKED)


def _sees_all(actor) -> bool:
    return bool(actor.is_superuser or getattr(actor, "sees_all_centres", False))


def _store_of(centre_id) -> Warehouse | None:
    return (Warehouse.objects.filter(kind=WarehouseKind.CENTRE, active=True,
                                     service_centre_id=centre_id).order_by("pk").first())


def central_warehouse() -> Warehouse | None:
    return Warehouse.objects.filter(kind=WarehouseKind.CENTRAL, active=True).order_by("pk").first()


def lines_clean(lines) -> list[tuple]:
    """[(part, quantity)] from ``lines`` (dicts with "part" and "quantity", or pairs)."""
    cleaned, seen = [], set()
    for index, line in enumerate(lines or ()):
        part, quantity = (line["part"], line["quantity"]) if isinstance(line, dict) else line
        if part is None:
            raise ValidationError({"lines": [_("Line %(n)d: choose a part.") % {"n": index + 1}]})
        if not part.active:
            raise ValidationError({"lines": [_("%(part)s is no longer supplied.")
                                             % {"part": part.code}]})
        if part.pk in seen:
            raise ValidationError({"lines": [_("%(part)s is on the request twice.")
                                             % {"part": part.code}]})
        seen.add(part.pk)
        cleaned.append((part, quantity_clean(part, quantity)))
    if not cleaned:
        raise ValidationError({"lines": [_("Add at least one part.")]})
    return cleaned


def _places_for_job(actor, job, source) -> tuple[Warehouse, Warehouse]:
    destination = None
    if job.assigned_technician_id is not None:
        destination = Warehouse.objects.filter(kind=WarehouseKind.VAN, active=True,
                                               technician_id=job.assigned_technician_id).first()
        if destination is None:
            raise ValidationError({"request": [
                _("The job's technician has no van stock to send parts to.")]})
    else:
        # not dispatched yet (e.g. waiting for the customer's agreement): the centre's store
        destination = _store_of(job.service_centre_id)
        if destination is None:
            raise ValidationError({"request": [_("The job's service centre has no store.")]})
    return _source_check(source, job.service_centre_id, destination), destination


def _source_check(source, centre_id, destination) -> Warehouse:
    if source is None:
        source = _store_of(centre_id) if destination.kind == WarehouseKind.VAN else central_warehouse()
        if source is None:
            raise ValidationError({"source": [_("There is no store to supply this request.")]})
    ok_kind = (source.kind == WarehouseKind.CENTRAL
               or (source.kind == WarehouseKind.CENTRE and source.service_centre_id == centre_id))
    if not ok_kind:
        raise ValidationError({"source": [
            _("Parts come from the centre's store or the central warehouse.")]})
    if not source.active:
        raise ValidationError({"source": [_("%(place)s is closed.") % {"place": source}]})
    if source.pk == destination.pk:
        raise ValidationError({"source": [_("The parts cannot come from the place they go to.")]})
    return source


def material_request_create(*, actor, lines, request=None, service_centre=None, source=None,
                            note: str = "") -> MaterialRequest:
    """A technician asks for parts for his own job (to his van), a supervisor for any job of
    his centre or for the centre's workshop (``request`` None: to the centre's store); in or
    out of warranty is copied from the job. Out of warranty, while the job still waits for the
    customer's agreement, the request waits too."""
    role = getattr(actor, "role", None)
    if request is not None:
        mine = role == "technician" and request.assigned_technician_id == actor.pk
        centre_lead = role == "supervisor" and request.service_centre_id == actor.service_centre_id
        if not (mine or centre_lead or _sees_all(actor)):
            raise PermissionDenied(_("You may request parts only for your own jobs."))
        if not request.is_open:
            raise ValidationError({"request": [_("The job is finished: no parts can be requested.")]})
        centre_id = request.service_centre_id
        source, destination = _places_for_job(actor, request, source)
        in_warranty, chargeable = request.in_warranty, request.chargeable
    else:
        if not (role == "supervisor" or _sees_all(actor)):
            raise PermissionDenied(_("Only a supervisor requests parts for the workshop."))
        centre_id = getattr(service_centre, "pk", None) or actor.service_centre_id
        if centre_id is None:
            raise ValidationError({"service_centre": [_("Choose the service centre.")]})
        if not _sees_all(actor) and centre_id != actor.service_centre_id:
            raise PermissionDenied()
        destination = _store_of(centre_id)
        if destination is None:
            raise ValidationError({"service_centre": [_("The service centre has no store.")]})
        source = _source_check(source, centre_id, destination)
        in_warranty, chargeable = False, False
    cleaned = lines_clean(lines)
    with transaction.atomic():
        material = MaterialRequest.objects.create(
            number=placeholder(), request=request, service_centre_id=centre_id, source=source,
            destination=destination, in_warranty=in_warranty, chargeable=chargeable,
            note=(note or "").strip()[:300], requested_by=actor)
        MaterialRequestLine.objects.bulk_create([
            MaterialRequestLine(material_request=material, part=part, quantity=quantity)
            for part, quantity in cleaned])
        event_append(subject=material, action="create", actor=actor, to_state=S.REQUESTED,
                     note=material.note)
        if request is not None and chargeable and request.status == AWAITING_AGREEMENT:
            material = transition_apply(workflow=material_request_workflow, instance=material,
                                        name="wait", actor=actor)
        number_assign(material, doc_type=DOC_TYPE, prefix=PREFIX)
    return material


# --- the store's steps --------------------------------------------------------------------------

def _require_store(actor, material: MaterialRequest) -> None:
    if not may_move(actor, material.source):
        raise PermissionDenied(_("Only %(place)s ships this request.") % {"place": material.source})


def _step(material, name, actor, *, note="", expected_version=None, changes=None, data=None):
    return transition_apply(workflow=material_request_workflow, instance=material, name=name,
                            actor=actor, note=note, expected_version=expected_version,
                            changes=changes, data=data)


def material_request_approve(*, actor, material_request, note="", expected_version=None):
    """The store agrees to supply the request and sets aside what it has free of each line
    (:func:`_reserve`)."""
    _require_store(actor, material_request)
    with transaction.atomic():
        material = _step(material_request, "approve", actor, note=note,
                         expected_version=expected_version)
        _reserve(material, actor)
    return material


def _reserve(material, actor) -> None:
    """An approved request holds, of each line, what its supplying place has free now, up to the
    quantity (a line short of stock holds what there is; the pick may take what is free by
    then): read under the balance rows' locks, taken in one order, so two approvals of the last
    unit at once cannot both hold it. One ``reserve`` event names what is held and what is
    short."""
    held, short = {}, []
    lines = sorted(material.lines.select_related("part"), key=lambda line: line.part_id)
    for line in lines:
        free, _reserved = free_quantity(balance_locked(material.source, line.part),
                                        exclude=material)
        line.reserved_quantity = min(line.quantity, max(free, Decimal(0)))
        held[line.part.code] = f"{line.reserved_quantity.normalize():f}"
        if line.reserved_quantity < line.quantity:
            short.append(_("%(part)s: %(held)s of %(wanted)s %(unit)s, %(short)s short")
                         % {"part": line.part.code, "held": held[line.part.code],
                            "wanted": f"{line.quantity.normalize():f}", "unit": line.part.unit,
                            "short": f"{(line.quantity - line.reserved_quantity).normalize():f}"})
    MaterialRequestLine.objects.bulk_update(lines, ["reserved_quantity"])
    note = (_("Reserved in %(place)s; short: %(short)s.")
            % {"place": material.source.name, "short": "; ".join(short)} if short
            else _("Reserved in %(place)s in full.") % {"place": material.source.name})
    event_append(subject=material, action="reserve", actor=actor, note=note[:300],
                 data={"reserved": held, "place": material.source_id})


def material_request_pick(*, actor, material_request, picked: dict | None = None, note="",
                          expected_version=None):
    """The store confirms what it picked, line by line (``picked``: {line id: quantity};
    a line left out is picked in full; 0 means none of it). What is picked is what the line
    holds in the supplying place until it is shipped (or the request cancelled), in place of
    what approval reserved: never more than is free there — on hand less what other requests
    hold — read under the balance rows' locks, so two requests picking the last unit at once
    cannot both have it."""
    _require_store(actor, material_request)
    picked = {str(k): v for k, v in (picked or {}).items()}
    lines = list(material_request.lines.select_related("part"))
    known = {str(line.pk) for line in lines}
    unknown = sorted(set(picked) - known)
    if unknown:
        raise ValidationError({"picked": [_("Line %(line)s is not on this request.")
                                          % {"line": unknown[0]}]})
    amounts = {}
    for line in lines:
        raw = picked.get(str(line.pk), line.quantity)
        if str(raw).strip() in {"0", "0.0", "0.00", "0.000"}:
            amounts[line.pk] = 0
            continue
        amount = quantity_clean(line.part, raw, field="picked")
        if amount > line.quantity:
            raise ValidationError({"picked": [
                _("%(part)s: %(picked)s picked, only %(wanted)s requested.")
                % {"part": line.part.code, "picked": f"{amount.normalize():f}",
                   "wanted": f"{line.quantity.normalize():f}"}]})
        amounts[line.pk] = amount
    if not any(amounts.values()):
        raise ValidationError({"picked": [_("Nothing picked: cancel the request instead.")]})
    with transaction.atomic():
        material = _step(material_request, "pick", actor, note=note,
                         expected_version=expected_version, changes={"picked_at": timezone.now()},
                         data={"picked": {str(k): str(v) for k, v in amounts.items()}})
        for line in sorted(lines, key=lambda line: line.part_id):  # one lock order
            if amounts[line.pk]:
                _free_check(material, line, amounts[line.pk])
        for line in lines:  # what is picked is what the line holds now; the rest is free
            line.picked_quantity = line.reserved_quantity = amounts[line.pk]
        MaterialRequestLine.objects.bulk_update(lines, ["picked_quantity", "reserved_quantity"])
        if material.is_dealer_order and material.chargeable:
            _dealer_told_to_pay(material)
    return material


def material_request_promise(*, actor, material_request, delivery_date, note="",
                             expected_version=None):
    """The store confirms the day it ships the parts (PT-2: the shipping order follows once the
    delivery date is confirmed), or moves it: while the request is approved or picked, never to a
    day past. One ``promise`` event (from, to) and a notice to whoever waits for the parts."""
    _require_store(actor, material_request)
    day = _day_clean(delivery_date)
    with transaction.atomic():
        material = MaterialRequest.objects.select_for_update().get(pk=material_request.pk)
        if expected_version is not None and material.version != expected_version:
            raise StaleWrite()
        if material.status not in PROMISABLE_STATUSES:
            raise IllegalTransition(_("A delivery date is confirmed once the request is approved, "
                                      "until it ships."))
        if day < local_today():
            raise ValidationError({"delivery_date": [
                _("The delivery date cannot be before today.")]})
        before = material.delivery_date
        if before == day:
            return material
        material.delivery_date = day
        material.version += 1
        material.save(update_fields=["delivery_date", "version", "updated_at"])
        event_append(subject=material, action="promise", actor=actor, note=(note or "")[:300],
                     data={"from": before.isoformat() if before else None,
                           "to": day.isoformat()})
        _waiting_told_of_date(material, before)
    return material


def _day_clean(value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationError({"delivery_date": [
            _("Enter the delivery date as YYYY-MM-DD.")]}) from None


def _waiting_told_of_date(material, before) -> None:
    """Whoever waits for the parts hears the day: the requester, and for a dealer's order each
    of its logins."""
    values = {"number": material.number, "day": material.delivery_date.isoformat(),
              "before": before.isoformat() if before else ""}
    text = (_("%(number)s now ships on %(day)s (was %(before)s).") if before
            else _("%(number)s ships on %(day)s.")) % values
    who = Q(pk=material.requested_by_id)
    if material.dealer_id:
        who |= Q(dealer_link__dealer_id=material.dealer_id)
    _tell(who, material, text)


def _dealer_told_to_pay(material) -> None:
    """A dealer's charged order is picked: its logins are told what to pay before it ships."""
    text = (_("Parts order %(number)s is picked: %(amount)s to pay; it ships once paid.")
            % {"number": material.number, "amount": order_due(material)})
    _tell(Q(dealer_link__dealer_id=material.dealer_id), material, text)


def _tell(who: Q, material, text: str, level: str = "info") -> None:
    """A notice to each active user ``who`` selects, linking to ``material``'s page."""
    link = reverse("parts:material_request", args=[material.pk])
    Notification.objects.bulk_create([
        Notification(user=user, text=text[:300], link=link, level=level)
        for user in get_user_model().objects.filter(who, is_active=True)])


def _free_check(material, line, amount) -> None:
    balance = balance_locked(material.source, line.part)
    free, reserved = free_quantity(balance, exclude=material)
    if amount > free:
        raise ValidationError({"picked": [
            _("%(part)s: only %(free)s %(unit)s free in %(place)s (on hand %(on_hand)s, reserved "
              "for other requests %(reserved)s); %(picked)s cannot be picked.")
            % {"part": line.part.code, "free": f"{max(free, 0).normalize():f}",
               "unit": line.part.unit, "place": material.source.name,
               "on_hand": f"{balance.quantity.normalize():f}",
               "reserved": f"{reserved.normalize():f}", "picked": f"{amount.normalize():f}"}]})


def material_request_ship(*, actor, material_request, note="", expected_version=None):
    """The shipping order: a number (SO + YYMM + serial) and the picked parts leave the
    supplying place into the destination — once: the transition locks the request, so a
    second ship of the same request finds it shipped and is refused (409). A dealer's charged
    order ships only once paid in full (PT-1), checked under that lock."""
    _require_store(actor, material_request)
    with transaction.atomic():
        material = _step(material_request, "ship", actor, note=note,
                         expected_version=expected_version, changes={"shipped_at": timezone.now()})
        paid_in_full_check(material)
        number = next_number(SHIPPING_DOC_TYPE, SHIPPING_PREFIX)
        MaterialRequest.objects.filter(pk=material.pk).update(shipping_number=number)
        material.shipping_number = number
        for line in material.lines.select_related("part"):
            if line.picked_quantity:
                stock_transfer(actor=actor, source=material.source, target=material.destination,
                               part=line.part, quantity=line.picked_quantity, reference=number,
                               note=material.number)
    return material


def is_dealer_login(actor, dealer_id) -> bool:
    """``actor`` is one of the dealer's logins (dealers.DealerUser, a reverse relation)."""
    link = getattr(actor, "dealer_link", None) if getattr(actor, "role", None) == "dealer" else None
    return link is not None and dealer_id is not None and link.dealer_id == dealer_id


def material_request_receive(*, actor, material_request, note="", expected_version=None):
    """The technician (or, for a workshop, the centre's store; for a dealer's order, the
    dealer's logins) confirms the parts arrived."""
    if not (may_move(actor, material_request.destination)
            or is_dealer_login(actor, material_request.dealer_id)):
        raise PermissionDenied(_("Only the receiver confirms receipt."))
    return _step(material_request, "receive", actor, note=note,
                 expected_version=expected_version, changes={"received_at": timezone.now()})


def material_request_cancel(*, actor, material_request, note="", expected_version=None):
    """The requester (a dealer's order: any of its logins) or the store, with a reason, until
    it ships; a paid dealer's order is refunded in the same transaction."""
    if not (material_request.requested_by_id == actor.pk
            or may_move(actor, material_request.source)
            or is_dealer_login(actor, material_request.dealer_id)):
        raise PermissionDenied()
    with transaction.atomic():
        material = _step(material_request, "cancel", actor, note=note,
                         expected_version=expected_version)
        refund_if_paid(actor=actor, material=material)
    return material


ACTIONS = {
    "approve": material_request_approve,
    "promise": material_request_promise,
    "pick": material_request_pick,
    "ship": material_request_ship,
    "receive": material_request_receive,
    "cancel": material_request_cancel,
}


# --- following the job (parts/handlers.py) ------------------------------------------------------

def job_agreed(*, actor, job) -> list[MaterialRequest]:
    """The customer agreed to the charge: the job's waiting requests are approved, and hold
    what is free of their parts as any approval does."""
    approved = []
    for material in MaterialRequest.objects.filter(request=job, status=S.WAITING_AGREEMENT
                                                   ).order_by("pk"):
        approved.append(_step(material, "agreed", actor))
        _reserve(approved[-1], actor)
    return approved


def job_dropped(*, actor, job, declined: bool) -> list[MaterialRequest]:
    """The customer declined (or the job was cancelled): requests not yet shipped are cancelled
    (what was picked goes back on the shelf, free again) and escalated (PT-2 "else escalate"):
    an event and a notice to the centre's supervisors."""
    dropped = []
    for material in MaterialRequest.objects.filter(request=job, status__in=UNSHIPPED).order_by("pk"):
        material = _step(material, "refused", actor,
                         data={"escalated": True, "job": job.number,
                               "reason": "declined" if declined else "cancelled"})
        refund_if_paid(actor=actor, material=material)  # a dealer's order for the job
        dropped.append(material)
    if not dropped:
        return dropped
    if declined:
        text = _("The customer declined job %(job)s: material requests %(numbers)s cancelled.")
    else:
        text = _("Job %(job)s was cancelled: material requests %(numbers)s cancelled.")
    text = text % {"job": job.number, "numbers": ", ".join(m.number for m in dropped)}
    _tell(Q(role="supervisor", service_centre_id=job.service_centre_id), dropped[0], text,
          level="warning")
    return dropped
