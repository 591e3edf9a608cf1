"""Money received against an invoice as a whole (BL-1 "later", a contract's fee): billing's
payment without a charge sheet, and the allocation that says it pays this invoice in full of
its amount. A payment split over several invoices and money on account: services.allocations."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.billing.services import payment_record_unsheeted

from ..models import Invoice, InvoicePayment
from ..selectors import invoice_balances
from .allocations import _allocation_write, _key_reused, invoices_lock
from .invoices import customer_invoice_required


def invoice_payment_record(*, actor, invoice, amount, method: str, idempotency_key: str,
                           reference: str = "") -> tuple[InvoicePayment, bool]:
    """Record what the customer paid against ``invoice`` — never more than it has outstanding
    (its total less what was paid through its charge sheets or against it, and credited): the
    invoice's row is locked while that is checked, so two payments at once cannot both take
    the last of it. Once per idempotency key: a repeat returns the first (created False)."""
    customer_invoice_required(invoice)
    with transaction.atomic():
        invoice = invoices_lock([invoice.pk])[invoice.pk]
        payment, created = payment_record_unsheeted(
            actor=actor, customer=invoice.customer, amount=amount, method=method,
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
