"""Test helpers for invoicing: documents made the way the services make them."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.numbering import next_number

from ..choices import InvoiceKind
from ..models import Invoice
from ..money import tax_split


def accountant(**kwargs):
    kwargs.setdefault("username", "accountant")
    return UserFactory(role=Role.ACCOUNTANT, service_centre=None, **kwargs)


def invoice_make(customer, total, *, actor=None, at=None) -> Invoice:
    """An issued invoice of ``total`` without charge sheets (for credit and ageing tests)."""
    total = Decimal(total)
    net, tax = tax_split(total, Decimal("13"))
    with transaction.atomic():
        return Invoice.objects.create(
            number=next_number("invoice", "IV", at), customer=customer, kind=InvoiceKind.SINGLE,
            net=net, tax_rate=Decimal("13"), tax=tax, total=total,
            issued_at=at or timezone.now(), issued_by=actor)


def sheet_make(customer, total, *, category="A", at=None, cast=None, lines=None):
    """An issued charge sheet of ``total`` for a new job of ``customer`` (made as billing
    issues one: numbered, with lines that add up to the total)."""
    from aftersales.billing.models import ChargeLine, ChargeSheet
    from aftersales.service.tests.factories import Cast, new_request

    cast = cast or Cast(customer.service_centre)
    request = new_request(cast, customer=customer)
    total = Decimal(total)
    with transaction.atomic():
        sheet = ChargeSheet.objects.create(
            request=request, customer=customer, category=category,
            number=next_number("charge_sheet", "CS", at), total=total,
            issued_at=at or timezone.now(), issued_by=cast.technician)
        for position, (kind, value, amount, free) in enumerate(
                lines or [("labour", total, total, False)], start=1):
            ChargeLine.objects.create(
                sheet=sheet, position=position, kind=kind, description=kind,
                quantity=Decimal("1"), unit_price=Decimal(value), value=Decimal(value),
                amount=Decimal(amount), free=free, free_reason="warranty" if free else "")
    return sheet


def payment_make(sheet, amount, *, at=None, by=None, method="cash"):
    """A payment against ``sheet`` as billing records one (numbered, never changed)."""
    from aftersales.billing.models import Payment

    with transaction.atomic():
        return Payment.objects.create(
            number=next_number("payment", "PM", at), customer=sheet.customer, sheet=sheet,
            amount=Decimal(amount), method=method, received_by=by or sheet.issued_by,
            received_at=at or timezone.now(), idempotency_key=next_number("test_key", "K"))
