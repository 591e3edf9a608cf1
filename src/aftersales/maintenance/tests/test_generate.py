"""Due maintenance visits (PM-1): generated ahead, once per product and due date, numbered with
the requests' counter, on both databases; meter plans; overdue; completion and certificate."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from aftersales.core.events import event_list
from aftersales.core.tests.concurrency import at_once
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.maintenance.choices import Basis, MeterUnit, VisitState
from aftersales.maintenance.models import MaintenanceVisit
from aftersales.maintenance.selectors import visit_list
from aftersales.maintenance.services import maintenance_visits_generate, meter_reading_add
from aftersales.service import services
from aftersales.service.choices import Category, Kind, Status
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast, drive

from .factories import PlanFactory

DEC = date(2026, 12, 1)


def _product(cast, plan, installed_on, **kwargs):
    customer = CustomerFactory(service_centre=cast.centre)
    return InstalledProductFactory(customer=customer, model=plan.product_model,
                                   purchased_on=installed_on or date(2026, 10, 1),
                                   installed_on=installed_on, **kwargs)


@pytest.mark.django_db
def test_next_months_visits_are_generated_once_with_numbers_and_events(clock_at):
    clock_at(10, 0, day=date(2026, 11, 20))
    cast = Cast()
    plan = PlanFactory(interval_months=6)
    yearly = PlanFactory(product_model=plan.product_model, interval_months=12, name="二级保养")
    due = _product(cast, plan, date(2026, 6, 15))            # 6 months → 2026-12-15
    clamped = _product(cast, plan, date(2025, 12, 31))       # 12 months → 2026-12-31 (both plans)
    short = _product(cast, plan, date(2026, 5, 31))          # 7 months: not due
    _product(cast, plan, None)                                # not installed: nothing
    other = InstalledProductFactory(purchased_on=date(2026, 6, 1),  # model without a plan
                                    installed_on=date(2026, 6, 15))

    created = maintenance_visits_generate(month=DEC)
    assert created == 2
    visits = {v.installed_product_id: v for v in MaintenanceVisit.objects.select_related("request")}
    assert set(visits) == {due.pk, clamped.pk}
    assert visits[due.pk].due_on == date(2026, 12, 15)
    assert visits[clamped.pk].due_on == date(2026, 12, 31)
    assert visits[clamped.pk].plan == yearly  # the bigger level when two fall due together
    assert short.pk not in visits and other.pk not in visits
    for visit in visits.values():
        sr = visit.request
        assert sr.kind == Kind.MAINTENANCE and sr.status == Status.REGISTERED
        assert sr.number.startswith("SR2611") and len(sr.number) == 10
        assert sr.customer_id == visit.installed_product.customer_id
        assert sr.service_centre == cast.centre
        assert [e.action for e in event_list(sr)] == ["register"]
    # in warranty on the due date: free (C); after it: the model's fee (A)
    assert visits[due.pk].request.category == Category.C and not visits[due.pk].request.chargeable
    assert visits[clamped.pk].request.category == Category.A
    assert visits[clamped.pk].request.estimated_charge == plan.product_model.service_fee

    # numbers continue gap-free with calls registered one by one
    call = services.service_request_create(actor=cast.agent, customer=due.customer,
                                           installed_product=due, description="不点火")
    serials = sorted(int(n[6:]) for n in ServiceRequest.objects.values_list("number", flat=True))
    assert serials == [1, 2, 3] and call.number.endswith("0003")

    assert maintenance_visits_generate(month=DEC) == 0  # idempotent
    assert ServiceRequest.objects.filter(kind=Kind.MAINTENANCE).count() == 2


@pytest.mark.django_db
def test_overdue_state_and_completion_records_the_visit(clock_at):
    clock_at(10, 0, day=date(2026, 11, 20))
    cast = Cast()
    plan = PlanFactory(interval_months=1)
    product = _product(cast, plan, date(2026, 9, 10))
    maintenance_visits_generate(month=date(2026, 11, 1))   # due 2026-11-10: already passed
    maintenance_visits_generate(month=DEC)                 # due 2026-12-10
    states = {v.due_on: v.state for v in visit_list(user=cast.manager)}
    assert states == {date(2026, 11, 10): VisitState.OVERDUE, date(2026, 12, 10): VisitState.DUE}
    visit = MaintenanceVisit.objects.get(installed_product=product, due_on=date(2026, 11, 10))
    drive(visit.request, cast, Status.COMPLETED)
    visit.refresh_from_db()
    assert visit.done_on == date(2026, 11, 20)
    assert [v.state for v in visit_list(user=cast.manager, state=VisitState.OVERDUE)] == []
    assert len(visit_list(user=cast.manager, state=VisitState.DONE)) == 1
    # the technician sees his own visits only
    assert list(visit_list(user=Cast().technician)) == []


@pytest.mark.django_db
def test_meter_plan_generates_a_visit_when_the_reading_nears_the_mark(clock_at):
    clock_at(10, 0, day=date(2026, 11, 20))
    cast = Cast()
    plan = PlanFactory(basis=Basis.METER, interval_months=None, interval_meter=500,
                       meter_unit=MeterUnit.HOURS, lead_meter=50)
    product = _product(cast, plan, date(2026, 1, 5))
    meter_reading_add(actor=cast.agent, product=product, value=300, read_on=date(2026, 10, 21))
    assert not MaintenanceVisit.objects.exists()
    meter_reading_add(actor=cast.agent, product=product, value=460, read_on=date(2026, 11, 20))
    visit = MaintenanceVisit.objects.get()
    assert visit.due_meter == 500 and visit.request.kind == Kind.MAINTENANCE
    # 160 hours in 30 days: 40 more take about 8 days
    assert visit.due_on == date(2026, 11, 28)
    meter_reading_add(actor=cast.agent, product=product, value=480, read_on=date(2026, 11, 20))
    assert MaintenanceVisit.objects.count() == 1
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        meter_reading_add(actor=cast.agent, product=product, value=100)


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_concurrent_schedulers_generate_each_visit_once(clock_at):
    clock_at(10, 0, day=date(2026, 11, 20))
    cast = Cast()
    plan = PlanFactory(interval_months=3)
    for n in range(40):
        _product(cast, plan, date(2026, 9, 1 + n % 28))
    workers = 4
    made = at_once(lambda _: maintenance_visits_generate(month=DEC), workers)
    assert sum(made) == 40, made
    assert MaintenanceVisit.objects.count() == 40
    assert MaintenanceVisit.objects.filter(request__isnull=True).count() == 0
    numbers = list(ServiceRequest.objects.values_list("number", flat=True))
    assert sorted(int(n[6:]) for n in numbers) == list(range(1, 41))


def _decembers_visit(clock_at):
    """On 20 November, December's visit of a product installed on 5 October: due 5 December."""
    clock_at(10, 0, day=date(2026, 11, 20))
    cast = Cast()
    plan = PlanFactory(interval_months=1)
    _product(cast, plan, date(2026, 10, 5))
    maintenance_visits_generate(month=DEC)
    return cast, MaintenanceVisit.objects.get().request


