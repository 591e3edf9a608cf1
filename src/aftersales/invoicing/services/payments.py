"""Money received against an invoice as a whole (BL-1 "later", a contract's fee): billing's
payment without a charge sheet, and the row that says which invoice it pays."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.billing.services import payment_record_unsheeted
from aftersales.core.events import event_append

from ..models import Invoice, InvoicePayment
from ..selectors import invoice_balances


def invoice_payment_record(*, actor, invoice, amount, method: str, idempotency_key: str,
                           reference: str = "") -> tuple[InvoicePayment, bool]:
    """Record what the customer paid against ``invoice`` — never more than it has outstanding
    (its total less what was paid through its charge sheets or against it, and credited): the
    invoice's row is locked while that is checked, so two payments at once cannot both take
    the last of it. Once per idempotency key: a repeat returns the first (created False)."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        payment, created = payment_record_unsheeted(
            actor=actor, customer=invoice.customer, amount=amount, method=method,
            idempotency_key=idempotency_key, reference=reference, note=invoice.number)
        if not created:
            allocation = InvoicePayment.objects.filter(payment=payment).first()
            if allocation is None or allocation.invoice_id != invoice.pk:
                raise ValidationError({"idempotency_key": [
                    _("This key was already used for a different payment.")]})
            return allocation, False
        outstanding = invoice_balances(Invoice.objects.filter(pk=invoice.pk))[0].outstanding
        if payment.amount > outstanding:
            raise ValidationError({"amount": [
                _("Only ¥%(due)s is outstanding on invoice %(number)s.")
                % {"due": max(outstanding, 0), "number": invoice.number}]})
        allocation = InvoicePayment.objects.create(payment=payment, invoice=invoice)
        event_append(subject=invoice, action="payment", actor=actor, note=payment.number,
                     data={"payment": payment.number, "amount": str(payment.amount),
                           "method": payment.method})
    return allocation, True
