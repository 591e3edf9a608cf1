"""Payments split over invoices and money on account under concurrent cashiers (real threads
with their own connections, on SQLite and PostgreSQL): the invoices' rows (by id) and then the
payment's row are locked in that one order, so money is never applied twice, an invoice is never
paid beyond what it has outstanding, and two cashiers taking the invoices in opposite orders
never deadlock."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from aftersales.billing.models import Payment
from aftersales.core.tests.concurrency import at_once, ok
from aftersales.customers.tests.factories import CustomerFactory

from ..models import Invoice, InvoicePayment
from ..selectors import customer_on_account, invoice_balances
from ..services import (
    allocation_reverse,
    customer_payment_record,
    invoice_payment_record,
    payment_apply,
)
from .factories import accountant, invoice_make

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

WORKERS = 8
OUTCOMES = {ValidationError: "refused"}


def _outstanding(invoice) -> Decimal:
    return invoice_balances(Invoice.objects.filter(pk=invoice.pk))[0].outstanding


def test_the_same_money_on_account_applied_at_once_is_applied_once():
    """¥1,000 on account; eight cashiers each apply ¥300 of it to another invoice at once:
    three go through, the payment is never over-applied."""
    actor = accountant()
    customer = CustomerFactory()
    invoices = [invoice_make(customer, "500.00") for _ in range(WORKERS)]
    deposit, _ = customer_payment_record(actor=actor, customer=customer, amount="1000.00",
                                         method="transfer", idempotency_key="deposit")
    results = at_once(ok(lambda i: payment_apply(
        actor=actor, payment=deposit, allocations=[(invoices[i], "300.00")],
        idempotency_key=f"apply-{i}")), WORKERS, outcomes=OUTCOMES)
    assert results.count("ok") == 3 and results.count("refused") == WORKERS - 3
    applied = InvoicePayment.objects.filter(payment=deposit).aggregate(s=Sum("amount"))["s"]
    assert applied == Decimal("900.00")
    assert customer_on_account(customer) == Decimal("100.00")


def test_cashiers_paying_the_same_invoices_in_opposite_orders_never_over_pay_or_deadlock():
    """Two invoices of ¥500; eight transfers of ¥225 at once, ¥100 to each invoice (¥25 on
    account), half of them listing the invoices the other way round: five are recorded, then
    the invoices are paid in full and the rest refused — never a deadlock, never a payment
    beyond an invoice."""
    actor = accountant()
    customer = CustomerFactory()
    first, second = invoice_make(customer, "500.00"), invoice_make(customer, "500.00")

    def pay(i):
        pair = [(first, "100.00"), (second, "100.00")]
        customer_payment_record(
            actor=actor, customer=customer, amount="225.00", method="transfer",
            idempotency_key=f"bank-{i}", allocations=pair if i % 2 else pair[::-1])
        return "ok"

    results = at_once(pay, WORKERS, outcomes=OUTCOMES)
    assert results.count("ok") == 5 and results.count("refused") == WORKERS - 5
    assert _outstanding(first) == _outstanding(second) == Decimal("0.00")
    assert Payment.objects.count() == 5  # the refused ones left no payment behind
    assert customer_on_account(customer) == Decimal("125.00")


def test_money_on_account_and_a_new_transfer_for_the_same_invoice_at_once():
    """An invoice of ¥1,130 with ¥800 on account: four cashiers apply ¥800 of it while four
    record a new transfer of ¥800 against the invoice itself: exactly one of the eight."""
    actor = accountant()
    customer = CustomerFactory()
    invoice = invoice_make(customer, "1130.00")
    deposit, _ = customer_payment_record(actor=actor, customer=customer, amount="800.00",
                                         method="transfer", idempotency_key="deposit")

    def pay(i):
        if i % 2:
            payment_apply(actor=actor, payment=deposit, allocations=[(invoice, "800.00")],
                          idempotency_key=f"apply-{i}")
        else:
            invoice_payment_record(actor=actor, invoice=invoice, amount="800.00",
                                   method="transfer", idempotency_key=f"bank-{i}")
        return "ok"

    results = at_once(pay, WORKERS, outcomes=OUTCOMES)
    assert results.count("ok") == 1
    assert _outstanding(invoice) == Decimal("330.00")


def test_the_same_form_sent_eight_times_at_once_records_one_payment():
    actor = accountant()
    customer = CustomerFactory()
    invoices = [invoice_make(customer, "100.00"), invoice_make(customer, "100.00")]
    results = at_once(lambda i: customer_payment_record(
        actor=actor, customer=customer, amount="250.00", method="transfer",
        idempotency_key="one-form", allocations=[(inv, "100.00") for inv in invoices])[0].pk,
        WORKERS, outcomes=OUTCOMES)
    assert len(set(results)) == 1 and "refused" not in results
    assert Payment.objects.count() == 1 and InvoicePayment.objects.count() == 2
    # a deposit without invoices, the same key eight times at once: one payment too
    deposits = at_once(lambda i: customer_payment_record(
        actor=actor, customer=customer, amount="50.00", method="cash",
        idempotency_key="one-deposit")[0].pk, WORKERS, outcomes=OUTCOMES)
    assert len(set(deposits)) == 1 and Payment.objects.count() == 2


def test_an_application_reversed_at_once_is_reversed_once():
    actor = accountant()
    customer = CustomerFactory()
    invoice = invoice_make(customer, "300.00")
    payment, _ = customer_payment_record(actor=actor, customer=customer, amount="300.00",
                                         method="transfer", idempotency_key="t",
                                         allocations=[(invoice, "300.00")])
    row = payment.invoice_allocations.get()
    results = at_once(ok(lambda i: allocation_reverse(actor=actor, allocation=row,
                                                      reason=f"记错 {i}")),
                      WORKERS, outcomes=OUTCOMES)
    assert results.count("ok") == 1
    assert InvoicePayment.objects.filter(reverses=row).count() == 1
    assert _outstanding(invoice) == Decimal("300.00")
    assert customer_on_account(customer) == Decimal("300.00")


def test_the_same_money_on_account_paying_sheets_at_once_is_never_over_drawn():
    """¥1,000 on account; eight cashiers each pay another job's ¥300 sheet from it at once:
    three go through (the payment's row lock orders them), the rest are refused."""
    from aftersales.billing.selectors import sheet_due

    from ..services import sheet_pay_from_account
    from .factories import sheet_make

    actor = accountant()
    customer = CustomerFactory()
    sheets = [sheet_make(customer, "300.00") for _ in range(WORKERS)]
    deposit, _ = customer_payment_record(actor=actor, customer=customer, amount="1000.00",
                                         method="transfer", idempotency_key="deposit")
    results = at_once(ok(lambda i: sheet_pay_from_account(
        actor=actor, payment=deposit, sheet=sheets[i], amount="300.00",
        idempotency_key=f"sheet-{i}")), WORKERS, outcomes=OUTCOMES)
    assert results.count("ok") == 3 and results.count("refused") == WORKERS - 3
    drawn = Payment.objects.filter(drawn_from=deposit).aggregate(s=Sum("amount"))["s"]
    assert drawn == Decimal("900.00") and customer_on_account(customer) == Decimal("100.00")
    assert sorted(sheet_due(s) for s in sheets) == [Decimal("0.00")] * 3 + [Decimal("300.00")] * 5


def test_several_deposits_paying_one_sheet_at_once_never_pay_it_twice():
    """One ¥500 sheet; eight deposits of ¥200 each pay it at once (each holds its own payment's
    lock, then waits on the sheet's): ¥400 is paid by two of them, the rest refused."""
    from aftersales.billing.selectors import sheet_due

    from ..services import sheet_pay_from_account
    from .factories import sheet_make

    actor = accountant()
    customer = CustomerFactory()
    sheet = sheet_make(customer, "500.00")
    deposits = [customer_payment_record(actor=actor, customer=customer, amount="200.00",
                                        method="transfer", idempotency_key=f"deposit-{i}")[0]
                for i in range(WORKERS)]
    results = at_once(ok(lambda i: sheet_pay_from_account(
        actor=actor, payment=deposits[i], sheet=sheet, amount="200.00",
        idempotency_key=f"sheet-{i}")), WORKERS, outcomes=OUTCOMES)
    assert results.count("ok") == 2 and results.count("refused") == WORKERS - 2
    assert sheet_due(sheet) == Decimal("100.00")
    assert customer_on_account(customer) == Decimal("1200.00")


def test_money_on_account_paid_back_and_applied_at_once_is_never_over_drawn():
    """¥1,000 on account; four cashiers pay ¥300 of it back while four apply ¥300 of it to
    invoices, all at once: three go through, whichever they are, the rest are refused."""
    from ..models import DepositRefund
    from ..services import deposit_refund

    actor = accountant()
    customer = CustomerFactory()
    invoices = [invoice_make(customer, "500.00") for _ in range(WORKERS)]
    deposit, _ = customer_payment_record(actor=actor, customer=customer, amount="1000.00",
                                         method="transfer", idempotency_key="deposit")

    def one(i):
        if i % 2:
            return deposit_refund(actor=actor, payment=deposit, amount="300.00", reason="退",
                                  idempotency_key=f"refund-{i}")
        return payment_apply(actor=actor, payment=deposit, allocations=[(invoices[i], "300.00")],
                             idempotency_key=f"apply-{i}")

    results = at_once(ok(one), WORKERS, outcomes=OUTCOMES)
    assert results.count("ok") == 3 and results.count("refused") == WORKERS - 3
    refunded = DepositRefund.objects.filter(payment=deposit).aggregate(s=Sum("amount"))["s"]
    applied = InvoicePayment.objects.filter(payment=deposit).aggregate(s=Sum("amount"))["s"]
    assert (refunded or 0) + (applied or 0) == Decimal("900.00")
    assert customer_on_account(customer) == Decimal("100.00")