@pytest.mark.django_db
def test_generated_visits_wait_in_the_queue_and_enter_day_plans_on_their_due_day(clock_at):
    from aftersales.dispatch.problem import problem_build

    cast, request = _decembers_visit(clock_at)
    assert request.planned_for == date(2026, 12, 5)
    queue = _client_get(cast.supervisor, "/dispatch/")
    assert request.number in queue  # the supervisor sees what is coming
    # next month's visit is not today's work, nor the day before it falls due …
    for day in (date(2026, 11, 20), date(2026, 12, 4)):
        assert request not in problem_build(centre=cast.centre, day=day).requests.values(), day
    # … but is planned on its day and, still open, on every day after it
    for day in (date(2026, 12, 5), date(2026, 12, 9)):
        assert request in problem_build(centre=cast.centre, day=day).requests.values(), day


@pytest.mark.django_db
def test_a_visit_agreed_for_before_its_due_day_is_planned_on_the_agreed_day(clock_at):
    from aftersales.dispatch.problem import problem_build

    cast, request = _decembers_visit(clock_at)
    request.appointment_at = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    request.save(update_fields=["appointment_at"])
    assert request not in problem_build(centre=cast.centre, day=date(2026, 11, 30)).requests.values()
    assert request in problem_build(centre=cast.centre, day=date(2026, 12, 1)).requests.values()


def _client_get(user, url) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(url).content.decode()
