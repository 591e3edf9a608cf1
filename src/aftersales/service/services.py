"""Every write to a service request and its work (house style rule 1).

Each function is keyword-only, takes the acting user, runs in one transaction, and records an
event for every state change (through core.workflow) and a change-log row for every edit.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCentre, User
from aftersales.core.changelog import change_log, snapshot
from aftersales.core.dates import warranty_end
from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.handlers import HAPPENED_AT, react
from aftersales.core.numbering import next_number, number_assign, placeholder
from aftersales.core.workflow import transition_apply, version_bump
from aftersales.customers.models import Customer, InstalledProduct
from aftersales.customers.selectors import contract_covers

from .choices import Category, Channel, Kind, RegisterDirection, Status, Urgency, VisitOutcome
from .models import (
    LaborEntry,
    PartUsage,
    ProductReceipt,
    RegisterEntry,
    RepairCard,
    ServiceRequest,
    Signature,
    Visit,
)
from .rules import Terms, request_terms
from .workflow import service_request_workflow as WF

REQUEST_PREFIX = "SR"
RECEIPT_PREFIX = "RC"
MAX_SIGNATURE_BYTES = 400_000


def centre_local_date(moment: datetime, centre: ServiceCentre | None) -> date:
    """The calendar date of ``moment`` in the service centre's time zone."""
    tz = ZoneInfo(centre.time_zone) if centre is not None else timezone.get_current_timezone()
    return timezone.localtime(moment, tz).date()


def service_request_terms(*, product, reported_at, centre, cause: str = "",
                          internal: bool = False) -> Terms:
    """Warranty, chargeability, category and rough charge (SR-2 … SR-4) for a call.

    ``product`` may be unsaved (being registered during the same call): its warranty end is then
    derived exactly as ``installed_product_register`` will store it, and no contract covers it.
    """
    day = centre_local_date(reported_at, centre)
    if product is not None and product.pk is None:
        product.warranty_ends_on = warranty_end(product.purchased_on, product.model.warranty_months)
    terms = request_terms(product=product, reported_on=day, cause=cause, internal=internal)
    # A contract turns work the customer would pay (A) into contract work (B) when it covers the
    # product that day and does not exclude the cause: look it up for chargeable work alone.
    if (terms.category == Category.A and product is not None and product.pk is not None
            and contract_covers(product, day, cause=cause)):
        terms = request_terms(product=product, reported_on=day, cause=cause, internal=internal,
                              contract_active=True)
    return terms


def request_centre(actor, customer: Customer | None) -> ServiceCentre:
    """The centre a new request belongs to: the registering desk's own centre (it takes the
    call), else the customer's centre, else the first centre."""
    centre = None
    if getattr(actor, "role", None) in {Role.AGENT, Role.SUPERVISOR}:
        centre = actor.service_centre
    centre = centre or getattr(customer, "service_centre", None) or getattr(actor, "service_centre", None)
    centre = centre or ServiceCentre.objects.order_by("pk").first()
    if centre is None:
        raise ValidationError({"service_centre": [_("No service centre is set up yet.")]})
    return centre


def _transition(request, name: str, actor, *, note: str = "", expected_version=None,
                changes=None, data=None) -> ServiceRequest:
    if actor.role == Role.TECHNICIAN and request.assigned_technician_id != actor.pk:
        raise PermissionDenied(_("This job is assigned to another technician."))
    if actor.role == Role.CUSTOMER and request.customer.user_id != actor.pk:
        raise PermissionDenied()
    # The other apps follow through their handlers (core.handlers), run by transition_apply.
    return transition_apply(workflow=WF, instance=request, name=name, actor=actor, note=note,
                            expected_version=expected_version, changes=changes, data=data)


# --- registration -----------------------------------------------------------------------------

# What registering a request reads of its product (with the product's model) and its customer:
# service_request_create, its terms (SR-2 … SR-4) and the clocks' region (DS-3). Readers for a
# registration may load these alone (the API does): a product read with every column of its three
# tables took a sixth of an API create's time (bench/intake). Another field read is still right,
# at the cost of a query of its own; tests/test_intake_reads.py counts them.
REGISTRATION_PRODUCT_FIELDS = ("customer_id", "model_id", "purchased_on", "warranty_ends_on",
                               "region_kind", "model__warranty_months", "model__service_fee")
