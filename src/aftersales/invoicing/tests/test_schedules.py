"""Payment schedules (an invoice's amount due in instalments): the quick split and its rounding,
the checks on what is typed, replacement that keeps the history, payments applied in due-date
order, receivables aged by overdue instalments, the list of instalments due and the worker
tick's word to the accountants."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.events import event_list
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.models import Notification, ObjectChange
from aftersales.customers import services as contracts
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory

from ..models import Instalment, InstalmentOverdueCheck, Invoice, PaymentSchedule
from ..schedules import instalments_split
from ..selectors import instalments_due, invoice_balances, invoice_plan, receivables
from ..services import (
    credit_note_issue,
    instalments_overdue_notify,
    invoice_payment_record,
    payment_schedule_set,
    payment_schedule_split,
)
from .factories import accountant, invoice_make

pytestmark = pytest.mark.django_db
D = Decimal
DAY = date(2026, 11, 16)  # the day the contract is signed and invoiced


@pytest.fixture
def books(clock_at):
    clock_at(10, 30, day=DAY)
    return accountant()


@pytest.fixture
def invoice(books):
    """A yearly maintenance contract of ¥12,000, invoiced when it is signed."""
    manager = UserFactory(username="mgr", role=Role.MANAGER, service_centre=None)
    customer = CustomerFactory(name="海燕物业")
    contract = contracts.contract_create(
        actor=manager, customer=customer, products=[InstalledProductFactory(customer=customer)],
        starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31), fee=D("12000.00"))
    return Invoice.objects.get(lines__contract=contract)


def _plan(invoice, as_of=None):
    return invoice_plan(invoice_balances(Invoice.objects.filter(pk=invoice.pk), as_of=as_of)[0])


def _pay(books, invoice, amount, key):
    invoice_payment_record(actor=books, invoice=invoice, amount=amount, method="transfer",
                           idempotency_key=key)


QUARTERS = [(date(2027, 1, 1), "3000.00"), (date(2027, 4, 1), "3000.00"),
            (date(2027, 7, 1), "3000.00"), (date(2027, 10, 1), "3000.00")]


# --- the quick split ---------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "count", "amounts"), [
    ("12000.00", 4, ["3000.00"] * 4),
    ("100.00", 3, ["33.33", "33.33", "33.34"]),
    ("200.00", 3, ["66.67", "66.67", "66.66"]),  # half-up: the last one takes the cent back
    ("1130.05", 12, ["94.17"] * 11 + ["94.18"]),
])
def test_a_split_is_equal_with_the_rounding_cent_on_the_last(amount, count, amounts):
    rows = instalments_split(amount=D(amount), count=count, first_due_on=date(2027, 1, 1),
                             every_months=1)
    assert [str(a) for _d, a in rows] == amounts
    assert sum(a for _d, a in rows) == D(amount)


def test_a_split_falls_every_n_months_from_the_first_due_date():
    rows = instalments_split(amount=D("400"), count=4, first_due_on=date(2027, 1, 31),
                             every_months=1)
    assert [d for d, _a in rows] == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31),
                                     date(2027, 4, 30)]
    rows = instalments_split(amount=D("400"), count=2, first_due_on=date(2027, 8, 31),
                             every_months=6)
    assert [d for d, _a in rows] == [date(2027, 8, 31), date(2028, 2, 29)]
    with pytest.raises(ValidationError) as err:
        instalments_split(amount=D("400"), count=25, first_due_on=DAY, every_months=2)
    assert set(err.value.message_dict) == {"count", "every_months"}


def test_an_accountant_splits_a_contract_invoice_into_four_quarters(books, invoice):
    schedule = payment_schedule_split(actor=books, invoice=invoice, count=4,
                                      first_due_on=date(2027, 1, 1), every_months=3)
    assert (schedule.revision, schedule.amount_due, schedule.made_by) == (1, D("12000.00"), books)
    assert [(i.position, i.due_on, i.amount) for i in schedule.instalments.all()] == [
        (n, day, D(amount)) for n, (day, amount) in enumerate(QUARTERS, start=1)]
    assert [e.action for e in event_list(invoice)] == ["issue", "schedule"]
    assert event_list(invoice)[1].data["instalments"][0] == ["2027-01-01", "3000.00"]
    assert ObjectChange.objects.filter(object_id=schedule.pk, action="create").exists()
    plan = _plan(invoice)
    assert [s.state for s in plan.instalments] == ["due"] * 4
    assert plan.next_open.instalment.position == 1


# --- what is typed -----------------------------------------------------------------------------

@pytest.mark.parametrize(("rows", "says"), [
    ([(date(2027, 1, 1), "3000"), (date(2027, 4, 1), "3000")],
     "The instalments add up to ¥6000.00, not to the ¥12000.00 due on invoice"),
    ([(date(2027, 4, 1), "6000"), (date(2027, 1, 1), "6000")],
     "Instalment 2 is due on 2027-01-01, not after instalment 1 (2027-04-01)"),
    ([(date(2027, 1, 1), "6000"), (date(2027, 1, 1), "6000")],
     "Instalment 2 is due on 2027-01-01, not after instalment 1"),
    ([(date(2026, 11, 15), "6000"), (date(2027, 1, 1), "6000")],
     "Instalment 1 is due on 2026-11-15, before the invoice was issued (2026-11-16)"),
    ([(date(2027, 1, 1), "12000"), (date(2027, 4, 1), "0")],
     "Instalment 2: the amount must be above zero."),
    ([(date(2027, 1, 1), "12500"), (date(2027, 4, 1), "-500")],
     "Instalment 2: the amount must be above zero."),
    ([(date(2027, 1, 1), "twelve"), (date(2027, 4, 1), "12000")],
     "Instalment 1: enter an amount such as 3000.00."),
    ([("2027-02-30", "12000")], "Instalment 1: enter its due date as 2027-03-31."),
    ([], "Enter at least one instalment."),
    ([(date(2027, 1, 1) + timedelta(days=n), "480") for n in range(25)],
     "A schedule has at most 24 instalments; this one has 25."),
])
def test_a_bad_schedule_is_refused_naming_the_fault_and_nothing_is_saved(books, invoice, rows,
                                                                          says):
    with translation.override("en"), pytest.raises(ValidationError) as err:
        payment_schedule_set(actor=books, invoice=invoice, instalments=rows)
    assert any(says in m for m in err.value.message_dict["instalments"]), err.value
    assert not PaymentSchedule.objects.exists() and not Instalment.objects.exists()
    assert [e.action for e in event_list(invoice)] == ["issue"]


def test_the_refusal_is_in_the_user_s_language(books, invoice):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        payment_schedule_set(actor=books, invoice=invoice,
                             instalments=[(date(2027, 1, 1), "100")])
    assert "各期合计 ¥100.00" in err.value.message_dict["instalments"][0]
    assert "12000.00" in err.value.message_dict["instalments"][0]


def test_a_schedule_adds_up_to_the_total_less_credit_notes(books, invoice):
    credit_note_issue(actor=books, customer=invoice.customer, amount="400", reason="少保养一次",
                      invoice=invoice)
    schedule = payment_schedule_split(actor=books, invoice=invoice, count=4,
                                      first_due_on=date(2027, 1, 1), every_months=3)
    assert schedule.amount_due == D("11600.00")
    assert [i.amount for i in schedule.instalments.all()] == [D("2900.00")] * 4


def test_only_who_issues_invoices_makes_a_schedule(books, invoice):
    for role in (Role.AGENT, Role.SUPERVISOR, Role.TECHNICIAN):
        with pytest.raises(PermissionDenied):
            payment_schedule_set(actor=UserFactory(role=role), invoice=invoice,
                                 instalments=QUARTERS)
    assert not PaymentSchedule.objects.exists()
    manager = UserFactory(role=Role.MANAGER, service_centre=None)
    assert payment_schedule_set(actor=manager, invoice=invoice, instalments=QUARTERS).pk


# --- replacing ---------------------------------------------------------------------------------

def test_a_replacement_keeps_the_old_version_and_says_who_when_and_why(books, invoice,
                                                                       clock_at):
    first = payment_schedule_set(actor=books, invoice=invoice, instalments=QUARTERS)
    other = accountant(username="books2")
    with pytest.raises(ValidationError) as err:
        payment_schedule_set(actor=other, invoice=invoice, replaces=1,
                             instalments=[(date(2027, 1, 1), "6000"), (date(2027, 7, 1), "6000")])
    assert "reason" in err.value.message_dict
    clock_at(15, 0, day=DAY + timedelta(days=3))
    second = payment_schedule_set(
        actor=other, invoice=invoice, replaces=1, reason="客户要求改为半年付",
        instalments=[(date(2027, 1, 1), "6000"), (date(2027, 7, 1), "6000")])
    first.refresh_from_db()
    assert second.revision == 2 and first.superseded_at is not None
    assert first.superseded_at == second.made_at
    assert [i.amount for i in first.instalments.all()] == [D("3000.00")] * 4  # kept as it was
    assert list(PaymentSchedule.objects.current().filter(invoice=invoice)) == [second]
    replaced = list(event_list(invoice))[-1]
    assert (replaced.action, replaced.actor, replaced.note) == (
        "schedule_replace", other, "客户要求改为半年付")
    assert replaced.data["replaces"] == 1 and replaced.data["revision"] == 2
    assert ObjectChange.objects.filter(object_id=first.pk, action="update").get().before[
        "superseded_at"] is None
    # a page that still shows version 1: refused, nothing saved
    with pytest.raises(ConflictError):
        payment_schedule_set(actor=books, invoice=invoice, replaces=1, reason="按季度",
                             instalments=QUARTERS)
    assert PaymentSchedule.objects.count() == 2


def test_what_was_paid_stays_paid_when_the_schedule_is_replaced(books, invoice):
    payment_schedule_set(actor=books, invoice=invoice, instalments=QUARTERS)
    _pay(books, invoice, "3000.00", "q1")
    assert [s.state for s in _plan(invoice).instalments] == ["paid", "due", "due", "due"]
    payment_schedule_set(actor=books, invoice=invoice, reason="改为两期",
                         instalments=[(date(2027, 1, 1), "5000"), (date(2027, 7, 1), "7000")])
    plan = _plan(invoice)
    assert [(s.state, s.paid, s.open) for s in plan.instalments] == [
        ("partly_paid", D("3000.00"), D("2000.00")), ("due", D("0.00"), D("7000.00"))]


# --- payments applied in due order -------------------------------------------------------------

def test_payments_are_applied_to_the_instalments_in_due_order(books, invoice, clock_at):
    payment_schedule_set(actor=books, invoice=invoice, instalments=QUARTERS)
    _pay(books, invoice, "4500.00", "bank-1")
    plan = _plan(invoice)
    assert [(s.state, s.paid) for s in plan.instalments] == [
        ("paid", D("3000.00")), ("partly_paid", D("1500.00")), ("due", D("0")), ("due", D("0"))]
    assert plan.next_open.instalment.position == 2 and plan.next_open.open == D("1500.00")
    # the second quarter's day has passed, the third has not come
    clock_at(9, 0, day=date(2027, 4, 2))
    plan = _plan(invoice)
    assert [s.state for s in plan.instalments] == ["paid", "overdue", "due", "due"]
    assert (plan.overdue, plan.not_due) == (D("1500.00"), D("6000.00"))
    assert plan.instalments[1].days_overdue == 1
    # due on its own day is not overdue yet
    assert [s.state for s in _plan(invoice, as_of=date(2027, 4, 1)).instalments][1] == (
        "partly_paid")
    _pay(books, invoice, "4500.00", "bank-2")
    assert [s.state for s in _plan(invoice).instalments] == ["paid", "paid", "paid", "due"]


def test_a_credit_after_the_schedule_counts_from_the_first_instalment(books, invoice):
    payment_schedule_set(actor=books, invoice=invoice, instalments=QUARTERS)
    credit_note_issue(actor=books, customer=invoice.customer, amount="1000", reason="折让",
                      invoice=invoice)
    plan = _plan(invoice)
    assert plan.credited_since == D("1000.00")
    assert [s.open for s in plan.instalments] == [D("2000.00"), D("3000.00"), D("3000.00"),
                                                  D("3000.00")]
    balance = invoice_balances(Invoice.objects.filter(pk=invoice.pk))[0]
    assert sum(s.open for s in plan.instalments) == balance.outstanding


# --- receivables and the instalments due -------------------------------------------------------

def test_receivables_age_a_scheduled_invoice_by_its_overdue_instalments(books, clock_at):
    customer = CustomerFactory(name="海燕物业")
    clock_at(10, 0, day=date(2026, 8, 1))
    scheduled = invoice_make(customer, "12000.00")
    invoice_make(customer, "500.00")  # not scheduled
    clock_at(11, 0, day=date(2026, 8, 3))
    payment_schedule_split(actor=books, invoice=scheduled, count=4,
                           first_due_on=date(2026, 8, 1), every_months=3)
    _pay(books, scheduled, "3000.00", "q1")
    clock_at(9, 0, day=date(2026, 11, 30))
    row = receivables(Invoice.objects.all(), as_of=date(2026, 11, 30))[0]
    assert row.outstanding == D("9500.00")
    # the plain invoice, 121 days old: over 90; of the scheduled one only the instalment due
    # on 11-01 is overdue (29 days); those due in February and May are not yet due
    assert row.buckets == {"0_30": D("3000.00"), "31_60": D("0.00"), "61_90": D("0.00"),
                           "over_90": D("500.00")}
    assert row.not_due == D("6000.00")
    assert sum(row.buckets.values()) + row.not_due == row.outstanding
    # as of a day before the schedule was made, it is aged by its invoice's date as before
    before = receivables(Invoice.objects.all(), as_of=date(2026, 8, 2))[0]
    assert before.buckets["0_30"] == D("12500.00") and before.not_due == 0


def test_the_instalments_due_within_days_or_overdue(books, invoice, clock_at):
    payment_schedule_set(actor=books, invoice=invoice, instalments=QUARTERS)
    _pay(books, invoice, "1000.00", "part")
    clock_at(9, 0, day=date(2027, 3, 20))
    invoices = Invoice.objects.all()
    rows = instalments_due(invoices, within_days=10)
    assert [(r.status.instalment.position, r.status.state, r.status.open) for r in rows] == [
        (1, "overdue", D("2000.00"))]
    rows = instalments_due(invoices, within_days=15)
    assert [r.status.instalment.position for r in rows] == [1, 2]
    assert [r.status.instalment.position for r in instalments_due(invoices, within_days=0,
                                                                 overdue_only=True)] == [1]
    assert rows[0].invoice == invoice and rows[0].plan.count == 4


# --- the worker tick ---------------------------------------------------------------------------

def test_the_accountants_are_told_once_when_an_instalment_falls_overdue(books, invoice,
                                                                       clock_at):
    payment_schedule_set(actor=books, invoice=invoice, instalments=QUARTERS)
    other = accountant(username="books2")
    UserFactory(role=Role.AGENT)
    _pay(books, invoice, "3000.00", "q1")
    clock_at(9, 0, day=date(2027, 4, 1))
    assert instalments_overdue_notify() == 0  # the second is due today, not overdue
    assert not Notification.objects.exists()
    clock_at(0, 5, day=date(2027, 4, 2))
    assert instalments_overdue_notify() == 1
    notes = Notification.objects.all()
    assert {n.user for n in notes} == {books, other}
    assert all(invoice.number in n.text and "2/4" in n.text for n in notes)
    assert notes[0].link.endswith(f"/invoicing/{invoice.pk}/#schedule")
    assert instalments_overdue_notify() == 0  # once
    assert Notification.objects.count() == 2
    checks = dict(InstalmentOverdueCheck.objects.values_list("instalment__position", "notified"))
    assert checks == {1: False, 2: True}  # the paid one looked at once, nobody told
    assert list(event_list(invoice))[-1].action == "instalment_overdue"
