"""Invoicing under concurrent writers (real threads with their own connections, on SQLite and
PostgreSQL): credits never exceed their invoice, a month's batch run twice at once invoices
each job once, invoice numbers stay gap-free with failed invoices among them (BL-1, BL-4), a
contract's fee is invoiced once, payments never exceed what an invoice has outstanding, and
accountants replacing a payment schedule at once never leave two current schedules."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.billing.models import Payment
from aftersales.core.dates import local_today
from aftersales.core.exceptions import ConflictError
from aftersales.core.tests.concurrency import at_once
from aftersales.customers.services import contract_create
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.invoicing.models import (
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoicePayment,
    PaymentSchedule,
)
from aftersales.invoicing.services import (
    contract_invoice_issue,
    credit_note_issue,
    invoice_issue,
    invoice_payment_record,
    invoices_issue_for_period,
    invoicing_preference_set,
    payment_schedule_set,
    payment_schedule_split,
)
from aftersales.invoicing.tests.factories import accountant, invoice_make, sheet_make
from aftersales.service.tests.factories import Cast

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

WORKERS = 8
SH = ZoneInfo("Asia/Shanghai")


OUTCOMES = {ValidationError: "refused", ConflictError: "conflict"}


def _race(fn, count=WORKERS):
    return at_once(fn, count, outcomes=OUTCOMES)


def test_concurrent_credits_never_exceed_the_invoice():
    actor = accountant()
    customer = CustomerFactory()
    invoice = invoice_make(customer, "100.00")
    results = _race(lambda i: credit_note_issue(actor=actor, customer=customer, amount="30",
                                                reason=f"折让{i}", invoice=invoice))
    assert results.count("refused") == WORKERS - 3
    assert CreditNote.objects.filter(invoice=invoice).count() == 3
    assert CreditNote.objects.aggregate(s=Sum("amount"))["s"] == Decimal("90.00")
    serials = sorted(int(n[-4:]) for n in CreditNote.objects.values_list("number", flat=True))
    assert serials == [1, 2, 3]  # the refused ones took no number


def test_a_month_batch_run_twice_at_once_invoices_each_job_once():
    cast = Cast()
    actor = accountant()
    customers = [CustomerFactory(service_centre=cast.centre) for _ in range(4)]
    sheets = []
    for customer in customers:
        invoicing_preference_set(actor=actor, customer=customer, mode="later")
        for day in (3, 17):
            sheets.append(sheet_make(customer, "45.50",
                                     at=datetime(2026, 11, day, 9, tzinfo=SH), cast=cast))
    results = _race(lambda i: invoices_issue_for_period(actor=actor, period="2611"), 4)
    assert sum(len(r) for r in results) == len(customers)
    assert Invoice.objects.count() == len(customers)
    assert InvoiceLine.objects.count() == len(sheets)
    assert set(InvoiceLine.objects.values_list("sheet", flat=True)) == {s.pk for s in sheets}
    assert all(i.total == Decimal("91.00") for i in Invoice.objects.all())


def test_invoice_numbers_stay_gap_free_with_rolled_back_invoices_among_them():
    cast = Cast()
    actor = accountant()
    customer = CustomerFactory(service_centre=cast.centre)
    sheets = [sheet_make(customer, "10", cast=cast) for _ in range(WORKERS * 3)]

    def worker(index):
        made = []
        for n in range(3):
            sheet = sheets[index * 3 + n]
            if n == 1:  # the caller's transaction fails after the invoice took its number
                try:
                    with transaction.atomic():
                        invoice_issue(actor=actor, customer=customer, sheet_ids=[sheet.pk])
                        raise RuntimeError("rolled back")
                except RuntimeError:
                    continue
            made.append(invoice_issue(actor=actor, customer=customer,
                                      sheet_ids=[sheet.pk]).number)
        return made

    numbers = [n for chunk in _race(worker) for n in chunk]
    assert len(numbers) == WORKERS * 2 == len(set(numbers))
    assert sorted(int(n[-4:]) for n in numbers) == list(range(1, WORKERS * 2 + 1))
    assert Invoice.objects.count() == WORKERS * 2


def _contract_of(customer, fee="1130.00"):
    manager = UserFactory(role=Role.MANAGER, service_centre=None)
    return contract_create(actor=manager, customer=customer,
                           products=[InstalledProductFactory(customer=customer)],
                           starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31),
                           fee=Decimal(fee))


def test_a_contract_fee_invoiced_by_four_at_once_is_invoiced_once():
    actor = accountant()
    customer = CustomerFactory()
    invoicing_preference_set(actor=actor, customer=customer, mode="later")
    contract = _contract_of(customer)
    results = _race(lambda i: contract_invoice_issue(actor=actor, contract=contract), 4)
    assert sum(isinstance(r, Invoice) for r in results) == 1
    assert results.count("refused") == 3
    assert InvoiceLine.objects.filter(contract=contract).count() == 1
    assert [int(n[-4:]) for n in Invoice.objects.values_list("number", flat=True)] == [1]


def test_concurrent_payments_never_exceed_what_the_invoice_has_outstanding():
    actor = accountant()
    customer = CustomerFactory()
    contract = _contract_of(customer)  # invoiced at signing: ¥1130
    invoice = Invoice.objects.get(lines__contract=contract)
    results = _race(lambda i: invoice_payment_record(
        actor=actor, invoice=invoice, amount="300.00", method="transfer",
        idempotency_key=f"bank-{i}"))
    assert results.count("refused") == WORKERS - 3
    assert InvoicePayment.objects.filter(invoice=invoice).count() == 3
    assert Payment.objects.aggregate(s=Sum("amount"))["s"] == Decimal("900.00")
    serials = sorted(int(n[-4:]) for n in Payment.objects.values_list("number", flat=True))
    assert serials == [1, 2, 3]  # the refused ones gave their receipt numbers back


def _two_halves(index):
    """Two instalments of ¥565 from today on (each worker's first on another day)."""
    today = local_today()
    return [(today + timedelta(days=index), "565.00"), (today + timedelta(days=180), "565.00")]


def test_accountants_replacing_a_schedule_at_once_leave_one_current():
    """Eight accountants replace the quarterly schedule they all saw (version 1) at once: one
    replacement goes through, the others are told it changed meanwhile; and eight replacing
    whatever is current queue on the invoice's row: eight versions, one current."""
    actor = accountant()
    invoice = Invoice.objects.get(lines__contract=_contract_of(CustomerFactory()))  # ¥1130
    payment_schedule_split(actor=actor, invoice=invoice, count=4, first_due_on=local_today(),
                           every_months=3)
    results = _race(lambda i: payment_schedule_set(
        actor=actor, invoice=invoice, instalments=_two_halves(i), replaces=1,
        reason=f"改为半年付 {i}"))
    assert results.count("conflict") == WORKERS - 1
    assert PaymentSchedule.objects.filter(invoice=invoice).count() == 2
    assert PaymentSchedule.objects.current().get(invoice=invoice).revision == 2

    results = _race(lambda i: payment_schedule_set(
        actor=actor, invoice=invoice, instalments=_two_halves(i), reason=f"再改 {i}"))
    assert all(isinstance(r, PaymentSchedule) for r in results)
    assert sorted(r.revision for r in results) == list(range(3, WORKERS + 3))
    assert PaymentSchedule.objects.current().filter(invoice=invoice).count() == 1
    assert PaymentSchedule.objects.current().get(invoice=invoice).revision == WORKERS + 2