REGISTRATION_CUSTOMER_FIELDS = ("region_kind", "service_centre_id", "user_id")


def service_request_create(*, actor, customer: Customer, description: str,
                           installed_product: InstalledProduct | None = None,
                           channel: str = Channel.PHONE, reported_at: datetime | None = None,
                           internal: bool = False, cause: str = "", urgency: str = Urgency.NORMAL,
                           service_centre: ServiceCentre | None = None,
                           customer_agreed: bool = False,
                           kind: str = Kind.REPAIR, repaired_first: str = "") -> ServiceRequest:
    """Register a call (SR-1) with its warranty, category and rough charge (SR-2 … SR-4);
    ``kind``: a repair, an installation (WK-5) or a maintenance visit (PM-1)."""
    if actor.role == Role.CUSTOMER:
        if customer.user_id != actor.pk:
            raise PermissionDenied()
        internal = False
        channel = Channel.WEB
    elif not actor.is_staff_role or actor.role == Role.TECHNICIAN:
        raise PermissionDenied()
    now = timezone.now()
    # A customer reports now; staff may date a call back by REPORTED_AT_BACKDATE_DAYS at most
    # (warranty and deadlines follow it), never ahead beyond a minute of clock skew.
    reported_at = now if reported_at is None or actor.role == Role.CUSTOMER else reported_at
    errors = {}
    if not (description or "").strip():
        errors["description"] = [_("Describe what is wrong.")]
    if reported_at > now + timezone.timedelta(minutes=1):
        errors["reported_at"] = [_("A call cannot be reported in the future.")]
    elif reported_at < now - timezone.timedelta(days=settings.REPORTED_AT_BACKDATE_DAYS):
        days = settings.REPORTED_AT_BACKDATE_DAYS
        errors["reported_at"] = [ngettext("A call can be dated back by %(days)d day at most.",
                                          "A call can be dated back by %(days)d days at most.",
                                          days) % {"days": days}]
    if installed_product is not None and installed_product.customer_id != customer.pk:
        errors["installed_product"] = [_("This product belongs to another customer.")]
    if kind not in Kind.values:
        errors["kind"] = [_("Choose repair, installation or maintenance.")]
    elif kind != Kind.REPAIR and installed_product is None:
        errors["installed_product"] = [_("An installation or maintenance visit needs the product.")]
    if errors:
        raise ValidationError(errors)
    centre = service_centre or request_centre(actor, customer)
    if (actor.role in {Role.AGENT, Role.SUPERVISOR} and actor.service_centre_id
            and centre.pk != actor.service_centre_id):
        raise PermissionDenied(_("You can register requests only for your own service centre."))
    terms = service_request_terms(product=installed_product, reported_at=reported_at,
                                  centre=centre, cause=cause, internal=internal)
    waiting = terms.needs_agreement and not customer_agreed
    with transaction.atomic():
        request = ServiceRequest(
            number=placeholder(),
            service_centre=centre, customer=customer, installed_product=installed_product,
            channel=channel, description=description.strip(), urgency=urgency, kind=kind,
            reported_at=reported_at, internal=internal, cause=cause or "",
            in_warranty=terms.in_warranty, chargeable=terms.chargeable, category=terms.category,
            estimated_charge=terms.estimated_charge,
            customer_agreed_at=now if (terms.needs_agreement and customer_agreed) else None,
            status=Status.AWAITING_AGREEMENT if waiting else Status.REGISTERED,
            created_by=actor, repaired_first=repaired_first,
        )
        # Other apps fill in what they own (dispatch: the arrival deadline), then follow.
        react("service_request.registering", request, actor=actor, to_state=request.status)
        request.save(force_insert=True)
        data = {"category": terms.category, "in_warranty": terms.in_warranty,
                "chargeable": terms.chargeable, "estimated_charge": str(terms.estimated_charge)}
        event_append(subject=request, action="register", actor=actor,
                     to_state=request.status, at=now, data=data)
        react("service_request.register", request, actor=actor, to_state=request.status,
              data=data)
        # Last: the counter's row lock is then held only until the commit.
        number_assign(request, doc_type="service_request", prefix=REQUEST_PREFIX,
                      moment=reported_at)
    return request


REPAIRED_FIRST_MAX = 300


