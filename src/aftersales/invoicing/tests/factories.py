"""Test helpers for invoicing: documents made the way the services make them."""

from datetime import date
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


def autumn_of(customer, *, books, clock_at) -> dict:
    """A customer's autumn: an invoice in October; in November a job paid in part on the spot
    and then invoiced, a transfer that pays both invoices and leaves money on account, a credit
    note, money on account paying a job that is not invoiced (and taken back), some of it paid
    back; a cash job never invoiced. Read on the first of December (``clock_at``: the root
    conftest's fixture). The statement tests' history, by name."""
    from aftersales.billing.services import payment_draw_reverse

    from ..services import (
        credit_note_issue,
        customer_payment_record,
        deposit_refund,
        invoice_issue,
        sheet_pay_from_account,
    )

    clock_at(10, 0, day=date(2026, 10, 20))
    october = invoice_issue(actor=books, customer=customer,
                            sheet_ids=[sheet_make(customer, "80.00").pk])
    cash_job = sheet_make(customer, "60.00")
    payment_make(cash_job, "60.00")
    clock_at(9, 0, day=date(2026, 11, 2))
    job = sheet_make(customer, "300.00")
    on_site = payment_make(job, "100.00")
    clock_at(9, 0, day=date(2026, 11, 3))
    november = invoice_issue(actor=books, customer=customer, sheet_ids=[job.pk])
    clock_at(9, 0, day=date(2026, 11, 5))
    deposit, _ = customer_payment_record(
        actor=books, customer=customer, amount="500.00", method="transfer",
        idempotency_key=f"transfer-{customer.pk}",
        allocations=[(october, "80.00"), (november, "200.00")])
    clock_at(9, 0, day=date(2026, 11, 10))
    credit = credit_note_issue(actor=books, customer=customer, invoice=november,
                               amount=Decimal("30.00"), reason="上门迟到")
    clock_at(9, 0, day=date(2026, 11, 12))
    unbilled = sheet_make(customer, "150.00")
    drawn, _ = sheet_pay_from_account(actor=books, payment=deposit, sheet=unbilled,
                                      amount="150.00", idempotency_key=f"draw-{customer.pk}")
    clock_at(9, 0, day=date(2026, 11, 13))
    taken_back = payment_draw_reverse(actor=books, payment=drawn, reason="付错了工单")
    clock_at(9, 0, day=date(2026, 11, 16))
    refund, _ = deposit_refund(actor=books, payment=deposit, amount="50.00", reason="客户要求",
                               idempotency_key=f"refund-{customer.pk}")
    clock_at(9, 0, day=date(2026, 12, 1))
    return {"october": october, "november": november, "on_site": on_site, "deposit": deposit,
            "credit": credit, "drawn": drawn, "taken_back": taken_back, "refund": refund,
            "unbilled": unbilled, "cash_job": cash_job}
