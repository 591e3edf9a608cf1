"""One payment over several invoices, money on account (预收款) and reversals: the allocations
ledger (docs/invoicing.md, "Payments, allocations and money on account").

A payment the back office receives is billing's payment without a charge sheet; which invoices
it pays, and how much of each, are ``InvoicePayment`` rows (allocations). What no allocation
takes stays on the customer's account until it is applied. Rows are never changed: a mistaken
application is undone by a reversing row (negative, naming it, with a reason).

Money on account may also pay a job's charge sheet that is on no invoice yet
(``sheet_pay_from_account``): billing's payment of the sheet with method ``account``, drawn from
that payment; or be paid back to the customer (``deposit_refund``).

Locking, the same in every write here and in ``invoice_payment_record``: the invoices' rows in
ascending id, then the payment's row (a sheet paid from it: then the sheet's row, which billing
takes) — so two cashiers applying the same money or paying the same invoice at once queue
instead of over-applying, and never deadlock. Money taken for a sheet locks the sheet and then,
if the sheet is on an invoice, the invoice (``sheet_payment_within_invoice``); no write here
holds an invoice and then waits for a sheet. Under the locks each invoice's outstanding amount
and the payment's unapplied amount are read again and checked.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.billing.choices import Method
from aftersales.billing.models import ChargeSheet, Payment
from aftersales.billing.services import payment_record, payment_record_unsheeted
from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.numbering import next_number

from ..models import DepositRefund, Invoice, InvoiceLine, InvoicePayment
from ..models.documents import REFUND_METHODS
from ..money import money
from ..permissions import may_issue
from ..selectors import invoice_balances, payment_unapplied

FIELD = "allocations"


def _may_allocate(actor) -> None:
    if not may_issue(actor):
        raise PermissionDenied(_("Only accountants, service managers and administrators record "
                                 "payments against invoices."))


def _refused(message: str, field: str = FIELD) -> ValidationError:
    return ValidationError({field: [message]})


def _key_reused() -> ValidationError:
    return _refused(_("This key was already used for a different payment."), "idempotency_key")


def invoices_lock(ids) -> dict[int, Invoice]:
    """The invoices' rows locked in ascending id (the one order every payment write takes)."""
    return {i.pk: i for i in Invoice.objects.select_for_update(of=("self",))
            .filter(pk__in=set(ids)).select_related("customer", "dealer").order_by("pk")}


def _rows_read(allocations) -> list[tuple[int, Decimal]]:
    """``[(invoice or its id, amount)]`` as typed → ``[(invoice id, Decimal)]``; rows without
    an amount (blank or 0 on the page) are left out; refused: no number, below zero."""
    rows, seen = [], set()
    for invoice, amount in allocations or ():
        invoice_id = getattr(invoice, "pk", invoice)
        if amount is None or str(amount).strip() in ("", "0", "0.0", "0.00"):
            continue
        try:
            value = money(amount)
        except ValidationError:
            raise _refused(_("Enter each invoice's amount as a number such as 350.00.")) from None
        if invoice_id in seen:
            raise _refused(_("An invoice is given twice."))
        seen.add(invoice_id)
        rows.append((int(invoice_id), value))
    return rows


def _allocations_check(*, payment, rows, invoices: dict[int, Invoice], left: Decimal,
                       field: str = FIELD, customer_field: str | None = None) -> None:
    """What every allocation must hold, read under the locks: an invoice of the payment's
    customer, an amount above zero and within what the invoice has outstanding; together
    within what the payment has left."""
    missing = [pk for pk, _amount in rows if pk not in invoices]
    if missing:
        raise _refused(_("There is no invoice %(id)s.") % {"id": missing[0]}, field)
    balances = {b.invoice.pk: b for b in invoice_balances(
        Invoice.objects.filter(pk__in=list(invoices)))}
    for pk, amount in rows:
        invoice = invoices[pk]
        if invoice.customer_id != payment.customer_id:
            raise _refused(_("Invoice %(number)s is not %(customer)s's.")
                           % {"number": invoice.number, "customer": payment.customer},
                           customer_field or field)
        if amount <= 0:
            raise _refused(_("Enter an amount above zero for invoice %(number)s.")
                           % {"number": invoice.number}, field)
        outstanding = balances[pk].outstanding if pk in balances else Decimal("0.00")
        if amount > outstanding:
            raise _refused(_("Only ¥%(due)s is outstanding on invoice %(number)s.")
                           % {"due": max(outstanding, 0), "number": invoice.number}, field)
    total = sum((amount for _pk, amount in rows), Decimal("0.00"))
    if total > left:
        raise _refused(_("Only ¥%(left)s of payment %(number)s is left to apply; the invoices "
                         "take ¥%(total)s.") % {"left": max(left, 0), "number": payment.number,
                                                "total": total}, field)