def may_record_repaired_first(user) -> bool:
    """Who makes out a repair's paperwork afterwards: who may both send a technician and record
    his arrival (the workflow's assign and arrive) — a supervisor or an administrator."""
    roles = WF.get("assign").roles & WF.get("arrive").roles
    return bool(user.is_superuser or user.role in roles)


def service_request_create_repaired_first(*, actor, technician: User, arrived_at: datetime | None,
                                          reason: str, reported_at: datetime | None,
                                          **registration) -> ServiceRequest:
    """先抢修后补单 (DS-6): the paperwork of an emergency a technician was sent to before it was
    made out. The call is registered as it came in (``reported_at``) and as an emergency, marked
    repaired first because of ``reason``, assigned to ``technician``, and his arrival recorded at
    ``arrived_at`` — its arrival deadline met then, not when the paperwork is done. He then
    records the work, the parts and the customer's signature on his phone as on any visit."""
    if not may_record_repaired_first(actor):
        raise PermissionDenied(_("Only a supervisor records a repair made before its paperwork."))
    now = timezone.now()
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["repaired_first"] = [_("Say why the repair could not wait for its paperwork.")]
    elif len(reason) > REPAIRED_FIRST_MAX:
        errors["repaired_first"] = [_("Say why in %(count)d characters at most.")
                                    % {"count": REPAIRED_FIRST_MAX}]
    if reported_at is None:
        errors["reported_at"] = [_("Enter when the call came in.")]
    if arrived_at is None:
        errors["arrived_at"] = [_("Enter when the technician arrived.")]
    elif arrived_at > now + timezone.timedelta(minutes=1):
        errors["arrived_at"] = [_("The technician's arrival cannot be in the future.")]
    elif reported_at is not None and arrived_at < reported_at:
        errors["arrived_at"] = [_("The technician cannot have arrived before the call came in.")]
    if errors:
        raise ValidationError(errors)
    registration["urgency"] = Urgency.EMERGENCY
    with transaction.atomic():
        request = service_request_create(actor=actor, reported_at=reported_at,
                                         repaired_first=reason, **registration)
        if request.status == Status.AWAITING_AGREEMENT:
            raise ValidationError({"customer_agreed": [_(
                "This repair is chargeable: the customer's agreement to the charge is needed "
                "before its paperwork is registered.")]})
        request = service_request_assign(actor=actor, request=request, technician=technician,
                                         note=reason, extra_data={"repaired_first": True})
        request = service_request_arrive(actor=actor, request=request, at=arrived_at)
    return request


def service_request_update(*, actor, request: ServiceRequest, expected_version=None,
                           **data) -> ServiceRequest:
    """Edit what was said at the call; warranty terms follow a change of product or cause."""
    allowed = {"description", "urgency", "cause", "installed_product", "channel"}
    changes = {k: v for k, v in data.items() if k in allowed}
    if not request.is_open:
        raise ValidationError(_("A closed or cancelled request cannot be edited."))
    if actor.role == Role.TECHNICIAN and request.assigned_technician_id != actor.pk:
        raise PermissionDenied()
    if actor.role == Role.CUSTOMER:
        raise PermissionDenied()
    product = changes.get("installed_product", request.installed_product)
    if product is not None and product.customer_id != request.customer_id:
        raise ValidationError({"installed_product": [_("This product belongs to another customer.")]})
    with transaction.atomic():
        before = snapshot(request)
        for key, value in changes.items():
            setattr(request, key, value)
        if {"cause", "installed_product"} & changes.keys():
            terms = service_request_terms(product=product, reported_at=request.reported_at,
                               centre=request.service_centre, cause=request.cause,
                               internal=request.internal)
            request.in_warranty = terms.in_warranty
            request.chargeable = terms.chargeable
            request.category = terms.category
            request.estimated_charge = terms.estimated_charge
            changes |= {"in_warranty": 0, "chargeable": 0, "category": 0, "estimated_charge": 0}
            # PT-1: parts already fitted follow the new terms (free in warranty, else charged).
            request.parts.exclude(charged=terms.chargeable).update(
                charged=terms.chargeable, updated_at=timezone.now())
        version_bump(instance=request, expected_version=expected_version, fields=list(changes))
        change_log(actor=actor, instance=request, action="update", before=before)
    return request


