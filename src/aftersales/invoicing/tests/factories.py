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
