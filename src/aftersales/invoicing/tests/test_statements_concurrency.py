"""A statement mailed from two places at the same moment with the same key (a double click, a
retried call; the month's run started twice), or a customer reminded to pay by two accountants
at once, is told once: real threads, SQLite and PostgreSQL — the customer's row lock decides,
and the mail or text follows the one commit."""

import pytest

from aftersales.core.tests.concurrency import at_once
from aftersales.customers.tests.factories import CustomerFactory

from ..services import payment_reminder_send, statement_send, statements_send_for_month
from ..statements import payment_reminders, statements_sent
from .conftest import BOOKS_DAY
from .factories import accountant, autumn_of, invoice_make
from .test_statements import NOVEMBER

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]
WORKERS = 6


def test_the_same_send_at_once_mails_once(clock_at, mailoutbox):
    books = accountant()
    customer = CustomerFactory(name="海燕物业", email="caiwu@haiyan.example")
    autumn_of(customer, books=books, clock_at=clock_at)
    results = at_once(lambda i: statement_send(actor=books, customer=customer,
                                               since=NOVEMBER[0], until=NOVEMBER[1],
                                               idempotency_key="double-click")[2], WORKERS)
    assert sorted(results) == [False] * (WORKERS - 1) + [True]
    assert statements_sent(customer).count() == 1 and len(mailoutbox) == 1


def test_the_months_run_started_twice_mails_each_customer_once(clock_at, mailoutbox):
    books = accountant()
    customers = [CustomerFactory(name=f"物业{i}", email=f"caiwu{i}@example.com")
                 for i in range(3)]
    for customer in customers:
        autumn_of(customer, books=books, clock_at=clock_at)
    runs = at_once(lambda i: statements_send_for_month(actor=books, period="2611"), 2)
    assert sum(len(run.sent) for run in runs) == 3  # each by one run, the other saw it sent
    assert sum(len(run.before) for run in runs) == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(c.email for c in customers)


def test_two_accountants_reminding_at_once_send_one_reminder(clock_at, sms_outbox):
    clock_at(10, 30, day=BOOKS_DAY)  # one day: a reminder is once a day
    books = accountant()
    customer = CustomerFactory(name="王建国", phone="13912345678")
    invoice_make(customer, "260.00")
    results = at_once(lambda i: payment_reminder_send(actor=books, customer=customer)[1],
                      WORKERS)
    assert sorted(results) == [False] * (WORKERS - 1) + [True]
    assert payment_reminders(customer).count() == 1 and len(sms_outbox.messages) == 1