def service_request_agree(*, actor, request, note="", expected_version=None):
    return _transition(request, "agree", actor, note=note, expected_version=expected_version,
                       changes={"customer_agreed_at": timezone.now()})


def service_request_decline(*, actor, request, note="", expected_version=None):
    return _transition(request, "decline", actor, note=note, expected_version=expected_version)


def service_request_cancel(*, actor, request, note="", expected_version=None):
    with transaction.atomic():
        request = _transition(request, "cancel", actor, note=note, expected_version=expected_version)
        request.visits.filter(outcome=VisitOutcome.PENDING).update(
            outcome=VisitOutcome.CANCELLED, reason=note)
    return request


# --- dispatch (DS-1: the supervisor assigns) ---------------------------------------------------

def service_request_assign(*, actor, request, technician: User, appointment_at=None, note="",
                           expected_version=None, extra_data: dict | None = None):
    if technician.role != Role.TECHNICIAN or not technician.is_active:
        raise ValidationError({"technician": [_("Choose an active technician.")]})
    if technician.service_centre_id != request.service_centre_id:
        raise ValidationError({"technician": [_("This technician works for another service centre.")]})
    with transaction.atomic():
        previous = request.assigned_technician_id
        request = _transition(
            request, "assign", actor, note=note, expected_version=expected_version,
            changes={"assigned_technician": technician, "appointment_at": appointment_at},
            data={"technician": technician.pk, "technician_name": str(technician),
                  "previous_technician": previous, **(extra_data or {})},
        )
        request.visits.filter(outcome=VisitOutcome.PENDING).update(
            outcome=VisitOutcome.CANCELLED, reason=_("Reassigned"))
        Visit.objects.create(request=request, technician=technician, scheduled_for=appointment_at)
    return request


def service_request_unassign(*, actor, request, note="", expected_version=None):
    with transaction.atomic():
        request = _transition(request, "unassign", actor, note=note,
                              expected_version=expected_version,
                              changes={"assigned_technician": None, "appointment_at": None})
        request.visits.filter(outcome=VisitOutcome.PENDING).update(
            outcome=VisitOutcome.CANCELLED, reason=note)
    return request


def service_request_appointment_move(*, actor, request, appointment_at, note: str = "",
                                     data: dict | None = None, expected_version=None):
    """The same technician at another time (a re-planned day): the appointment and his pending
    visit are re-timed and one "visit moved" step is recorded — not cancelled and booked again,
    so the customer is told once."""
    if not (actor.is_superuser or actor.role in {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}):
        raise PermissionDenied()
    with transaction.atomic():
        locked = ServiceRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != Status.ASSIGNED:
            from aftersales.core.exceptions import IllegalTransition

            raise IllegalTransition(_("Only a booked visit can be moved."))
        before = snapshot(locked)
        previous = locked.appointment_at
        locked.appointment_at = appointment_at
        version_bump(instance=locked, expected_version=expected_version or locked.version,
                     fields=["appointment_at"])
        change_log(actor=actor, instance=locked, action="update", before=before)
        if not locked.visits.filter(outcome=VisitOutcome.PENDING).update(
                scheduled_for=appointment_at, updated_at=timezone.now()):
            Visit.objects.create(request=locked, technician_id=locked.assigned_technician_id,
                                 scheduled_for=appointment_at)
        event_append(subject=locked, action="appointment_move", actor=actor,
                     from_state=locked.status, to_state=locked.status, note=note, data={
                         "next_visit_at": appointment_at, "previous_appointment_at": previous,
                         "technician": locked.assigned_technician_id, **(data or {})})
    return locked


# --- field work --------------------------------------------------------------------------------

def _current_visit(request) -> Visit:
    visit = request.visits.filter(outcome=VisitOutcome.PENDING).order_by("-id").first()
    if visit is None:
        visit = Visit.objects.create(request=request, technician=request.assigned_technician)
    return visit


def service_request_depart(*, actor, request, note="", expected_version=None):
    with transaction.atomic():
        request = _transition(request, "depart", actor, note=note, expected_version=expected_version)
        visit = _current_visit(request)
        visit.departed_at = timezone.now()
        visit.save(update_fields=["departed_at", "updated_at"])
    return request


