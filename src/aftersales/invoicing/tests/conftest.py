"""Fixtures of the money tests (payments over invoices, money on account, refunds, sheets paid
within their invoice): the accountant on a fixed day, a customer, and English messages. A test
module that uses ``books`` or ``customer`` of its own keeps its own (it overrides these)."""

from datetime import date

import pytest
from django.utils import translation

from aftersales.customers.tests.factories import CustomerFactory

from .factories import accountant

BOOKS_DAY = date(2026, 11, 16)  # a Monday; the books are kept at 10:30


@pytest.fixture
def english():
    """The services' messages are read in English (the pages answer in Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def books(clock_at):
    clock_at(10, 30, day=BOOKS_DAY)
    return accountant()


@pytest.fixture
def customer():
    return CustomerFactory(name="海燕物业")


@pytest.fixture
def kept_net(db, clock_at):
    """The dealers' world with stock to fit, on the dealers' day, in Chinese: where parts are
    kept and invoiced (test_kept_invoices)."""
    from aftersales.dealers.tests.test_orders import DAY
    from aftersales.service.tests.factories import Cast

    from .test_kept_invoices import _kept_world

    clock_at(10, 0, day=DAY, tick=False)
    with translation.override("zh-hans"):
        yield _kept_world(Cast())
