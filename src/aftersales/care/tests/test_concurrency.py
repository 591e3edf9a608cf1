"""Two schedulers running care's daily work at the same moment: every message is sent once and
every FB-6 visit made once (real threads with their own connections, SQLite and PostgreSQL)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from aftersales.care import services
from aftersales.care.models import CareMessage, CareVisit
from aftersales.core.tests.concurrency import at_once
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory

from .conftest import DAY, outbox

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

SCHEDULERS = 2
CUSTOMERS = 6


def test_two_schedulers_send_each_greeting_once(sms, cast, account_manager):
    for n in range(CUSTOMERS):
        customer = CustomerFactory(birthday=date(1970 + n, DAY.month, DAY.day))
        InstalledProductFactory(customer=customer, purchased_on=DAY - timedelta(days=40),
                                installed_on=DAY - timedelta(days=30))
    results = at_once(lambda _: services.care_messages_send(day=DAY), SCHEDULERS)
    assert sum(results) == 2 * CUSTOMERS  # a birthday and a check-in each, once in all
    assert CareMessage.objects.count() == 2 * CUSTOMERS
    lines = outbox(sms)
    assert len(lines) == 2 * CUSTOMERS
    assert len({(line["to"], line["text"]) for line in lines}) == 2 * CUSTOMERS
    assert at_once(lambda _: services.care_messages_send(day=DAY), SCHEDULERS) == [0, 0]
    assert len(outbox(sms)) == 2 * CUSTOMERS


def test_two_scans_make_each_installation_visit_once(cast, account_manager):
    today = date.today()
    customers = [CustomerFactory() for _ in range(CUSTOMERS)]
    for customer in customers:
        InstalledProductFactory(customer=customer, purchased_on=today - timedelta(days=6),
                                installed_on=today - timedelta(days=5))
    from aftersales.care.models import KeyAccount

    for customer in customers:  # key accounts made without the service's own scan
        KeyAccount.objects.create(customer=customer, manager=account_manager, since=today)
    results = at_once(lambda _: services.visits_after_installation_ensure(), SCHEDULERS)
    assert sum(results) == CUSTOMERS
    assert CareVisit.objects.count() == CUSTOMERS


def test_two_workers_send_a_product_notice_once_each(sms, cast):
    """A notice's task run by two workers at once (a task put back by recovery while its first
    worker still runs): each owner gets one message, the notice is finished once, counting all."""
    from aftersales.care.models import ProductNotice
    from aftersales.core.events import event_list
    from aftersales.customers.tests.factories import ProductModelFactory

    heater = ProductModelFactory(code="WH-RACE")
    for _ in range(CUSTOMERS):
        InstalledProductFactory(model=heater, purchased_on=DAY - timedelta(days=40))
    notice = services.product_notice_save(actor=cast.manager, product_model=heater,
                                          subject="升级", text="{customer}：{product} 可免费升级")
    notice = services.product_notice_send(actor=cast.manager, notice=notice)
    results = at_once(lambda _: services.product_notice_deliver(notice_id=notice.pk), SCHEDULERS)
    notice = ProductNotice.objects.get()
    assert (notice.state, notice.sent) == ("sent", CUSTOMERS)
    assert CUSTOMERS in results
    assert len(outbox(sms)) == CUSTOMERS
    assert [e.action for e in event_list(notice)].count("finish") == 1


def test_two_worker_ticks_start_a_scheduled_notice_once(sms, cast, clock_at):
    """Two workers' ticks find the same scheduled notice due at the same moment: its sending
    starts once — one "start" event, one delivery task, the owners counted once."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from aftersales.care.models import ProductNotice
    from aftersales.core.events import event_list
    from aftersales.customers.tests.factories import ProductModelFactory

    clock_at(10, 30, day=DAY)
    heater = ProductModelFactory(code="WH-TICK")
    for _ in range(CUSTOMERS):
        InstalledProductFactory(model=heater, purchased_on=DAY - timedelta(days=40))
    notices = []
    for n in range(3):
        notice = services.product_notice_save(actor=cast.manager, product_model=heater,
                                              subject=f"升级 {n}", text="{customer}：可免费升级")
        notices.append(services.product_notice_schedule(
            actor=cast.manager, notice=notice,
            scheduled_for=timezone.now() + timedelta(minutes=5 + n)))
    later = timezone.now() + timedelta(minutes=30)
    results = at_once(lambda _: services.product_notices_start_due(now=later), SCHEDULERS)
    assert sum(results) == 3  # each notice started by one of the two
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_product_notice").count() == 3
    for notice in ProductNotice.objects.all():
        assert (notice.state, notice.recipients) == ("sending", CUSTOMERS)
        assert [e.action for e in event_list(notice)].count("start") == 1
    assert at_once(lambda _: services.product_notices_start_due(now=later), SCHEDULERS) == [0, 0]


def test_two_clicks_on_send_now_send_one_message(sms, cast, clock_at):
    """A double click on the calendar's "Send now" (two requests at once): one message."""
    clock_at(10, 30, day=DAY)
    customer = CustomerFactory(birthday=date(1980, DAY.month, DAY.day))

    def click(_index):
        services.care_message_send_now(actor=cast.agent, customer=customer,
                                       occasion="birthday", key=str(DAY.year))
        return 1

    assert sorted(at_once(click, SCHEDULERS, outcomes={ValidationError: 0})) == [0, 1]
    assert CareMessage.objects.count() == 1
    assert len(outbox(sms)) == 1


def test_eight_answers_at_once_never_overfill_a_seminar(cast):
    """Eight agents noting "will come" for eight guests of a seminar with three seats at the same
    moment: three take a seat, five are told every seat is taken."""
    from django.utils import timezone

    from aftersales.care.models import SeminarGuest

    seminar = services.seminar_save(
        actor=cast.supervisor, title="座谈会", kind="forum",
        starts_at=timezone.now() + timedelta(days=3), place="会议室",
        service_centre=cast.centre, host=cast.supervisor, capacity=3, agenda="")
    services.seminar_invite(actor=cast.agent, seminar=seminar, send=False,
                            customers=[CustomerFactory() for _ in range(8)])
    guests = list(SeminarGuest.objects.filter(seminar=seminar).order_by("id"))

    def answer(index):
        services.guest_answer(actor=cast.agent, guest=guests[index], answer="confirm")
        return "seat"

    results = at_once(answer, 8, outcomes={ValidationError: "full"})
    assert sorted(results) == ["full"] * 5 + ["seat"] * 3
    assert SeminarGuest.objects.filter(seminar=seminar, status="confirmed").count() == 3