def service_request_arrive(*, actor, request, note="", expected_version=None,
                           at: datetime | None = None):
    """The technician is on site; ``at``: when he arrived, for an arrival recorded afterwards
    (the step's event is dated when it is recorded and says when he arrived; the handlers time
    what follows from it, e.g. the arrival deadline met)."""
    with transaction.atomic():
        request = _transition(request, "arrive", actor, note=note, expected_version=expected_version,
                              data={HAPPENED_AT: at} if at is not None else None)
        visit = _current_visit(request)
        visit.arrived_at = at or timezone.now()
        visit.save(update_fields=["arrived_at", "updated_at"])
    return request


WORK_STATES = {Status.ON_SITE, Status.CARRIED_IN, Status.REPAIRED}


def _check_work_actor(actor, request):
    if actor.role == Role.TECHNICIAN and request.assigned_technician_id != actor.pk:
        raise PermissionDenied(_("This job is assigned to another technician."))
    if actor.role not in {Role.TECHNICIAN, Role.SUPERVISOR, Role.ADMIN} and not actor.is_superuser:
        raise PermissionDenied()


def service_request_record_work(*, actor, request, fault_found: str, fault_cause: str,
                                action_taken: str, cause: str | None = None,
                                expected_version=None) -> ServiceRequest:
    """AR-4: fault description → cause → action, and the cause that decides the charge."""
    _check_work_actor(actor, request)
    if request.status not in WORK_STATES:
        from aftersales.core.exceptions import IllegalTransition

        raise IllegalTransition(_("Work can be recorded only on site or at the workshop."))
    errors = {}
    for name, value in (("fault_found", fault_found), ("fault_cause", fault_cause),
                        ("action_taken", action_taken)):
        if not (value or "").strip():
            errors[name] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    fields = {"fault_found": fault_found.strip(), "fault_cause": fault_cause.strip(),
              "action_taken": action_taken.strip()}
    with transaction.atomic():
        if cause is not None and cause != request.cause:
            request = service_request_update(actor=actor, request=request, cause=cause,
                                             expected_version=expected_version)
            expected_version = request.version
        before = snapshot(request)
        for key, value in fields.items():
            setattr(request, key, value)
        version_bump(instance=request, expected_version=expected_version, fields=list(fields))
        change_log(actor=actor, instance=request, action="update", before=before)
        event_append(subject=request, action="record_work", actor=actor, data=fields)
    return request


def labor_add(*, actor, request, hours: Decimal, note: str = "") -> LaborEntry:
    _check_work_actor(actor, request)
    if request.status not in WORK_STATES:
        from aftersales.core.exceptions import IllegalTransition

        raise IllegalTransition(_("Hours can be recorded only on site or at the workshop."))
    hours = Decimal(hours)
    if not (Decimal("0") < hours <= Decimal("24")):
        raise ValidationError({"hours": [_("Hours must be more than 0 and at most 24.")]})
    with transaction.atomic():
        entry = LaborEntry.objects.create(
            request=request, technician=request.assigned_technician or actor, hours=hours,
            note=note, at_bench=request.status != Status.ON_SITE)
        change_log(actor=actor, instance=entry, action="create")
    return entry


def part_add(*, actor, request, part, quantity: int = 1) -> PartUsage:
    """PT-1: in warranty parts are free; otherwise charged at the price-list price."""
    _check_work_actor(actor, request)
    if request.status not in WORK_STATES:
        from aftersales.core.exceptions import IllegalTransition

        raise IllegalTransition(_("Parts can be recorded only on site or at the workshop."))
    if not part.active:
        raise ValidationError({"part": [_("This part is no longer on the price list.")]})
    if int(quantity) < 1:
        raise ValidationError({"quantity": [_("Quantity must be at least 1.")]})
    with transaction.atomic():
        usage = PartUsage.objects.create(
            request=request, part=part, quantity=int(quantity), unit_price=part.unit_price,
            charged=request.chargeable, at_bench=request.status != Status.ON_SITE,
            recorded_by=actor)
        change_log(actor=actor, instance=usage, action="create")
        # parts: the part leaves the van (or the centre's store) in this transaction
        react("service_request.part_add", request, actor=actor, data={"usage": usage})
    parts_forget(request)
    return usage


