"""Loans of parts or spare units (PT-3): lent from a place with a loan_out move, back with a
loan_back move; a reminder the day before it is due, once; an overdue list."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from aftersales.core.exceptions import IllegalTransition, PermissionDenied
from aftersales.core.models import Notification
from aftersales.core.tests.concurrency import at_once
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.dealers.models import Dealer
from aftersales.parts import services
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import Loan, LoanStatus, StockMove, Warehouse
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.selectors_loans import loans_overdue
from aftersales.parts.tests.factories import PartFactory
from aftersales.service.tests.factories import Cast

TODAY = date(2026, 12, 3)


@pytest.fixture
def store(db):
    cast = Cast()
    place = Warehouse.objects.create(code=f"S-{cast.centre.code}", name="门店仓",
                                     kind=WarehouseKind.CENTRE, service_centre=cast.centre)
    part = PartFactory(code=f"UNIT-{cast.centre.code}")
    services.stock_move(actor=cast.manager, warehouse=place, part=part, kind=MoveKind.RECEIPT,
                        quantity=2)
    return cast, place, part


def test_a_loan_takes_the_part_out_and_its_return_puts_it_back(store, clock_at):
    clock_at(10, 0, day=TODAY, tick=False)
    cast, place, part = store
    customer = CustomerFactory(service_centre=cast.centre)
    loan = services.loan_create(actor=cast.agent, warehouse=place, part=part, quantity=1,
                                customer=customer, due_on=TODAY + timedelta(days=7))
    assert loan.number.startswith("LN2612")
    assert stock_on_hand(warehouse=place, part=part) == 1
    out = StockMove.objects.get(kind=MoveKind.LOAN_OUT)
    assert (out.quantity, out.reference) == (-1, loan.number)
    back = services.loan_return(actor=cast.agent, loan=loan)
    assert back.status == LoanStatus.RETURNED and back.returned_at is not None
    assert stock_on_hand(warehouse=place, part=part) == 2
    assert StockMove.objects.get(kind=MoveKind.LOAN_BACK).quantity == 1
    with pytest.raises(IllegalTransition):
        services.loan_return(actor=cast.agent, loan=loan)
    assert stock_on_hand(warehouse=place, part=part) == 2


def test_lending_more_than_there_is_refused_and_nothing_recorded(store, clock_at):
    clock_at(10, 0, day=TODAY, tick=False)
    cast, place, part = store
    dealer = Dealer.objects.create(code="D1", name="经销商", service_centre=cast.centre)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.loan_create(actor=cast.agent, warehouse=place, part=part, quantity=3,
                             dealer=dealer, due_on=TODAY + timedelta(days=3))
    assert "Only 2" in error.value.message_dict["quantity"][0]
    assert not Loan.objects.exists()


def test_a_loan_needs_one_borrower_and_a_due_date(store, clock_at):
    clock_at(10, 0, day=TODAY, tick=False)
    cast, place, part = store
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.loan_create(actor=cast.agent, warehouse=place, part=part, quantity=1,
                             due_on=TODAY - timedelta(days=1))
    assert set(error.value.message_dict) == {"borrower", "due_on"}


def test_a_technician_may_not_lend_from_the_store(store, clock_at):
    clock_at(10, 0, day=TODAY, tick=False)
    cast, place, part = store
    with pytest.raises(PermissionDenied):
        services.loan_create(actor=cast.technician, warehouse=place, part=part, quantity=1,
                             customer=CustomerFactory(service_centre=cast.centre),
                             due_on=TODAY + timedelta(days=30))
    assert not Loan.objects.exists()


def test_reminded_the_day_before_once_and_listed_when_overdue(store, clock_at):
    clock_at(10, 0, day=TODAY, tick=False)
    cast, place, part = store
    loan = services.loan_create(actor=cast.agent, warehouse=place, part=part, quantity=1,
                                customer=CustomerFactory(service_centre=cast.centre),
                                due_on=TODAY + timedelta(days=2))
    assert services.loans_remind(today=TODAY) == 0
    assert services.loans_remind(today=TODAY + timedelta(days=1)) == 1
    assert services.loans_remind(today=TODAY + timedelta(days=1)) == 0
    assert Notification.objects.filter(user=cast.agent, text__contains=loan.number).count() == 1
    assert list(loans_overdue(Loan.objects.all(), today=TODAY + timedelta(days=2))) == []
    assert list(loans_overdue(Loan.objects.all(), today=TODAY + timedelta(days=3))) == [loan]


def test_a_loan_long_overdue_counts_as_kept_and_is_charged_once(store, clock_at, settings):
    clock_at(10, 0, day=TODAY, tick=False)
    settings.LOAN_KEPT_AFTER_DAYS = 30
    cast, place, part = store
    loan = services.loan_create(actor=cast.agent, warehouse=place, part=part, quantity=2,
                                customer=CustomerFactory(service_centre=cast.centre),
                                due_on=TODAY + timedelta(days=1))
    assert services.loans_sweep(today=TODAY + timedelta(days=31)) == 0  # 30 days late: not yet
    assert services.loans_sweep(today=TODAY + timedelta(days=32)) == 1
    assert services.loans_sweep(today=TODAY + timedelta(days=40)) == 0
    loan.refresh_from_db()
    assert (loan.status, loan.charge_amount) == (LoanStatus.KEPT, part.unit_price * 2)
    assert stock_on_hand(warehouse=place, part=part) == 0  # it left with the loan
    assert StockMove.objects.filter(kind=MoveKind.LOAN_BACK).count() == 0
    assert Notification.objects.filter(user=cast.agent, level="warning").count() == 1
    with pytest.raises(IllegalTransition):
        services.loan_return(actor=cast.agent, loan=loan)


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_reminder_or_sweep_runs_at_once_act_once(clock_at):
    clock_at(10, 0, day=TODAY, tick=False)
    cast = Cast()
    place = Warehouse.objects.create(code="S-CC", name="门店仓", kind=WarehouseKind.CENTRE,
                                     service_centre=cast.centre)
    part = PartFactory(code="UNIT-CC")
    services.stock_move(actor=cast.manager, warehouse=place, part=part, kind=MoveKind.RECEIPT,
                        quantity=4)
    customer = CustomerFactory(service_centre=cast.centre)
    for _ in range(4):
        services.loan_create(actor=cast.agent, warehouse=place, part=part, quantity=1,
                             customer=customer, due_on=TODAY + timedelta(days=1))
    assert sum(at_once(lambda _: services.loans_remind(today=TODAY), 2)) == 4
    assert Notification.objects.filter(user=cast.agent).count() == 4

    later = TODAY + timedelta(days=60)
    assert sum(at_once(lambda _: services.loans_sweep(today=later), 2)) == 4
    assert Loan.objects.filter(status=LoanStatus.KEPT).count() == 4
    assert Notification.objects.filter(user=cast.agent, level="warning").count() == 4


def test_the_daily_command_and_tasks_run_the_sweep_and_the_reminders(store, clock_at):
    from io import StringIO

    from django.core.management import call_command

    from aftersales.parts.tasks import remind_loans, sweep_return_obligations

    clock_at(10, 0, day=TODAY, tick=False)
    cast, place, part = store
    services.loan_create(actor=cast.agent, warehouse=place, part=part, quantity=1,
                         customer=CustomerFactory(service_centre=cast.centre),
                         due_on=TODAY + timedelta(days=1))
    out = StringIO()
    call_command("parts_sweep", stdout=out)
    assert "1 loan reminder" in out.getvalue()
    assert remind_loans.call() == 0 and sweep_return_obligations.call() == 0


def test_the_count_of_what_each_borrower_has(store, clock_at):
    from aftersales.parts.selectors_loans import loans_out_by_borrower

    clock_at(10, 0, day=TODAY, tick=False)
    cast, place, part = store
    services.stock_move(actor=cast.manager, warehouse=place, part=part, kind=MoveKind.RECEIPT,
                        quantity=3)
    customer = CustomerFactory(service_centre=cast.centre, name="王先生")
    dealer = Dealer.objects.create(code="D9", name="城东经销商", service_centre=cast.centre)
    due = TODAY + timedelta(days=5)
    for _ in range(2):
        services.loan_create(actor=cast.agent, warehouse=place, part=part, quantity=1,
                             customer=customer, due_on=due)
    back = services.loan_create(actor=cast.agent, warehouse=place, part=part, quantity=1,
                                customer=customer, due_on=due)
    services.loan_return(actor=cast.agent, loan=back)
    services.loan_create(actor=cast.agent, warehouse=place, part=part, quantity=2, dealer=dealer,
                         due_on=due)
    assert [(r["name"], r["dealer"], r["loans"], r["quantity"])
            for r in loans_out_by_borrower()] == [("王先生", False, 2, 2), ("城东经销商", True, 1, 2)]
