"""Every write of the warranty app (house style rule 1): the 三包 decision and its effects."""

from datetime import date
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
from aftersales.invoicing.permissions import may_issue
from aftersales.invoicing.services import credit_note_issue
from aftersales.parts.choices import MoveKind
from aftersales.parts.services import may_move, stock_move
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.services import centre_local_date

from .choices import DisposalKind, OutcomeKind, PayoutMethod
from .models import RefundPayout, UnitDisposal, UnitReturn, WarrantyOutcome, WarrantyPolicy
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


def _day(value, errors: dict, field: str, *, today, earliest, too_early: str):
    """A calendar day for ``field``: not after ``today``, not before ``earliest``."""
    if value is None or value == "":
        errors[field] = [_("Enter the day.")]
        return None
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            errors[field] = [_("Enter the day as YYYY-MM-DD.")]
            return None
    if value > today:
        errors[field] = [_("The day cannot be in the future.")]
    elif earliest is not None and value < earliest:
        errors[field] = [too_early]
    return value


def may_dispose(user, received: UnitReturn) -> bool:
    """Whoever may record the receipt into that place records what became of the unit."""
    return may_move(user, received.warehouse)


def unit_disposed(*, actor, outcome: WarrantyOutcome, kind: str, day, reference: str = "",
                  reason: str = "", note: str = "") -> UnitDisposal:
    """What became of the faulty unit once received — back to the maker (with the maker's
    return reference or waybill), refurbished, or scrapped (with a reason) — recorded once, on
    a day not in the future and not before the receipt, by whoever may work in the place it was
    received into. Append-only: a mistake is told in a note on the request, never edited."""
    received = UnitReturn.objects.select_related("warehouse").filter(outcome=outcome).first()
    if received is None:
        raise ValidationError({"outcome": [
            _("The faulty unit of %(number)s has not been received yet: record the receipt "
              "first.") % {"number": outcome.number}]})
    if not may_dispose(actor, received):
        raise PermissionDenied(_("You may not record what became of units received into "
                                 "%(place)s.") % {"place": received.warehouse})
    if UnitDisposal.objects.filter(unit_return=received).exists():
        raise ConflictError(_("What became of the faulty unit of %(number)s is recorded "
                              "already.") % {"number": outcome.number})
    centre = outcome.request.service_centre
    errors: dict[str, list] = {}
    if kind not in DisposalKind.values:
        errors["kind"] = [_("Choose returned to the maker, refurbished or scrapped.")]
    reference = (reference or "").strip()
    reason = (reason or "").strip()
    if kind == DisposalKind.TO_MAKER and not reference:
        errors["reference"] = [_("Enter the maker's return reference or the waybill number.")]
    if kind == DisposalKind.SCRAPPED and not reason:
        errors["reason"] = [_("Say why the unit is scrapped.")]
    if len(reference) > 60:
        errors["reference"] = [_("At most 60 characters.")]
    received_on = centre_local_date(received.received_at, centre)
    day = _day(day, errors, "day", today=centre_local_date(timezone.now(), centre),
               earliest=received_on,
               too_early=_("The unit was received on %(day)s: it cannot have gone before.")
               % {"day": received_on.isoformat()})
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            disposal = UnitDisposal.objects.create(
                unit_return=received, kind=kind, day=day,
                reference=reference if kind == DisposalKind.TO_MAKER else "",
                reason=reason[:300] if kind == DisposalKind.SCRAPPED else "",
                note=(note or "").strip()[:300], recorded_by=actor, recorded_at=timezone.now())
            data = {"outcome": outcome.number, "kind": kind, "day": day.isoformat(),
                    "reference": disposal.reference, "reason": disposal.reason,
                    "serial": received.serial}
            event_append(subject=outcome, action="unit_disposed", actor=actor, to_state=kind,
                         note=disposal.note, data=data)
            event_append(subject=outcome.request, action="warranty_unit_disposed", actor=actor,
                         note=disposal.note, data=data)
            change_log(actor=actor, instance=disposal, action="create")
    except IntegrityError:
        if UnitDisposal.objects.filter(unit_return=received).exists():
            raise ConflictError(_("What became of the faulty unit of %(number)s is recorded "
                                  "already.") % {"number": outcome.number}) from None
        raise
    return disposal


def refund_paid(*, actor, outcome: WarrantyOutcome, method: str, paid_on, reference: str = "",
                note: str = "") -> RefundPayout:
    """A 三包 refund's money paid out: the refund note's amount, once, by finance (whoever issues
    credit notes), with the method, the day (not in the future, not before the decision) and
    the transaction number (a receipt number, or nothing, for cash). Append-only."""
    if not may_issue(actor):
        raise PermissionDenied(_("Finance (whoever issues credit notes) records refunds paid "
                                 "out."))
    if outcome.kind != OutcomeKind.REFUND or outcome.credit_note_id is None:
        raise ValidationError({"outcome": [_("Only a refund is paid out.")]})
    if RefundPayout.objects.filter(outcome=outcome).exists():
        raise ConflictError(_("The refund of %(number)s is recorded as paid out already.")
                            % {"number": outcome.number})
    centre = outcome.request.service_centre
    errors: dict[str, list] = {}
    if method not in PayoutMethod.values:
        errors["method"] = [_("Choose bank transfer, cash or the original payment channel.")]
    reference = (reference or "").strip()
    if method in (PayoutMethod.TRANSFER, PayoutMethod.ORIGINAL) and not reference:
        errors["reference"] = [_("Enter the transaction number of the payment.")]
    if len(reference) > 60:
        errors["reference"] = [_("At most 60 characters.")]
    decided_on = centre_local_date(outcome.decided_at, centre)
    paid_on = _day(paid_on, errors, "paid_on", today=centre_local_date(timezone.now(), centre),
                   earliest=decided_on,
                   too_early=_("The refund was decided on %(day)s: it cannot have been paid "
                               "before.") % {"day": decided_on.isoformat()})
    if errors:
        raise ValidationError(errors)
    credit_note = outcome.credit_note
    try:
        with transaction.atomic():
            payout = RefundPayout.objects.create(
                outcome=outcome, credit_note=credit_note, amount=credit_note.amount,
                method=method, paid_on=paid_on, reference=reference, paid_by=actor,
                recorded_at=timezone.now(), note=(note or "").strip()[:300])
            data = {"outcome": outcome.number, "credit_note": credit_note.number,
                    "amount": str(payout.amount), "method": method,
                    "paid_on": paid_on.isoformat(), "reference": reference}
            event_append(subject=outcome, action="refund_paid", actor=actor, to_state=method,
                         note=payout.note, data=data)
            event_append(subject=outcome.request, action="warranty_refund_paid", actor=actor,
                         note=payout.note, data=data)
            change_log(actor=actor, instance=payout, action="create")
    except IntegrityError:
        if RefundPayout.objects.filter(outcome=outcome).exists():
            raise ConflictError(_("The refund of %(number)s is recorded as paid out already.")
                                % {"number": outcome.number}) from None
        raise
    return payout


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
