"""Every write of billing (house style rule 1): expenses, charge sheets, quotes, payments and
hand-overs. Keyword-only, with the acting user, one transaction, an event."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.core.changelog import change_log, snapshot
from aftersales.core.events import event_append
from aftersales.core.exceptions import ConflictError, IllegalTransition, PermissionDenied
from aftersales.core.handlers import react
from aftersales.core.numbering import next_number
from aftersales.core.workflow import transition_apply
from aftersales.parts.services import quantity_clean
from aftersales.service import services as request_services
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.services import centre_local_date

from .choices import ON_SITE_METHODS, AgreedVia, ExpenseKind, HandoverState, Method, QuoteState
from .models import (
    ChargeExpense,
    ChargeLine,
    ChargeSheet,
    Handover,
    Payment,
    Quote,
    QuoteLine,
    ServiceFee,
)
from .models.rules import sees_all
from .selectors import charge_sheet_preview, hourly_rate_for, money
from .workflow import ACCOUNTING, handover_workflow

SHEET_PREFIX = "CS"
QUOTE_PREFIX = "QT"
PAYMENT_PREFIX = "SK"  # 收款
MAX_SIGNATURE_BYTES = 400_000
WORK_OPEN = frozenset({Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SITE, Status.CARRIED_IN,
                       Status.REPAIRED, Status.INSPECTED})
DESK = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
TAKERS = frozenset({Role.TECHNICIAN}) | ACCOUNTING


def _amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: [_("Enter an amount such as 25.50.")]}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: [_("The amount must be more than 0.")]})
    if amount != money(amount):
        raise ValidationError({field: [_("An amount has at most two decimal places.")]})
    if amount >= Decimal("10000000000"):
        raise ValidationError({field: [_("This amount is too large.")]})
    return amount


def _own_job(actor, request: ServiceRequest) -> None:
    """A technician works on his own jobs only; the desk and the company-wide roles on any it
    may see."""
    if actor.is_superuser:
        return
    if actor.role == Role.TECHNICIAN:
        if request.assigned_technician_id != actor.pk:
            raise PermissionDenied(_("This job is assigned to another technician."))
        return
    if not ServiceRequest.objects.restrict(actor, "change").filter(pk=request.pk).exists():
        raise PermissionDenied()


# --- expenses ---------------------------------------------------------------------------------

MAX_HOURS = Decimal("100")


def _hours(value, field: str) -> Decimal:
    """Hours of labour: more than 0, at most two decimal places and ``MAX_HOURS``."""
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: [_("Enter the hours such as 1.5.")]}) from None
    if not hours.is_finite() or hours <= 0:
        raise ValidationError({field: [_("The hours must be more than 0.")]})
    if hours != money(hours):
        raise ValidationError({field: [_("Hours have at most two decimal places.")]})
    if hours > MAX_HOURS:
        raise ValidationError({field: [_("At most %(n)s hours on one line.") % {"n": MAX_HOURS}]})
    return hours


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def expense_add(*, actor, request: ServiceRequest, kind: str, description: str,
                amount=None, hours=None) -> ChargeExpense:
    """Travel or another expense (an ``amount``), or extra labour beyond the service fee
    (``hours``, charged at the job's hourly rate valid now: the product category's, else the
    billing settings'), on the job while the work is open."""
    _own_job(actor, request)
    if request.status not in WORK_OPEN:
        raise IllegalTransition(_("Expenses can be entered only while the work is open."))
    errors = {}
    if kind not in ExpenseKind.values:
        errors["kind"] = [_("Choose travel, another expense or extra labour.")]
    if not (description or "").strip():
        errors["description"] = [_("Say what the expense was for.")]
    if kind == ExpenseKind.LABOUR and not _blank(amount):
        errors["amount"] = [_("Extra labour is charged by the hour: enter the hours, not an "
                              "amount.")]
    if kind != ExpenseKind.LABOUR and not _blank(hours):
        errors["hours"] = [_("Only extra labour is entered in hours: enter the amount.")]
    if errors:
        raise ValidationError(errors)
    rate = None
    if kind == ExpenseKind.LABOUR:
        hours = _hours(hours, "hours")
        product = request.installed_product
        rate = hourly_rate_for(product.model if product is not None else None)
        amount = money(hours * rate)
        if amount <= 0:
            raise ValidationError({"hours": [_("Extra labour has no hourly rate here: the "
                                               "billing settings' rate is 0.")]})
        note = f"{description.strip()[:200]} {hours.normalize()} h × ¥{rate} = ¥{amount}"
    else:
        amount = _amount(amount, "amount")
        hours = None
        note = f"{description.strip()[:200]} ¥{amount}"
    with transaction.atomic():
        expense = ChargeExpense.objects.create(request=request, kind=kind,
                                               description=description.strip()[:200],
                                               amount=amount, hours=hours, rate=rate,
                                               entered_by=actor)
        event_append(subject=expense, action="add", actor=actor, note=note,
                     data={"request": request.number, "kind": kind})
    return expense


def expense_remove(*, actor, expense: ChargeExpense) -> None:
    request = expense.request
    _own_job(actor, request)
    if request.status not in WORK_OPEN:
        raise IllegalTransition(_("Expenses can be taken off only while the work is open."))
    with transaction.atomic():
        event_append(subject=expense, action="remove", actor=actor,
                     note=f"{expense.description} ¥{expense.amount}",
                     data={"request": request.number})
        expense.delete()


# --- the charge sheet -------------------------------------------------------------------------

def charge_sheet_issue(*, actor, request: ServiceRequest) -> ChargeSheet:
    """Issue the job's sheet from its preview: numbered, immutable, an event. Once per job: a
    second call returns the sheet already issued (the one-to-one field keeps it so under
    concurrency)."""
    existing = ChargeSheet.objects.filter(request=request).first()
    if existing is not None:
        return existing
    preview = charge_sheet_preview(request)
    now = timezone.now()
    with transaction.atomic():
        sheet = ChargeSheet.objects.create(
            request=request, customer_id=request.customer_id, category=request.category,
            number=next_number("charge_sheet", SHEET_PREFIX, now), follow_up=preview.follow_up,
            dealer=preview.dealer, total=preview.total, issued_at=now,
            issued_by=actor if actor is not None and actor.is_authenticated else None)
        lines = []
        for line in preview.lines:
            line.sheet = sheet
            lines.append(line)
        ChargeLine.objects.bulk_create(lines)
        event_append(subject=sheet, action="issue", actor=actor, to_state=sheet.state,
                     note=f"¥{sheet.total}", data={"request": request.number})
    return sheet


# --- quotes (SR-4) ----------------------------------------------------------------------------

MAX_PLANNED = 20


def _planned_clean(planned) -> list[tuple]:
    """(part, quantity) pairs still to fit: active parts, each once, quantities in the part's
    unit; ValidationError naming ``planned``."""
    cleaned, seen = [], set()
    for part, quantity in planned or ():
        if part is None or not part.active:
            raise ValidationError({"planned": [_("Enter the number of an active part.")]})
        if part.pk in seen:
            raise ValidationError({"planned": [_("%(code)s is on the quote twice.")
                                               % {"code": part.code}]})
        seen.add(part.pk)
        try:
            cleaned.append((part, quantity_clean(part, quantity, field="planned")))
        except ValidationError as exc:
            raise ValidationError({"planned": [f"{part.code}: {m}" for m in exc.messages]}) \
                from None
    if len(cleaned) > MAX_PLANNED:
        raise ValidationError({"planned": [_("At most %(n)d parts to fit on one quote.")
                                           % {"n": MAX_PLANNED}]})
    return cleaned


def _planned_labour_clean(planned_labour) -> list[tuple]:
    """(what for, hours) pairs of labour still to do; ValidationError naming ``planned``."""
    cleaned = []
    for what, hours in planned_labour or ():
        what = (what or "").strip()[:150]
        if not what:
            raise ValidationError({"planned": [_("Say what the extra labour is for.")]})
        try:
            cleaned.append((what, _hours(hours, "planned")))
        except ValidationError as exc:
            raise ValidationError({"planned": [f"{what}: {m}" for m in exc.messages]}) from None
    return cleaned


def quote_make(*, actor, request: ServiceRequest, planned=(), planned_labour=()) -> Quote:
    """A quote from the job's preview, with ``planned`` (part, quantity) pairs still to fit
    priced as they would be fitted today and ``planned_labour`` (what for, hours) still to do
    at today's hourly rate (SR-4: the customer agrees before the work); an open quote before
    it is superseded."""
    _own_job(actor, request)
    if request.status in {Status.COMPLETED, Status.CLOSED, Status.CANCELLED}:
        raise IllegalTransition(_("A quote is made only for work still to be done."))
    preview = charge_sheet_preview(request, planned=_planned_clean(planned),
                                   planned_labour=_planned_labour_clean(planned_labour))
    if not preview.lines:
        raise ValidationError(_("There is nothing to quote yet: no fee, part or expense."))
    with transaction.atomic():
        ServiceRequest.objects.select_for_update().filter(pk=request.pk).first()
        Quote.objects.filter(request=request, state=QuoteState.OPEN).update(
            state=QuoteState.SUPERSEDED, updated_at=timezone.now())
        quote = Quote.objects.create(request=request, total=preview.total, created_by=actor,
                                     number=next_number("quote", QUOTE_PREFIX))
        QuoteLine.objects.bulk_create([
            QuoteLine(quote=quote, position=line.position, kind=line.kind,
                      description=line.description, quantity=line.quantity,
                      unit_price=line.unit_price, value=line.value, amount=line.amount,
                      part=line.part, free=line.free, free_reason=line.free_reason)
            for line in preview.lines])
        event_append(subject=quote, action="make", actor=actor, to_state=quote.state,
                     note=f"¥{quote.total}", data={"request": request.number})
    return quote


def _decide_check(actor, quote: Quote, via: str) -> None:
    request = quote.request
    role = getattr(actor, "role", None)
    if via == AgreedVia.PORTAL:
        if role != Role.CUSTOMER or request.customer.user_id != actor.pk:
            raise PermissionDenied()
    elif via == AgreedVia.SIGNATURE:
        _own_job(actor, request)
    elif via == AgreedVia.PHONE:
        if not (actor.is_superuser or role in DESK):
            raise PermissionDenied()
        _own_job(actor, request)
    else:
        raise ValidationError({"via": [_("Choose how the customer answered.")]})


def _signature_check(via, signer_name, signature) -> dict:
    errors = {}
    if via == AgreedVia.SIGNATURE:
        if not (signer_name or "").strip():
            errors["signer_name"] = [_("Enter the name of the person who signs.")]
        if not (signature or "").startswith("data:image/png;base64,") or len(signature) < 100:
            errors["signature"] = [_("The customer's signature is missing.")]
        elif len(signature) > MAX_SIGNATURE_BYTES:
            errors["signature"] = [_("The signature image is too large.")]
    elif via == AgreedVia.PHONE and not (signer_name or "").strip():
        errors["signer_name"] = [_("Enter the name of the person who agreed on the phone.")]
    return errors


def _decide(*, actor, quote: Quote, via: str, state: str, signer_name: str, signature: str,
            note: str) -> Quote:
    _decide_check(actor, quote, via)
    errors = _signature_check(via, signer_name, signature) if state == QuoteState.AGREED else {}
    if state == QuoteState.DECLINED and via == AgreedVia.PHONE and not (note or "").strip():
        errors["note"] = [_("Give the customer's reason.")]
    if errors:
        raise ValidationError(errors)
    if via == AgreedVia.PORTAL and not signer_name:
        signer_name = quote.request.customer.name
    with transaction.atomic():
        locked = Quote.objects.select_for_update().select_related("request").get(pk=quote.pk)
        if locked.state != QuoteState.OPEN:
            raise ConflictError(_("This quote was already answered or replaced."))
        before = locked.state
        locked.state, locked.decided_via, locked.decided_at = state, via, timezone.now()
        locked.decided_by = actor
        locked.signer_name = (signer_name or "").strip()[:100]
        locked.signature = signature if via == AgreedVia.SIGNATURE else ""
        locked.note = (note or "").strip()
        locked.version += 1
        locked.save(update_fields=["state", "decided_via", "decided_at", "decided_by",
                                   "signer_name", "signature", "note", "version", "updated_at"])
        event_append(subject=locked, action="agree" if state == QuoteState.AGREED else "decline",
                     actor=actor, from_state=before, to_state=state, note=locked.note,
                     data={"via": via, "signer": locked.signer_name})
        request = locked.request
        if request.status == Status.AWAITING_AGREEMENT:
            # the service's own transition: agree → registered; decline → cancelled
            if state == QuoteState.AGREED:
                request_services.service_request_agree(actor=actor, request=request,
                                                       note=locked.number)
            else:
                request_services.service_request_decline(actor=actor, request=request,
                                                         note=locked.note or locked.number)
    return locked


def quote_agree(*, actor, quote: Quote, via: str, signer_name: str = "", signature: str = "",
                note: str = "") -> Quote:
    """The customer agrees: signed on the phone, in the portal, or told the agent (SR-4)."""
    return _decide(actor=actor, quote=quote, via=via, state=QuoteState.AGREED,
                   signer_name=signer_name, signature=signature, note=note)


def quote_decline(*, actor, quote: Quote, via: str, note: str = "", signer_name: str = "") -> Quote:
    """The customer refuses; a request still awaiting agreement follows its decline path."""
    return _decide(actor=actor, quote=quote, via=via, state=QuoteState.DECLINED,
                   signer_name=signer_name, signature="", note=note)


# --- payments (WK-2) --------------------------------------------------------------------------

def _handover_open(technician, day) -> Handover:
    """The technician's open hand-over of ``day``, made once even under concurrency, locked."""
    Handover.objects.bulk_create([Handover(technician=technician, day=day)],
                                 ignore_conflicts=True)
    return Handover.objects.select_for_update().get(technician=technician, day=day,
                                                    state=HandoverState.OPEN)


def _same(payment: Payment, *, sheet, amount, method, drawn_from=None) -> bool:
    return (payment.sheet_id == sheet.pk and payment.amount == amount
            and payment.method == method
            and payment.drawn_from_id == getattr(drawn_from, "pk", None))


def _payment_input(actor, amount, method: str, idempotency_key: str) -> tuple[str, Decimal]:
    """A payment's key and amount, checked; ValidationError naming the field, PermissionDenied
    for whoever takes no money."""
    key = (idempotency_key or "").strip()
    errors = {}
    if not key or len(key) > 100:
        errors["idempotency_key"] = [_("An idempotency key (1–100 characters) is required.")]
    if method not in Method.values or method == Method.ACCOUNT:
        errors["method"] = [_("Choose cash, QR payment, transfer or card.")]
    if errors:
        raise ValidationError(errors)
    amount = _amount(amount, "amount")
    if not (actor.is_superuser or getattr(actor, "role", None) in TAKERS):
        raise PermissionDenied()
    return key, amount


def _key_reused() -> ValidationError:
    return ValidationError({"idempotency_key": [
        _("This key was already used for a different payment.")]})


def payment_record(*, actor, sheet: ChargeSheet, amount, method: str, idempotency_key: str,
                   reference: str = "", drawn_from: Payment | None = None,
                   ) -> tuple[Payment, bool]:
    """Record money taken for an issued sheet, once per idempotency key: a repeat of the same
    key returns the first payment (created False); the same key with other figures, or an
    amount beyond what is still due, is refused. Cash and QR taken by a technician join his
    hand-over of the day. Under the sheet's lock the handlers of ``charge_sheet.paying`` may
    refuse it too (invoicing: a sheet on an invoice takes no more than the invoice has open).

    ``drawn_from``: the sheet is paid from the customer's money on account — that earlier
    payment without a sheet — by the back office; the method is then ``account``. Whether the
    payment has that much left is the caller's to check under its lock, in the same transaction
    (invoicing's ``sheet_pay_from_account``: its allocations are invoicing's)."""
    if drawn_from is not None:
        key, amount = _payment_input(actor, amount, Method.TRANSFER, idempotency_key)
        method = Method.ACCOUNT
    else:
        key, amount = _payment_input(actor, amount, method, idempotency_key)
    role = getattr(actor, "role", None)
    if drawn_from is not None and (role == Role.TECHNICIAN or not sees_all(actor)):
        raise PermissionDenied()
    if drawn_from is not None and (drawn_from.sheet_id is not None
                                   or drawn_from.customer_id != sheet.customer_id):
        raise ValidationError({"payment": [
            _("Payment %(number)s is not money on account of %(customer)s.")
            % {"number": drawn_from.number, "customer": sheet.customer}]})
    if role == Role.TECHNICIAN:
        if method not in ON_SITE_METHODS:
            raise ValidationError({"method": [_("On site a payment is cash or a QR payment.")]})
        _own_job(actor, sheet.request)
    elif not sees_all(actor):
        raise PermissionDenied()
    now = timezone.now()
    try:
        with transaction.atomic():
            # the sheet's row lock orders every payment of one sheet, so what is due holds
            locked = ChargeSheet.objects.select_for_update().get(pk=sheet.pk)
            first = Payment.objects.filter(received_by=actor, idempotency_key=key).first()
            if first is not None:
                if not _same(first, sheet=locked, amount=amount, method=method,
                             drawn_from=drawn_from):
                    raise _key_reused()
                return first, False
            paid = sum((p.amount for p in Payment.objects.filter(sheet=locked)), Decimal("0.00"))
            due = locked.total - paid
            if amount > due:
                raise ValidationError({"amount": [
                    _("Only ¥%(due)s is still due on %(sheet)s.") % {"due": max(due, 0),
                                                                      "sheet": locked.number}]})
            # what the sheet may take beyond its own payments is other apps' to say (a sheet on
            # an invoice paid against the invoice: invoicing), under this lock; a refusal
            # raises and nothing is saved
            react("charge_sheet.paying", locked, actor=actor,
                  data={"amount": amount, "method": method, "drawn_from": drawn_from})
            handover = None
            if role == Role.TECHNICIAN and method in ON_SITE_METHODS:
                handover = _handover_open(actor, centre_local_date(now, actor.service_centre))
            payment = Payment.objects.create(
                number=next_number("payment", PAYMENT_PREFIX, now), customer_id=locked.customer_id,
                sheet=locked, amount=amount, method=method, received_by=actor, received_at=now,
                idempotency_key=key, handover=handover, reference=(reference or "").strip()[:100],
                drawn_from=drawn_from)
            data = {"sheet": locked.number}
            if drawn_from is not None:
                data["drawn_from"] = drawn_from.number
            event_append(subject=payment, action="record", actor=actor,
                         note=f"¥{amount} {payment.get_method_display()}", data=data)
            return payment, True
    except IntegrityError:
        # a concurrent twin with the same key committed first (unique constraint)
        first = Payment.objects.filter(received_by=actor, idempotency_key=key).first()
        if first is None:
            raise
        if not _same(first, sheet=sheet, amount=amount, method=method, drawn_from=drawn_from):
            raise _key_reused() from None
        return first, False


def payment_record_unsheeted(*, actor, customer=None, dealer=None, amount, method: str,
                             idempotency_key: str, reference: str = "",
                             note: str = "") -> tuple[Payment, bool]:
    """Record money a customer (or a dealer) paid that is not for one job's sheet (a transfer
    for a monthly invoice, a contract's fee, a dealer's invoice), taken by the back office, once
    per idempotency key. What it pays and how much is due there is the caller's to check, under
    its own lock and in the same transaction (invoicing's ``invoice_payment_record``)."""
    if (customer is None) == (dealer is None):
        raise ValueError("a payment has one payer: a customer or a dealer")
    key, amount = _payment_input(actor, amount, method, idempotency_key)
    if not sees_all(actor) or getattr(actor, "role", None) == Role.TECHNICIAN:
        raise PermissionDenied()
    with transaction.atomic():
        first = Payment.objects.filter(received_by=actor, idempotency_key=key).first()
        if first is not None:
            if first.sheet_id is not None or first.amount != amount or first.method != method \
                    or first.customer_id != getattr(customer, "pk", None) \
                    or first.dealer_id != getattr(dealer, "pk", None):
                raise _key_reused()
            return first, False
        now = timezone.now()
        payment = Payment.objects.create(
            number=next_number("payment", PAYMENT_PREFIX, now), customer=customer,
            dealer=dealer, sheet=None,
            amount=amount, method=method, received_by=actor, received_at=now,
            idempotency_key=key, reference=(reference or "").strip()[:100])
        event_append(subject=payment, action="record", actor=actor,
                     note=f"¥{amount} {payment.get_method_display()}", data={"for": note})
        return payment, True


def payment_draw_reverse(*, actor, payment: Payment, reason: str) -> Payment:
    """Undo a sheet paid from money on account by mistake: a new payment of the opposite
    amount naming it (``reverses``), with the reason — the sheet owes it again and the money is
    back on the customer's account. Once per payment (a one-to-one); a reversal is not reversed
    (pay the sheet from the money again instead). The back office's: accountants, managers,
    administrators."""
    if not (actor.is_superuser or getattr(actor, "role", None) in ACCOUNTING):
        raise PermissionDenied()
    reason = (reason or "").strip()[:300]
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for reversing it.")]})
    with transaction.atomic():
        if payment.sheet_id is not None:
            # the sheet's row lock orders this with every other payment of the sheet
            ChargeSheet.objects.select_for_update().get(pk=payment.sheet_id)
        payment = Payment.objects.select_related("drawn_from").get(pk=payment.pk)
        if payment.method != Method.ACCOUNT or payment.reverses_id is not None:
            raise ValidationError({"payment": [
                _("Only a charge sheet paid from money on account is reversed; %(number)s is "
                  "not one.") % {"number": payment.number}]})
        if Payment.objects.filter(reverses=payment).exists():
            raise ValidationError({"payment": [_("Payment %(number)s was already reversed.")
                                               % {"number": payment.number}]})
        now = timezone.now()
        try:
            with transaction.atomic():
                reversal = Payment.objects.create(
                    number=next_number("payment", PAYMENT_PREFIX, now),
                    customer_id=payment.customer_id, sheet_id=payment.sheet_id,
                    amount=-payment.amount, method=Method.ACCOUNT, drawn_from=payment.drawn_from,
                    reverses=payment, reason=reason, received_by=actor, received_at=now,
                    idempotency_key=f"reverse:{payment.pk}")
        except IntegrityError:
            # another reversal of the same payment committed first (one-to-one)
            raise ValidationError({"payment": [_("Payment %(number)s was already reversed.")
                                               % {"number": payment.number}]}) from None
        event_append(subject=payment, action="reverse", actor=actor, at=now,
                     note=f"{reversal.number} ¥{payment.amount}: {reason}",
                     data={"reversal": reversal.number, "drawn_from": payment.drawn_from.number,
                           "reason": reason})
    return reversal


# --- hand-overs -------------------------------------------------------------------------------

def handover_confirm(*, actor, handover: Handover, counted, reason: str = "",
                     expected_version=None) -> Handover:
    """The accountant received the day's cash/QR: the counted sum equals what was taken, or the
    difference is recorded with a reason."""
    counted = Decimal(str(counted).strip()) if str(counted).strip() not in ("", "None") else None
    if counted is None or not counted.is_finite() or counted < 0 or counted != money(counted):
        raise ValidationError({"counted": [_("Enter the amount received, such as 350.00.")]})
    if not (actor.is_superuser or getattr(actor, "role", None) in ACCOUNTING):
        raise PermissionDenied()
    with transaction.atomic():
        locked = Handover.objects.select_for_update().get(pk=handover.pk)
        taken = sum((p.amount for p in locked.payments.all()), Decimal("0.00"))
        difference = counted - taken
        if difference and not (reason or "").strip():
            raise ValidationError({"reason": [
                _("¥%(taken)s was taken; give the reason for the difference of ¥%(diff)s.")
                % {"taken": taken, "diff": difference}]})
        return transition_apply(
            workflow=handover_workflow, instance=locked, name="confirm", actor=actor,
            note=(reason or "").strip(), expected_version=expected_version,
            changes={"expected": taken, "counted": counted, "difference": difference,
                     "reason": (reason or "").strip() if difference else "",
                     "confirmed_by": actor, "confirmed_at": timezone.now()},
            data={"taken": str(taken), "counted": str(counted)})


# --- policy tables (admin) --------------------------------------------------------------------

def policy_save(*, actor, instance, before: dict | None = None):
    """Save a row of a policy table (service fees, billing settings) with its change-log entry."""
    if isinstance(instance, ServiceFee) and instance.fee is not None and instance.fee < 0:
        raise ValidationError({"fee": [_("The amount must be more than 0.")]})
    with transaction.atomic():
        created = instance.pk is None
        instance.save()
        change_log(actor=actor, instance=instance, action="create" if created else "update",
                   before=before)
    return instance


def policy_delete(*, actor, instance) -> None:
    with transaction.atomic():
        change_log(actor=actor, instance=instance, action="delete", before=snapshot(instance))
        instance.delete()