def _allocation_write(*, actor, payment, invoice, amount: Decimal, at, key: str = "",
                      from_account: bool = False) -> InvoicePayment:
    """One allocation row and its event on the invoice's history."""
    allocation = InvoicePayment.objects.create(
        payment=payment, invoice=invoice, amount=amount, allocated_at=at, allocated_by=actor,
        idempotency_key=key)
    data = {"payment": payment.number, "amount": str(amount), "method": payment.method}
    if from_account:
        data["from_account"] = True
    event_append(subject=invoice, action="payment", actor=actor, at=at,
                 note=f"{payment.number} ¥{amount}", data=data)
    return allocation


def _same_rows(payment, rows, key: str = "") -> bool:
    """Whether a repeat asks for what the first did (its allocations, reversals aside)."""
    made = payment.invoice_allocations.filter(reverses__isnull=True, idempotency_key=key)
    return sorted((a.invoice_id, a.amount) for a in made) == sorted(rows)


def customer_payment_record(*, actor, customer, amount, method: str, idempotency_key: str,
                            reference: str = "", allocations=()) -> tuple[Payment, bool]:
    """One payment received from ``customer`` (a bank transfer, cash at the counter), split
    over his invoices as ``allocations`` ``[(invoice, amount)]`` says — rows without an amount
    are left out; what they do not take stays on his account (all of it without allocations: a
    deposit taken before there is an invoice). One transaction: the payment, each allocation
    and an event on each invoice. Once per idempotency key: a repeat returns the first payment
    (created False); the same key with other figures is refused."""
    _may_allocate(actor)
    rows = _rows_read(allocations)
    key = (idempotency_key or "").strip()
    try:
        with transaction.atomic():
            invoices = invoices_lock(pk for pk, _amount in rows)
            payment, created = payment_record_unsheeted(
                actor=actor, customer=customer, amount=amount, method=method,
                idempotency_key=key, reference=reference,
                note=", ".join(i.number for i in invoices.values()) or _("on account"))
            if not created:
                if not _same_rows(payment, rows, payment.idempotency_key):
                    raise _key_reused()
                return payment, False
            _allocations_check(payment=payment, rows=rows, invoices=invoices,
                               left=payment.amount)
            for pk, value in rows:
                _allocation_write(actor=actor, payment=payment, invoice=invoices[pk],
                                  amount=value, at=payment.received_at,
                                  key=payment.idempotency_key)
            return payment, True
    except IntegrityError:
        # a concurrent twin with the same key committed first (billing's unique constraint)
        first = Payment.objects.filter(received_by=actor, idempotency_key=key).first()
        if first is None:
            raise
        if first.customer_id != customer.pk or first.amount != money(amount) \
                or first.method != method or not _same_rows(first, rows, first.idempotency_key):
            raise _key_reused() from None
        return first, False


