"""Dealer jobs: region isolation, the dealer clock from hand-over (DS-4), completion (DL-2)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from aftersales.billing.models import ChargeSheet
from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.tests.concurrency import at_once, ok
from aftersales.customers.models import Customer
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.dispatch.choices import ClockKind, ClockState
from aftersales.dispatch.models import DeadlineClock
from aftersales.feedback.models import Survey
from aftersales.parts.choices import WarehouseKind
from aftersales.parts.models import Warehouse
from aftersales.service.choices import Channel
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast, new_request

from .. import services
from ..choices import JobState
from ..models import DealerJob
from .factories import dealer_login, dealer_make, region_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    cast = Cast()
    east = region_make("PD", "浦东", "浦东新区, 川沙")
    west = region_make("MH", "闵行", "闵行区")
    d1 = dealer_make("D1", "浦东经销商", east, centre=cast.centre)
    d2 = dealer_make("D2", "闵行经销商", west, centre=cast.centre)
    east_customer = CustomerFactory(service_centre=cast.centre, address="上海市浦东新区张江路1号")
    west_customer = CustomerFactory(service_centre=cast.centre, address="上海市闵行区莘庄路2号")
    return {"cast": cast, "d1": d1, "d2": d2, "u1": dealer_login(d1, "dealer-1"),
            "u2": dealer_login(d2, "dealer-2"), "east": east_customer, "west": west_customer}


def test_a_dealer_sees_only_its_region_and_its_jobs(net):
    cast = net["cast"]
    east_job = new_request(cast, customer=net["east"])
    west_job = new_request(cast, customer=net["west"])
    services.job_hand_to_dealer(actor=cast.supervisor, job=east_job, dealer=net["d1"])
    services.job_hand_to_dealer(actor=cast.supervisor, job=west_job, dealer=net["d2"])
    Warehouse.objects.create(code="D1-S", name="浦东库", kind=WarehouseKind.DEALER, dealer=net["d1"])
    Warehouse.objects.create(code="D2-S", name="闵行库", kind=WarehouseKind.DEALER, dealer=net["d2"])
    u1 = net["u1"]
    assert set(Customer.objects.restrict(u1)) == {net["east"]}
    assert list(ServiceRequest.objects.restrict(u1)) == [east_job]
    assert [w.code for w in Warehouse.objects.restrict(u1)] == ["D1-S"]
    assert list(DealerJob.objects.restrict(u1).values_list("request", flat=True)) == [east_job.pk]
    assert set(Customer.objects.restrict(net["u2"])) == {net["west"]}


def test_hand_over_outside_the_region_is_refused(net):
    cast = net["cast"]
    job = new_request(cast, customer=net["west"])
    with pytest.raises(ValidationError) as error:
        services.job_hand_to_dealer(actor=cast.supervisor, job=job, dealer=net["d1"])
    assert "dealer" in error.value.message_dict
    assert not DealerJob.objects.exists()


def test_clock_runs_from_the_hand_over_and_the_arrival_clock_stops(net, clock_at):
    cast = net["cast"]
    clock_at(9, 0, tick=False)
    job = new_request(cast, customer=net["east"])
    assert not DeadlineClock.objects.filter(request=job, kind=ClockKind.RESOLUTION).exists()
    handed = clock_at(15, 0, tick=False)
    row = services.job_hand_to_dealer(actor=cast.supervisor, job=job, dealer=net["d1"])
    clock = DeadlineClock.objects.get(request=job, kind=ClockKind.RESOLUTION)
    assert clock.started_at == handed and clock.state == ClockState.RUNNING
    assert clock.budget_seconds == 24 * 3600
    assert row.due_at == clock.due_at
    assert DeadlineClock.objects.get(request=job, kind=ClockKind.ARRIVAL).state == ClockState.STOPPED
    job.refresh_from_db()
    assert job.arrive_by is None
    assert [e.action for e in event_list(job)][-1] == "hand_to_dealer"


def test_dealer_channel_call_keeps_its_clock_from_registration(net, clock_at):
    cast = net["cast"]
    registered = clock_at(9, 0, tick=False)
    job = new_request(cast, customer=net["east"], channel=Channel.DEALER)
    clock_at(10, 0, tick=False)
    services.job_hand_to_dealer(actor=cast.supervisor, job=job, dealer=net["d1"])
    clock = DeadlineClock.objects.get(request=job, kind=ClockKind.RESOLUTION)
    assert clock.started_at == registered


def test_dealer_completes_and_the_clock_is_met(net, clock_at):
    cast = net["cast"]
    clock_at(9, 0, tick=False)
    job = new_request(cast, customer=net["east"])
    row = services.job_hand_to_dealer(actor=cast.supervisor, job=job, dealer=net["d1"])
    with pytest.raises(PermissionDenied):
        services.dealer_job_accept(actor=net["u2"], job=row)
    clock_at(12, 0, tick=False)
    row = services.dealer_job_accept(actor=net["u1"], job=row)
    with pytest.raises(ValidationError):
        services.dealer_job_complete(actor=net["u1"], job=row, fault_found="", fault_cause="x",
                                     action_taken="y", confirmed_by="王")
    done = services.dealer_job_complete(actor=net["u1"], job=row, fault_found="不点火",
                                        fault_cause="点火针脏", action_taken="清洁点火针",
                                        confirmed_by="王先生", rating=4)
    assert done.state == JobState.COMPLETED and done.on_time is True
    clock = DeadlineClock.objects.get(request=job, kind=ClockKind.RESOLUTION)
    assert clock.state == ClockState.MET and not clock.breached
    # the request itself is completed with the dealer's record, and what follows a completion
    # (the survey, the charge sheet) follows it too
    job.refresh_from_db()
    assert job.status == "completed" and job.action_taken == "清洁点火针"
    assert job.completed_at is not None
    assert [e.action for e in event_list(job)][-1] == "dealer_complete"
    assert Survey.objects.filter(request=job).exists()
    assert ChargeSheet.objects.filter(request=job).exists()


def test_late_completion_counts_as_missed(net, clock_at):
    cast = net["cast"]
    clock_at(9, 0, tick=False)
    job = new_request(cast, customer=net["east"])
    row = services.job_hand_to_dealer(actor=cast.supervisor, job=job, dealer=net["d1"])
    clock_at(9, 0, day=row.handed_at.date() + timedelta(days=3), tick=False)
    done = services.dealer_job_complete(actor=net["u1"], job=row, fault_found="a", fault_cause="b",
                                        action_taken="c", confirmed_by="d")
    assert done.on_time is False
    assert DeadlineClock.objects.get(request=job, kind=ClockKind.RESOLUTION).breached


def test_withdraw_and_hand_to_another_dealer_restarts_the_clock(net, clock_at):
    cast = net["cast"]
    net["d2"].regions.add(*net["d1"].regions.all())
    clock_at(9, 0, tick=False)
    job = new_request(cast, customer=net["east"])
    row = services.job_hand_to_dealer(actor=cast.supervisor, job=job, dealer=net["d1"])
    with pytest.raises(ValidationError):
        services.job_hand_to_dealer(actor=cast.supervisor, job=job, dealer=net["d2"])
    services.dealer_job_withdraw(actor=cast.supervisor, job=row, note="经销商来不了")
    later = clock_at(11, 0, tick=False)
    services.job_hand_to_dealer(actor=cast.supervisor, job=job, dealer=net["d2"])
    clock = DeadlineClock.objects.get(request=job, kind=ClockKind.RESOLUTION)
    assert clock.started_at == later and clock.state == ClockState.RUNNING
    assert list(ServiceRequest.objects.restrict(net["u1"])) == []
    assert list(ServiceRequest.objects.restrict(net["u2"])) == [job]


def test_a_suspended_dealer_gets_no_jobs(net):
    cast = net["cast"]
    services.dealer_state_set(actor=cast.manager, dealer=net["d1"], state="suspended", note="整顿")
    job = new_request(cast, customer=net["east"])
    net["d1"].refresh_from_db()
    with pytest.raises(ValidationError):
        services.job_hand_to_dealer(actor=cast.supervisor, job=job, dealer=net["d1"])


def test_only_hq_hands_over(net):
    job = new_request(net["cast"], customer=net["east"])
    for actor in (net["cast"].agent, net["u1"], net["cast"].technician):
        with pytest.raises(PermissionDenied):
            services.job_hand_to_dealer(actor=actor, job=job, dealer=net["d1"])
    assert not DealerJob.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_hand_overs_at_once_give_the_job_to_one_dealer():


    cast = Cast()
    region = region_make("PD", "浦东", "浦东新区")
    dealers = [dealer_make(f"D{i}", f"经销商{i}", region, centre=cast.centre) for i in range(4)]
    job = new_request(cast, customer=CustomerFactory(address="上海市浦东新区张江路1号"))
    results = at_once(ok(lambda i: services.job_hand_to_dealer(
        actor=cast.supervisor, job=job, dealer=dealers[i])), len(dealers))
    assert results.count("ok") == 1 and results.count("refused") == len(dealers) - 1
    assert DealerJob.objects.filter(request=job).count() == 1
    assert DeadlineClock.objects.filter(request=job, kind=ClockKind.RESOLUTION).count() == 1