def part_remove(*, actor, usage: PartUsage) -> None:
    """A part recorded by mistake is taken off the job while the work is open; it goes back to
    where it came from (the stock ledger records the return, the change log the removal)."""
    request = usage.request
    _check_work_actor(actor, request)
    if request.status not in WORK_STATES:
        from aftersales.core.exceptions import IllegalTransition

        raise IllegalTransition(_("Parts can be taken off only while the work is open."))
    with transaction.atomic():
        react("service_request.part_remove", request, actor=actor, data={"usage": usage})
        change_log(actor=actor, instance=usage, action="delete", before=snapshot(usage))
        usage.delete()
    parts_forget(request)


def parts_forget(request) -> None:
    """After a part is added or taken off: the request's parts as read once for its page
    (selectors.request_parts) are read again."""
    getattr(request, "_prefetched_objects_cache", {}).pop("parts", None)


def _signature(request, *, kind, signer_name, opinion, image) -> Signature:
    errors = {}
    if not (signer_name or "").strip():
        errors["signer_name"] = [_("Enter the name of the person who signs.")]
    if not (image or "").startswith("data:image/png;base64,") or len(image) < 100:
        errors["signature"] = [_("The customer's signature is missing.")]
    elif len(image) > MAX_SIGNATURE_BYTES:
        errors["signature"] = [_("The signature image is too large.")]
    if errors:
        raise ValidationError(errors)
    return Signature.objects.create(request=request, kind=kind, signer_name=signer_name.strip(),
                                    opinion=(opinion or "").strip(), image=image,
                                    signed_at=timezone.now())


def service_request_complete(*, actor, request, signer_name: str, signature: str,
                             opinion: str = "", note: str = "", expected_version=None):
    """WK-1: the customer signs the voucher and gives an opinion; the job is done."""
    if not request.work_recorded:
        raise ValidationError(_("Record the fault, its cause and the action taken first."))
    changes = {"completed_at": timezone.now()}
    if request.chargeable and request.customer_agreed_at is None:
        # SR-4 for charges found on site: the customer signs the voucher that shows them.
        changes["customer_agreed_at"] = changes["completed_at"]
    with transaction.atomic():
        request = _transition(request, "complete", actor, note=note,
                              expected_version=expected_version, changes=changes)
        _signature(request, kind=Signature.Kind.COMPLETION, signer_name=signer_name,
                   opinion=opinion, image=signature)
        visit = _current_visit(request)
        visit.left_at, visit.outcome = timezone.now(), VisitOutcome.COMPLETED
        visit.save(update_fields=["left_at", "outcome", "updated_at"])
    return request


def service_request_reschedule(*, actor, request, note: str, next_visit_at=None,
                               expected_version=None):
    """WK-4: unfinished — tell the customer why, agree the next visit, note the reason."""
    if next_visit_at is not None and next_visit_at <= timezone.now():
        raise ValidationError({"next_visit_at": [_("The next visit must be in the future.")]})
    with transaction.atomic():
        request = _transition(request, "reschedule", actor, note=note,
                              expected_version=expected_version,
                              changes={"appointment_at": next_visit_at},
                              data={"next_visit_at": next_visit_at})
        visit = _current_visit(request)
        visit.left_at, visit.outcome, visit.reason = timezone.now(), VisitOutcome.UNFINISHED, note
        visit.save(update_fields=["left_at", "outcome", "reason", "updated_at"])
        Visit.objects.create(request=request, technician=request.assigned_technician,
                             scheduled_for=next_visit_at)
    return request


# --- carry-in repair (WK-3) --------------------------------------------------------------------

