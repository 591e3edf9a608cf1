"""Money received against an invoice as a whole (BL-1 "later", a contract's fee): billing's
payment without a charge sheet, and the allocation that says it pays this invoice in full of
its amount. A payment split over several invoices and money on account: services.allocations.
Money paid back to a dealer that a credit note against its invoice left owed (on its parts
order's ledger, or as a refund on the invoice): ``dealer_refund_record``. Money taken for a
job's charge sheet that is on an invoice is never more than the invoice has open:
``sheet_payment_within_invoice``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.billing.choices import Method
from aftersales.billing.services import payment_record_unsheeted
from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied
from aftersales.parts.models import MaterialRequest
from aftersales.parts.services import order_refund

from ..models import Invoice, InvoiceLine, InvoicePayment, InvoiceRefund
from ..models.documents import REFUND_METHODS
from ..money import money
from ..permissions import may_issue
from ..selectors import invoice_balances
from .allocations import _allocation_write, _key_reused, invoices_lock, sheet_on_invoice_refused
from .invoices import payable_invoice_required


def invoice_payment_record(*, actor, invoice, amount, method: str, idempotency_key: str,
                           reference: str = "") -> tuple[InvoicePayment, bool]:
    """Record what the customer (or the dealer) paid against ``invoice`` — never more than it
    has outstanding (its total less what was paid through its charge sheets or against it, and
    credited): the invoice's row is locked while that is checked, so two payments at once cannot
    both take the last of it. Once per idempotency key: a repeat returns the first (created False)."""
    payable_invoice_required(invoice)
    with transaction.atomic():
        invoice = invoices_lock([invoice.pk])[invoice.pk]
        payment, created = payment_record_unsheeted(
            actor=actor, customer=invoice.customer, dealer=invoice.dealer, amount=amount,
            method=method,
            idempotency_key=idempotency_key, reference=reference, note=invoice.number)
        if not created:
            allocation = (payment.invoice_allocations.filter(reverses__isnull=True)
                          .order_by("id").first())
            if allocation is None or allocation.invoice_id != invoice.pk:
                raise _key_reused()
            return allocation, False
        outstanding = invoice_balances(Invoice.objects.filter(pk=invoice.pk))[0].outstanding
        if payment.amount > outstanding:
            raise ValidationError({"amount": [
                _("Only ¥%(due)s is outstanding on invoice %(number)s.")
                % {"due": max(outstanding, 0), "number": invoice.number}]})
        allocation = _allocation_write(actor=actor, payment=payment, invoice=invoice,
                                       amount=payment.amount, at=payment.received_at,
                                       key=payment.idempotency_key)
    return allocation, True


def dealer_refund_record(*, actor, invoice, amount, reference: str = "", note: str = "",
                         owed_seen=None, method: str = Method.TRANSFER):
    """Pay the dealer back what a credit note against its invoice left it owed (the invoice's
    negative balance: it paid, and a credit took some of that off); never more than is owed
    back. ``owed_seen``: what the page showed as owed back; if it changed meanwhile (the form
    sent twice, another clerk) nothing is recorded.

    A parts order's invoice (the dealer paid for the order before it was invoiced) is paid back
    on the order's payment ledger (``parts.order_refund``), so the order and the invoice show it
    alike: the order is locked and then the invoice — the order in which receiving parts sent
    back locks them — so the two at once neither deadlock nor both pay the same money back;
    returns the order's payment row. Any other dealer invoice (parts it kept, paid through
    payments applied to it) is paid back by an :class:`InvoiceRefund` under the invoice's row
    lock; returns that row."""
    if not may_issue(actor):
        raise PermissionDenied(_("Only accountants, service managers and administrators pay "
                                 "money back to a dealer."))
    if invoice.dealer_id is None:
        raise ValidationError({"invoice": [
            _("%(number)s is a customer's invoice: money is paid back to a customer with a "
              "refund credit note.") % {"number": invoice.number}]})
    try:
        value = money(amount)
    except ValidationError as error:
        raise ValidationError({"amount": error.messages}) from None
    if value <= 0:
        raise ValidationError({"amount": [_("Enter an amount above zero, such as 120.50.")]})
    if method not in dict(REFUND_METHODS):
        raise ValidationError({"method": [_("Pay it back by transfer or in cash.")]})
    with transaction.atomic():
        order_id = (InvoiceLine.objects.filter(invoice=invoice, order__isnull=False)
                    .values_list("order", flat=True).first())
        order = (MaterialRequest.objects.select_for_update().get(pk=order_id)
                 if order_id is not None else None)
        invoice = invoices_lock([invoice.pk])[invoice.pk]
        _refund_within_owed(invoice, value, owed_seen)
        if order is None:
            refund = InvoiceRefund.objects.create(
                invoice=invoice, amount=value, method=method, reference=reference.strip()[:100],
                note=note.strip()[:300] or _("Paid back after the credit on %(number)s.")
                % {"number": invoice.number},
                refunded_at=timezone.now(), refunded_by=actor)
            event_append(subject=invoice, action="refund", actor=actor, at=refund.refunded_at,
                         note=refund.note, data={"amount": str(value), "method": method,
                                                 "reference": refund.reference})
            return refund
        payment = order_refund(
            actor=actor, material_request=order, amount=value, reference=reference,
            note=note or _("Paid back after the credit on %(number)s.") % {"number": invoice.number})
        event_append(subject=invoice, action="refund", actor=actor, note=payment.note,
                     data={"amount": str(value), "reference": payment.reference,
                           "order": order.number})
    return payment


def _refund_within_owed(invoice, value, owed_seen) -> None:
    """Refuse a refund of more than ``invoice`` (locked) owes back now, or one whose form
    showed another amount owed back than there is now."""
    owed_back = invoice_balances(Invoice.objects.filter(pk=invoice.pk))[0].owed_back
    if owed_seen not in (None, "") and money(owed_seen) != owed_back:
        raise ValidationError({"amount": [
            _("%(number)s changed meanwhile: %(owed)s is owed back to the dealer now. Look "
              "at it again before paying.") % {"number": invoice.number, "owed": owed_back}]})
    if owed_back <= 0:
        raise ValidationError({"amount": [
            _("Nothing is owed back to the dealer on %(number)s.") % {"number": invoice.number}]})
    if value > owed_back:
        raise ValidationError({"amount": [
            _("Only %(owed)s is owed back to the dealer on %(number)s; %(amount)s is more.")
            % {"owed": owed_back, "number": invoice.number, "amount": value}]})


def sheet_payment_within_invoice(*, sheet, amount, drawn_from=None) -> None:
    """Refuse money taken for a job's charge sheet (billing's ``payment_record``, under the
    sheet's lock) beyond what the sheet's invoice has open: the invoice may have been paid, in
    part or in full, against the invoice itself or from money on account, and the sheet's own
    payments do not know it. The invoice's row is locked while that is read (the sheet's, then
    the invoice's: no write here locks an invoice and then a sheet), so a payment against the
    invoice and one on site at once cannot both take its last yuan. A sheet on no invoice: its
    due, as billing counts it, is all there is. Money on account pays an invoiced sheet through
    the invoice, never the sheet directly."""
    line = InvoiceLine.objects.filter(sheet=sheet).only("invoice_id").first()
    if line is None:
        return
    if drawn_from is not None:
        # refused before the invoice is locked: a write holding the deposit takes no invoice
        raise sheet_on_invoice_refused(sheet, Invoice.objects.only("number").get(
            pk=line.invoice_id))
    invoice = invoices_lock([line.invoice_id])[line.invoice_id]
    outstanding = invoice_balances(Invoice.objects.filter(pk=invoice.pk))[0].outstanding
    if outstanding <= 0:
        raise ValidationError({"amount": [
            _("Charge sheet %(sheet)s is on invoice %(number)s, which is paid in full: take no "
              "money for this job.") % {"sheet": sheet.number, "number": invoice.number}]})
    if money(amount) > outstanding:
        raise ValidationError({"amount": [
            _("Charge sheet %(sheet)s is on invoice %(number)s, which has only ¥%(left)s "
              "outstanding: take no more than that.")
            % {"sheet": sheet.number, "number": invoice.number, "left": outstanding}]})