def payment_apply(*, actor, payment, allocations, idempotency_key: str = "",
                  field: str = FIELD, payment_field: str | None = None,
                  ) -> tuple[list[InvoicePayment], bool]:
    """Apply money on account — what of ``payment`` no allocation takes — to the customer's
    invoices, ``[(invoice, amount)]``: never beyond what each has outstanding nor beyond what
    is left of the payment. One transaction with an event on each invoice. With an idempotency
    key a repeat returns the first rows (created False). ``field``: the input a refusal names
    (``payment_field`` for a payment of another customer than an invoice's)."""
    _may_allocate(actor)
    rows = _rows_read(allocations)
    if not rows:
        raise _refused(_("Give at least one invoice and the amount to apply to it."), field)
    key = (idempotency_key or "").strip()[:100]
    with transaction.atomic():
        invoices = invoices_lock(pk for pk, _amount in rows)
        payment = Payment.objects.select_for_update(of=("self",)).select_related("customer").get(
            pk=payment.pk)
        if payment.sheet_id is not None:
            raise _refused(_("Payment %(number)s was taken for a job's charge sheet; only money "
                             "on account is applied to invoices.") % {"number": payment.number},
                           field)
        if key:
            first = list(payment.invoice_allocations.filter(idempotency_key=key,
                                                            reverses__isnull=True))
            if first:
                if not _same_rows(payment, rows, key):
                    raise _key_reused()
                return first, False
        _allocations_check(payment=payment, rows=rows, invoices=invoices,
                           left=payment_unapplied(payment), field=field,
                           customer_field=payment_field)
        now = timezone.now()
        made = [_allocation_write(actor=actor, payment=payment, invoice=invoices[pk],
                                  amount=value, at=now, key=key, from_account=True)
                for pk, value in rows]
    return made, True


def allocation_reverse(*, actor, allocation, reason: str, payment=None) -> InvoicePayment:
    """Undo a mistaken application: a new row of the opposite amount naming it, with the
    reason; the money goes back on the customer's account and the invoice is open again by as
    much. Once per allocation; a reversal is not reversed (apply the money again instead).
    ``payment``: the payment the caller means (the API's), refused if it is not the row's."""
    _may_allocate(actor)
    if payment is not None and allocation.payment_id != payment.pk:
        raise _refused(_("This is not an application of payment %(number)s.")
                       % {"number": payment.number}, "allocation")
    reason = (reason or "").strip()[:300]
    if not reason:
        raise _refused(_("Give the reason for reversing it."), "reason")
    with transaction.atomic():
        invoice = invoices_lock([allocation.invoice_id])[allocation.invoice_id]
        payment = Payment.objects.select_for_update().get(pk=allocation.payment_id)
        allocation = InvoicePayment.objects.get(pk=allocation.pk)
        if allocation.reverses_id is not None:
            raise _refused(_("A reversal is not reversed; apply the money again instead."))
        if payment.dealer_id is not None:
            # a dealer has no money on account for the money to go back to
            raise _refused(_("Payment %(payment)s is a dealer's: it is not put on account. "
                             "Correct the invoice with a credit note.")
                           % {"payment": payment.number}, "allocation")
        if InvoicePayment.objects.filter(reverses=allocation).exists():
            raise _refused(_("Payment %(payment)s's ¥%(amount)s on invoice %(number)s was "
                             "already reversed.") % {"payment": payment.number,
                                                     "amount": allocation.amount,
                                                     "number": invoice.number})
        now = timezone.now()
        reversal = InvoicePayment.objects.create(
            payment=payment, invoice=invoice, amount=-allocation.amount, reverses=allocation,
            reason=reason, allocated_at=now, allocated_by=actor)
        event_append(subject=invoice, action="payment_reverse", actor=actor, at=now,
                     note=f"{payment.number} ¥{allocation.amount}: {reason}",
                     data={"payment": payment.number, "amount": str(allocation.amount),
                           "reason": reason})
    return reversal


def _money_on_account_required(payment) -> None:
    """Refused, naming the payment: money taken for a job's sheet, or a sheet paid from money
    on account, is no money on account."""
    if payment.sheet_id is not None or payment.method == Method.ACCOUNT:
        raise _refused(_("Payment %(number)s was taken for a job's charge sheet; it is no money "
                         "on account.") % {"number": payment.number}, "payment")


def sheet_on_invoice_refused(sheet, invoice) -> ValidationError:
    """Money on account pays an invoiced job through its invoice, never its sheet directly."""
    return _refused(_("Charge sheet %(sheet)s is on invoice %(number)s: apply the money on "
                      "account to the invoice.") % {"sheet": sheet.number,
                                                    "number": invoice.number}, "sheet")


