"""A request's arrival deadline (``arrive_by``) follows its arrival clock, and the clock's region
is where the product is installed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aftersales.core.calendar import calendar_for
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.dispatch import clocks
from aftersales.dispatch.choices import ClockState
from aftersales.service import services
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return Cast()


def _stored(request):
    return ServiceRequest.objects.get(pk=request.pk).arrive_by


def test_no_deadline_while_waiting_for_the_customers_agreement(cast):
    reported = timezone.now() - timedelta(hours=3)
    request = new_request(cast, product=None, reported_at=reported)  # unknown product: charged
    assert request.status == Status.AWAITING_AGREEMENT
    assert request.arrive_by is None and _stored(request) is None
    assert request.clocks.get().state == ClockState.PAUSED

    agreed = services.service_request_agree(actor=cast.agent, request=request)
    clock = agreed.clocks.get()
    assert clock.state == ClockState.RUNNING
    # the six working hours count from the agreement, not from the call three hours before
    assert _stored(request) == clock.due_at == agreed.arrive_by
    assert calendar_for(cast.centre).between(clock.resumed_at, clock.due_at) == timedelta(hours=6)
    assert clock.resumed_at > reported


def test_arrive_by_follows_a_pause_and_a_resume(cast):
    request = new_request(cast, reported_at=timezone.now() - timedelta(minutes=30))
    first = _stored(request)
    assert first == request.clocks.get().due_at
    clocks.clock_pause(actor=cast.agent, request=request, reason="客户出差，下周在家")
    assert _stored(request) is None
    clocks.clock_resume(actor=cast.agent, request=request, reason="客户回来了")
    clock = request.clocks.get()
    assert _stored(request) == clock.due_at >= first


def test_the_region_comes_from_where_the_product_is_installed(cast):
    customer = CustomerFactory(service_centre=cast.centre, region_kind="urban")
    cottage = InstalledProductFactory(customer=customer, address="崇明区乡间别墅",
                                      region_kind="suburban")
    at_home = InstalledProductFactory(customer=customer)  # no region: the customer's address
    cal = calendar_for(cast.centre)
    far = new_request(cast, customer=customer, product=cottage)
    near = new_request(cast, customer=customer, product=at_home)
    assert cal.between(far.reported_at, far.arrive_by) == timedelta(hours=7)
    assert cal.between(near.reported_at, near.arrive_by) == timedelta(hours=6)
    assert far.clocks.get().policy.region_kind == "suburban"