def service_request_carry_in(*, actor, request, items: str, signer_name: str, signature: str,
                             return_due_on: date | None = None, note: str = "",
                             expected_version=None):
    """Not fixable on site: receipt to the customer, who signs; register in; repair card."""
    errors = {}
    if not (items or "").strip():
        errors["items"] = [_("List what is taken: product, accessories, condition.")]
    if return_due_on is not None and return_due_on < timezone.localdate():
        errors["return_due_on"] = [_("The return date cannot be in the past.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        request = _transition(request, "carry_in", actor, note=note,
                              expected_version=expected_version)
        _signature(request, kind=Signature.Kind.CARRY_OUT, signer_name=signer_name, opinion="",
                   image=signature)
        receipt = ProductReceipt.objects.create(
            number=next_number("product_receipt", RECEIPT_PREFIX, now), request=request,
            items=items.strip(), issued_at=now, issued_by=actor)
        RegisterEntry.objects.create(request=request, receipt=receipt,
                                     direction=RegisterDirection.IN, at=now, by=actor)
        RepairCard.objects.update_or_create(request=request,
                                            defaults={"return_due_on": return_due_on})
        visit = _current_visit(request)
        visit.left_at, visit.outcome = now, VisitOutcome.CARRIED_IN
        visit.save(update_fields=["left_at", "outcome", "updated_at"])
    return request


def service_request_finish_repair(*, actor, request, work_done: str, expected_version=None):
    if not (work_done or "").strip():
        raise ValidationError({"work_done": [_("Say what was done on the repair card.")]})
    if not request.labor.filter(at_bench=True).exists():
        raise ValidationError({"hours": [_("Record the actual hours on the repair card first.")]})
    with transaction.atomic():
        request = _transition(request, "finish_repair", actor, expected_version=expected_version)
        RepairCard.objects.filter(request=request).update(work_done=work_done.strip(),
                                                          updated_at=timezone.now())
    return request


def service_request_inspect(*, actor, request, passed: bool, note: str = "",
                            expected_version=None):
    """The supervisor inspects the repaired product; a failed inspection sends it back."""
    with transaction.atomic():
        request = _transition(request, "inspect_pass" if passed else "inspect_fail", actor,
                              note=note, expected_version=expected_version)
        RepairCard.objects.filter(request=request).update(
            inspected_by=actor if passed else None, inspected_at=timezone.now() if passed else None,
            inspection_note=note, updated_at=timezone.now())
    return request


def service_request_dealer_complete(*, actor, request, fault_found: str, fault_cause: str,
                                    action_taken: str, note: str = "", data=None):
    """A dealer's staff finished a job handed to the dealer (DL-2): the request is completed with
    the dealer's record of the work; the apps that follow a completion react to this step too
    (their handlers of ``service_request.dealer_complete``). Who may is the dealers app's rule
    (its own job row); here only the dealer role."""
    changes = {"fault_found": fault_found, "fault_cause": fault_cause,
               "action_taken": action_taken, "completed_at": timezone.now()}
    if request.chargeable and request.customer_agreed_at is None:
        changes["customer_agreed_at"] = changes["completed_at"]
    return _transition(request, "dealer_complete", actor, note=note, changes=changes, data=data)


def service_request_hand_back(*, actor, request, signer_name: str, signature: str,
                              opinion: str = "", note: str = "", expected_version=None):
    """Return: the customer signs, the receipt is cancelled, the register records it out."""
    now = timezone.now()
    with transaction.atomic():
        request = _transition(request, "hand_back", actor, note=note,
                              expected_version=expected_version, changes={"completed_at": now})
        _signature(request, kind=Signature.Kind.RETURN, signer_name=signer_name, opinion=opinion,
                   image=signature)
        receipt = request.receipts.filter(cancelled_at__isnull=True).order_by("-issued_at").first()
        if receipt is not None:
            receipt.cancelled_at = now
            receipt.save(update_fields=["cancelled_at", "updated_at"])
            RegisterEntry.objects.create(request=request, receipt=receipt,
                                         direction=RegisterDirection.OUT, at=now, by=actor)
        RepairCard.objects.filter(request=request).update(returned_at=now, updated_at=now)
    return request


def service_request_close(*, actor, request, note="", expected_version=None):
    """WK-1: the clerk closes the call-log line once the signed voucher is in."""
    return _transition(request, "close", actor, note=note, expected_version=expected_version,
                       changes={"closed_at": timezone.now()})


# The actions the web pages and the API expose, by workflow transition name.
ACTIONS = {
    "agree": service_request_agree,
    "decline": service_request_decline,
    "assign": service_request_assign,
    "unassign": service_request_unassign,
    "depart": service_request_depart,
    "arrive": service_request_arrive,
    "complete": service_request_complete,
    "reschedule": service_request_reschedule,
    "carry_in": service_request_carry_in,
    "finish_repair": service_request_finish_repair,
    "inspect": service_request_inspect,
    "hand_back": service_request_hand_back,
    "close": service_request_close,
    "cancel": service_request_cancel,
}

__all__ = ["ACTIONS", "Category", "labor_add", "part_add", "service_request_create",
           "service_request_record_work", "service_request_update"]