def sheet_pay_from_account(*, actor, payment, sheet, amount,
                           idempotency_key: str) -> tuple[Payment, bool]:
    """Pay a job's charge sheet from money on account: ``amount`` of what is left of
    ``payment`` (a payment of the sheet's customer without a sheet) becomes billing's payment of
    ``sheet`` with method ``account``, drawn from it — no new money, so it joins no hand-over
    and is no money received in the month's figures. Never beyond what the sheet has due nor
    beyond what the payment has left; a sheet already on an invoice is paid through its invoice
    (``payment_apply``). One transaction; once per idempotency key: a repeat returns the first
    payment (created False), the same key with other figures is refused."""
    _may_allocate(actor)
    key = (idempotency_key or "").strip()
    with transaction.atomic():
        payment = Payment.objects.select_for_update(of=("self",)).select_related("customer").get(
            pk=payment.pk)
        sheet = ChargeSheet.objects.select_related("customer").get(pk=sheet.pk)
        first = Payment.objects.filter(received_by=actor, idempotency_key=key).first() \
            if key else None
        if first is not None:
            # billing's own check: the same sheet, amount and payment drawn from, or refused
            return payment_record(actor=actor, sheet=sheet, amount=amount, method=Method.ACCOUNT,
                                  idempotency_key=key, drawn_from=payment)
        _money_on_account_required(payment)
        if payment.customer_id != sheet.customer_id:
            raise _refused(_("Payment %(number)s is %(customer)s's money, not the charge "
                             "sheet's customer's.") % {"number": payment.number,
                                                       "customer": payment.customer}, "payment")
        line = InvoiceLine.objects.filter(sheet=sheet).select_related("invoice").first()
        if line is not None:
            raise sheet_on_invoice_refused(sheet, line.invoice)
        left = payment_unapplied(payment)
        try:
            value = money(amount)
        except ValidationError:
            value = None  # billing refuses it, naming the amount
        if value is not None and value > left:
            raise _refused(_("Only ¥%(left)s of payment %(number)s is left on account.")
                           % {"left": max(left, 0), "number": payment.number}, "amount")
        return payment_record(actor=actor, sheet=sheet, amount=amount, method=Method.ACCOUNT,
                              idempotency_key=key, drawn_from=payment)


REFUND_PREFIX = "TK"  # 退款


def deposit_refund(*, actor, payment, amount, reason: str, idempotency_key: str,
                   method: str = Method.TRANSFER, reference: str = "") -> tuple[DepositRefund, bool]:
    """Pay money on account back to the customer (退还预收款): ``amount`` of what is left of
    ``payment`` — never more — by transfer or in cash, with the reason. One transaction under
    the payment's row lock (the lock every application and sheet paid from it takes), with an
    event on the payment. Once per idempotency key: a repeat returns the first refund (created
    False); the same key with other figures is refused."""
    _may_allocate(actor)
    key = (idempotency_key or "").strip()[:100]
    reason = (reason or "").strip()[:300]
    reference = (reference or "").strip()[:100]
    errors = {}
    if not key:
        errors["idempotency_key"] = [_("An idempotency key (1–100 characters) is required.")]
    if not reason:
        errors["reason"] = [_("Give the reason for paying it back.")]
    if method not in dict(REFUND_METHODS):
        errors["method"] = [_("Pay it back by transfer or in cash.")]
    try:
        value = money(amount)
    except ValidationError:
        value = None
    if value is None or value <= 0:
        errors["amount"] = [_("Enter an amount above zero, such as 120.50.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        payment = Payment.objects.select_for_update(of=("self",)).select_related("customer").get(
            pk=payment.pk)
        first = DepositRefund.objects.filter(refunded_by=actor, idempotency_key=key).first()
        if first is not None:
            if (first.payment_id, first.amount, first.method) != (payment.pk, value, method):
                raise _key_reused()
            return first, False
        _money_on_account_required(payment)
        left = payment_unapplied(payment)
        if value > left:
            raise _refused(_("Only ¥%(left)s of payment %(number)s is left on account.")
                           % {"left": max(left, 0), "number": payment.number}, "amount")
        now = timezone.now()
        refund = DepositRefund.objects.create(
            number=next_number("deposit_refund", REFUND_PREFIX, now), payment=payment,
            amount=value, method=method, reference=reference, reason=reason, refunded_at=now,
            refunded_by=actor, idempotency_key=key)
        event_append(subject=payment, action="refund", actor=actor, at=now,
                     note=f"{refund.number} ¥{value}: {reason}",
                     data={"refund": refund.number, "amount": str(value), "method": method,
                           "reason": reason})
    return refund, True
