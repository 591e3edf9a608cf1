"""Every write of the warranty app (house style rule 1): the 三包 decision and its effects."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.core.attachments import attachment_add, attachment_check
from aftersales.core.changelog import change_log, snapshot
from aftersales.core.events import event_append
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.numbering import next_number
from aftersales.core.workflow import version_bump
from aftersales.customers.services import installed_product_replace
from aftersales.invoicing.services import credit_note_issue
from aftersales.parts.choices import MoveKind
from aftersales.parts.services import may_move, stock_move
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.services import centre_local_date

from .choices import OutcomeKind
from .models import UnitReturn, WarrantyOutcome, WarrantyPolicy
from .selectors import warranty_facts

DECIDERS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
OUTCOME_PREFIX = "SB"
POLICY_FIELDS = ("refund_days", "replacement_days", "repairs_before_replacement")


def may_decide(user, request: ServiceRequest) -> bool:
    if user.is_superuser or user.role in {Role.MANAGER, Role.ADMIN}:
        return True
    return user.role == Role.SUPERVISOR and user.service_centre_id == request.service_centre_id


def _amount(value) -> Decimal | None:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if amount.is_finite() else None


def outcome_decide(*, actor, request: ServiceRequest, kind: str, serious_fault: bool = False,
                   same_fault: list | None = None, note: str = "", refund_amount=None,
                   replacement_part=None, replacement_warehouse=None, replacement_serial: str = "",
                   evidence: list | None = None) -> WarrantyOutcome:
    """Decide how a request ends under 三包, once, by a supervisor of its centre or a manager.

    ``same_fault``: the earlier repairs (requests) the decider marks as the same fault — the
    evidence the rule counts; ``evidence``: uploaded files (photos, PDF). Effects in the same
    transaction: a replacement unit leaves stock (parts' ledger, an issue to the job) when it is a
    Part, else its serial is recorded, and the customer's product becomes the new unit — its
    serial, and its warranty counting again from today; a refund issues a refund credit note
    (invoicing)."""
    if not may_decide(actor, request):
        raise PermissionDenied(_("A supervisor of the request's centre or a service manager "
                                 "decides 三包 outcomes."))
    errors: dict[str, list] = {}
    if request.status in {Status.CANCELLED, Status.AWAITING_AGREEMENT}:
        raise ConflictError(_("A cancelled request, or one waiting for the customer's agreement, "
                              "has no 三包 outcome."))
    facts = warranty_facts(request)
    eligible = {r.pk: r for r in facts.priors}
    chosen = [eligible[pk] for pk in dict.fromkeys(int(p) for p in (same_fault or []))
              if pk in eligible]
    if len(chosen) != len(set(same_fault or [])):
        errors["same_fault"] = [_("Choose among this product's earlier repairs in warranty.")]
    entitled = facts.entitlement(serious_fault=serious_fault, same_fault=len(chosen))
    if kind not in OutcomeKind.values:
        errors["kind"] = [_("Choose repair, replacement or refund.")]
    elif not entitled.allows(kind):
        errors["kind"] = [_("The customer is not entitled to %(kind)s: %(why)s") % {
            "kind": OutcomeKind(kind).label, "why": " ".join(entitled.reasons)}]
    amount = None
    if kind == OutcomeKind.REFUND:
        amount = _amount(refund_amount)
        if amount is None or amount <= 0:
            errors["refund_amount"] = [_("Enter the amount refunded (more than zero).")]
    serial = (replacement_serial or "").strip()[:60]
    if kind == OutcomeKind.REPLACEMENT:
        if replacement_part is not None and replacement_warehouse is None:
            errors["replacement_warehouse"] = [_("Choose the place the unit is taken from.")]
        if replacement_part is None and not serial:
            errors["replacement_serial"] = [_("Choose the replacement unit from stock, or enter "
                                              "the serial number of the unit given.")]
    for upload in evidence or []:
        try:
            attachment_check(upload)
        except ValidationError as exc:
            errors.setdefault("evidence", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            locked = ServiceRequest.objects.select_for_update().get(pk=request.pk)
            outcome = WarrantyOutcome.objects.create(
                number=next_number("warranty_outcome", OUTCOME_PREFIX), request=locked, kind=kind,
                serious_fault=serious_fault, days_since_purchase=facts.days_since_purchase,
                prior_repairs=[r.number for r in chosen], entitled=entitled.kinds,
                reasons="\n".join(entitled.reasons),
                policy={"refund_days": facts.numbers.refund_days,
                        "replacement_days": facts.numbers.replacement_days,
                        "repairs_before_replacement": facts.numbers.repairs_before_replacement},
                note=(note or "").strip(), refund_amount=amount,
                replacement_part=replacement_part if kind == OutcomeKind.REPLACEMENT else None,
                replacement_warehouse=(replacement_warehouse if kind == OutcomeKind.REPLACEMENT
                                       and replacement_part is not None else None),
                replacement_serial=serial if kind == OutcomeKind.REPLACEMENT else "",
                unit_serial=locked.installed_product.serial,
                decided_by=actor, decided_at=timezone.now())
            fields = []
            if kind == OutcomeKind.REPLACEMENT:
                _unit_replaced(actor, locked, serial, outcome.number)
            if kind == OutcomeKind.REPLACEMENT and replacement_part is not None:
                outcome.stock_move = stock_move(
                    actor=actor, warehouse=replacement_warehouse, part=replacement_part,
                    kind=MoveKind.ISSUE, quantity=1, request=locked, reference=outcome.number,
                    note=_("三包 replacement unit"))
                fields.append("stock_move")
            if kind == OutcomeKind.REFUND:
                outcome.credit_note = credit_note_issue(
                    actor=actor, customer=locked.customer, amount=amount, kind="refund",
                    source=outcome,
                    reason=_("三包 refund for request %(number)s") % {"number": locked.number})
                fields.append("credit_note")
            if fields:
                outcome.save(update_fields=fields)
            for upload in evidence or []:
                attachment_add(actor=actor, subject=outcome, upload=upload, kind="evidence")
            data = {"outcome": outcome.number, "kind": kind, "entitled": entitled.kinds,
                    "same_fault": outcome.prior_repairs,
                    "credit_note": outcome.credit_note.number if outcome.credit_note else None,
                    "refund_amount": str(amount) if amount is not None else None}
            event_append(subject=outcome, action="decide", actor=actor, to_state=kind,
                         note=outcome.note, data=data)
            event_append(subject=locked, action="warranty_outcome", actor=actor, to_state="",
                         note=outcome.note, data=data)
            change_log(actor=actor, instance=outcome, action="create")
    except IntegrityError:
        if WarrantyOutcome.objects.filter(request_id=request.pk).exists():
            raise ConflictError(_("This request's 三包 outcome has already been decided.")) from None
        raise
    return outcome


def evidence_add(*, actor, outcome: WarrantyOutcome, upload):
    """A photo or PDF added to a decided outcome's evidence (taken after the decision, or
    sent by an outside system), by whoever may decide the request's outcomes."""
    if not may_decide(actor, outcome.request):
        raise PermissionDenied(_("A supervisor of the request's centre or a service manager "
                                 "adds 三包 evidence."))
    if upload is None:
        raise ValidationError({"file": [_("Choose a photo or a PDF file.")]})
    try:
        attachment_check(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    with transaction.atomic():
        return attachment_add(actor=actor, subject=outcome, upload=upload, kind="evidence")


def _unit_replaced(actor, request: ServiceRequest, serial: str, reference: str) -> None:
    """The customer's product is the new unit now: its serial (if given) and its warranty,
    which counts again from today (customers' ``installed_product_replace``)."""
    try:
        installed_product_replace(
            actor=actor, product=request.installed_product, serial=serial, reference=reference,
            day=centre_local_date(timezone.now(), request.service_centre))
    except ValidationError as exc:
        raise ValidationError({"replacement_serial": exc.messages}) from None


def unit_received(*, actor, outcome: WarrantyOutcome, warehouse, serial: str,
                  note: str = "") -> UnitReturn:
    """The faulty unit of a replacement or a refund came back: received once into ``warehouse``
    by whoever may work there, with its serial number (the product's, unless the unit says
    otherwise). Recorded on the outcome and the request's history, not in the stock ledger."""
    errors: dict[str, list] = {}
    if not outcome.takes_unit_back:
        errors["outcome"] = [_("Only a replacement or a refund takes the faulty unit back.")]
    serial = (serial or "").strip()[:60]
    if not serial:
        errors["serial"] = [_("Enter the serial number of the unit received.")]
    if warehouse is None or not warehouse.active:
        errors["warehouse"] = [_("Choose the place the unit was received into.")]
    if errors:
        raise ValidationError(errors)
    if not may_move(actor, warehouse):
        raise PermissionDenied(_("You may not receive goods into %(place)s.")
                               % {"place": warehouse})
    try:
        with transaction.atomic():
            received = UnitReturn.objects.create(
                outcome=outcome, serial=serial, warehouse=warehouse, received_at=timezone.now(),
                received_by=actor, note=(note or "").strip()[:300])
            data = {"outcome": outcome.number, "serial": serial, "warehouse": warehouse.code}
            event_append(subject=outcome, action="unit_received", actor=actor,
                         note=received.note, data=data)
            event_append(subject=outcome.request, action="warranty_unit_received", actor=actor,
                         note=received.note, data=data)
    except IntegrityError:
        raise ConflictError(_("The faulty unit of %(number)s has already been received.")
                            % {"number": outcome.number}) from None
    return received


def policy_set(*, actor, category: str = "", expected_version: int | None = None,
               **numbers) -> WarrantyPolicy:
    """Create or change the 三包 numbers of a product category ("" = the default)."""
    if not (actor.is_superuser or actor.role in {Role.MANAGER, Role.ADMIN}):
        raise PermissionDenied()
    values = {k: v for k, v in numbers.items() if k in POLICY_FIELDS}
    errors = {}
    for key, value in values.items():
        if value is None or int(value) < (1 if key == "repairs_before_replacement" else 0):
            errors[key] = [_("Enter a whole number of at least %(min)d.")
                           % {"min": 1 if key == "repairs_before_replacement" else 0}]
    with transaction.atomic():
        policy = WarrantyPolicy.objects.select_for_update().filter(category=category).first()
        merged = {f: getattr(policy or WarrantyPolicy(), f) for f in POLICY_FIELDS} | values
        if not errors and merged["replacement_days"] < merged["refund_days"]:
            errors["replacement_days"] = [_("Replacement runs at least as long as refund.")]
        if errors:
            raise ValidationError(errors)
        if policy is None:
            policy = WarrantyPolicy.objects.create(category=category, **merged)
            change_log(actor=actor, instance=policy, action="create")
        else:
            before = snapshot(policy)
            for key, value in values.items():
                setattr(policy, key, value)
            version_bump(instance=policy, expected_version=expected_version, fields=list(values))
            change_log(actor=actor, instance=policy, action="update", before=before)
    return policy
