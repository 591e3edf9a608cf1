"""The demo's money on account: two customers invoiced monthly paid in advance this month; the
first has his first job of the month paid from it, the second's waits for his jobs."""

from decimal import Decimal

import pytest

from aftersales.billing.models import Payment
from aftersales.billing.selectors import sheet_due
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.demo.invoicing_seed import _deposits
from aftersales.invoicing.choices import InvoicingMode
from aftersales.invoicing.selectors import customer_on_account
from aftersales.invoicing.services import invoicing_preference_set
from aftersales.invoicing.tests.factories import accountant, sheet_make

pytestmark = pytest.mark.django_db


def test_two_deposits_one_paying_a_job(clock_at):
    clock_at(15, 0)
    books = accountant()
    monthly = [CustomerFactory(name=name) for name in ("海燕物业", "松江宾馆")]
    for customer in monthly:
        invoicing_preference_set(actor=books, customer=customer, mode=InvoicingMode.LATER)
    now_invoiced = CustomerFactory(name="张三")  # invoiced at once: no deposit for him
    first, second, third = (sheet_make(customer, "221.00")
                            for customer in (monthly[0], monthly[1], now_invoiced))
    _deposits(books, None, first.issued_at.date())
    drawn = Payment.objects.get(method="account")
    assert drawn.sheet == first and drawn.amount == Decimal("221.00")
    assert sheet_due(first) == 0 and sheet_due(second) == Decimal("221.00")
    assert customer_on_account(monthly[0]) == Decimal("779.00")
    assert customer_on_account(monthly[1]) == Decimal("1000.00")
    assert customer_on_account(now_invoiced) == 0 and sheet_due(third) == Decimal("221.00")
