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
