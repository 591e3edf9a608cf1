"""先抢修后补单 (DS-6): a request's paperwork made out after a technician was sent on an
emergency — registered as the call came in, his arrival at the time he arrived."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.dispatch.choices import ClockKind, ClockState
from aftersales.service.choices import Status, Urgency, VisitOutcome
from aftersales.service.filtersets import ServiceRequestFilterSet
from aftersales.service.models import ServiceRequest
from aftersales.service.services import service_request_create_repaired_first
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
WEDNESDAY = date(2026, 12, 2)


def _at(day, hh, mm=0):
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=SH)


def _record(cast, *, actor=None, arrived_at, reported_at, reason="热水器漏水，水淹厨房",
            technician=None, **extra):
    customer = extra.pop("customer", None) or CustomerFactory(service_centre=cast.centre)
    extra.setdefault("installed_product", InstalledProductFactory(customer=customer))
    return service_request_create_repaired_first(
        actor=actor or cast.supervisor, technician=technician or cast.technician,
        arrived_at=arrived_at, reported_at=reported_at, reason=reason, customer=customer,
        description="热水器漏水", **extra)


def test_the_paperwork_made_afterwards_meets_the_deadline_when_he_arrived(clock_at):
    cast = Cast()
    called, arrived = _at(WEDNESDAY, 9, 0), _at(WEDNESDAY, 9, 40)
    # the paperwork a day later, long after the arrival deadline
    now = clock_at(15, 0, day=WEDNESDAY + timedelta(days=1), tick=False)
    request = _record(cast, arrived_at=arrived, reported_at=called)

    request.refresh_from_db()
    assert request.status == Status.ON_SITE and request.urgency == Urgency.EMERGENCY
    assert request.repaired_first == "热水器漏水，水淹厨房"
    assert request.reported_at == called and request.assigned_technician == cast.technician
    visit = request.visits.get(outcome=VisitOutcome.PENDING)
    assert visit.arrived_at == arrived and visit.technician == cast.technician
    clock = request.clocks.get(kind=ClockKind.ARRIVAL)
    assert clock.state == ClockState.MET and clock.met_at == arrived
    assert clock.due_at < now and not clock.breached
    steps = {e.action: e for e in event_list(request)}
    assert list(steps) == ["register", "assign", "arrive"]
    assert all(e.at == now for e in steps.values())  # recorded now …
    assert steps["arrive"].data["happened_at"] == arrived.isoformat()  # … says when it happened
    assert steps["assign"].note == "热水器漏水，水淹厨房" and steps["assign"].data["repaired_first"]


def test_a_late_arrival_written_up_afterwards_is_still_late(clock_at):
    cast = Cast()
    called = _at(WEDNESDAY, 9, 0)
    clock_at(10, 0, day=WEDNESDAY + timedelta(days=2), tick=False)
    request = _record(cast, arrived_at=_at(WEDNESDAY + timedelta(days=1), 16, 0),
                      reported_at=called)
    clock = request.clocks.get(kind=ClockKind.ARRIVAL)
    assert clock.state == ClockState.MET and clock.breached


@pytest.mark.parametrize("change, field, message", [
    ({"reason": "  "}, "repaired_first", "说明为何抢修等不及补单。"),
    ({"reason": "漏" * 301}, "repaired_first", "原因最多 300 个字。"),
    ({"arrived_at": _at(WEDNESDAY, 8, 59)}, "arrived_at", "技术员不可能在来电之前到达。"),
    ({"arrived_at": _at(WEDNESDAY, 16, 0)}, "arrived_at", "技术员的到达时间不能在将来。"),
    ({"arrived_at": None}, "arrived_at", "请填写技术员到达的时间。"),
    ({"reported_at": None}, "reported_at", "请填写来电时间。"),
    ({"reported_at": _at(WEDNESDAY - timedelta(days=40), 9, 0)}, "reported_at",
     "报修时间最多只能往前追溯 30 天。"),
])
def test_bad_input_is_refused_by_name_and_nothing_is_saved(clock_at, change, field, message):
    cast = Cast()
    clock_at(15, 0, day=WEDNESDAY, tick=False)
    values = {"arrived_at": _at(WEDNESDAY, 9, 40), "reported_at": _at(WEDNESDAY, 9, 0)} | change
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        _record(cast, **values)
    assert caught.value.message_dict[field] == [message]
    assert not ServiceRequest.objects.exists()


def test_a_chargeable_repair_needs_the_customers_agreement_first(clock_at):
    cast = Cast()
    clock_at(15, 0, day=WEDNESDAY, tick=False)
    customer = CustomerFactory(service_centre=cast.centre)
    old = InstalledProductFactory(customer=customer, purchased_on=date(2015, 1, 1))
    values = {"arrived_at": _at(WEDNESDAY, 9, 40), "reported_at": _at(WEDNESDAY, 9, 0),
              "customer": customer, "installed_product": old}
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        _record(cast, **values)
    assert "customer_agreed" in caught.value.message_dict
    assert not ServiceRequest.objects.exists()
    request = _record(cast, customer_agreed=True, **values)
    assert request.status == Status.ON_SITE and request.chargeable


def test_only_a_supervisor_or_administrator_records_it_for_his_own_technicians(clock_at):
    cast = Cast()
    clock_at(15, 0, day=WEDNESDAY, tick=False)
    times = {"arrived_at": _at(WEDNESDAY, 9, 40), "reported_at": _at(WEDNESDAY, 9, 0)}
    for who in (cast.agent, cast.manager, cast.technician):
        with pytest.raises(PermissionDenied):
            _record(cast, actor=who, **times)
    stranger = UserFactory(username="tech-other", role=Role.TECHNICIAN,
                           service_centre=ServiceCentreFactory())
    with pytest.raises(ValidationError) as caught:
        _record(cast, technician=stranger, **times)
    assert "technician" in caught.value.message_dict
    assert not ServiceRequest.objects.exists()
    admin = UserFactory(username="admin-x", role=Role.ADMIN, service_centre=None)
    assert _record(cast, actor=admin, **times).status == Status.ON_SITE


def test_the_supervisor_finds_them_on_the_list(clock_at):
    cast = Cast()
    clock_at(15, 0, day=WEDNESDAY, tick=False)
    plain = new_request(cast)
    first = _record(cast, arrived_at=_at(WEDNESDAY, 9, 40), reported_at=_at(WEDNESDAY, 9, 0))
    found = ServiceRequestFilterSet({"repaired_first": "true"},
                                    queryset=ServiceRequest.objects.all()).qs
    assert list(found) == [first]
    others = ServiceRequestFilterSet({"repaired_first": "false"},
                                     queryset=ServiceRequest.objects.all()).qs
    assert list(others) == [plain]
    client = Client()
    client.force_login(cast.supervisor)
    page = client.get("/requests/?repaired_first=true").content.decode()
    assert first.number in page and plain.number not in page
    assert page.count("data-repaired-first") == 1  # the row's badge
    # the filter form as sent with "all" statuses and categories: no error, the same rows
    sent = client.get("/requests/?q=&status=&category=&repaired_first=true").content.decode()
    assert 'class="msg msg-error"' not in sent and first.number in sent
    assert plain.number not in sent
    assert "data-repaired-first" not in client.get(
        "/requests/?repaired_first=false").content.decode()
    detail = client.get(f"/requests/{first.pk}/").content.decode()
    assert "data-repaired-first" in detail and "热水器漏水，水淹厨房" in detail
    voucher = client.get(f"/field/print/{first.pk}/voucher/").content.decode()
    assert "data-repaired-first" in voucher
    assert "data-repaired-first" not in client.get(f"/requests/{plain.pk}/").content.decode()
    technician = Client()
    technician.force_login(cast.technician)
    jobs = technician.get("/field/").content.decode()
    assert jobs.count("data-repaired-first") == 1 and first.number in jobs


def _intake_data(customer, product, **extra):
    return {"phone": customer.phone, "customer": customer.pk, "installed_product": product.pk,
            "channel": "phone", "urgency": "normal", "kind": "repair",
            "description": "燃气热水器有异味", **extra}


def test_the_call_screen_records_it_for_a_supervisor_only(clock_at):
    cast = Cast()
    clock_at(15, 0, day=WEDNESDAY, tick=False)
    customer = CustomerFactory(service_centre=cast.centre)
    product = InstalledProductFactory(customer=customer)
    agent, supervisor = Client(), Client()
    agent.force_login(cast.agent)
    supervisor.force_login(cast.supervisor)
    assert "data-repaired-first" not in agent.get("/requests/new/").content.decode()
    assert "data-repaired-first" in supervisor.get("/requests/new/").content.decode()

    sent = {"r-on": "on", "r-reported_at": "2026-12-02 09:00", "r-technician": cast.technician.pk,
            "r-arrived_at": "2026-12-02 08:30", "r-repaired_first": "燃气泄漏"}
    with translation.override("zh-hans"):
        refused = supervisor.post("/requests/new/", _intake_data(customer, product, **sent),
                                  HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 400
    assert "技术员不可能在来电之前到达。" in refused.content.decode()
    assert not ServiceRequest.objects.exists()

    sent["r-arrived_at"] = "2026-12-02 09:25"
    response = supervisor.post("/requests/new/", _intake_data(customer, product, **sent))
    request = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/requests/{request.pk}/"
    assert request.status == Status.ON_SITE and request.repaired_first == "燃气泄漏"
    assert request.visits.get().arrived_at == _at(WEDNESDAY, 9, 25)

    # the part unticked: an ordinary call, whatever its fields say
    response = supervisor.post("/requests/new/", _intake_data(
        customer, product, **{**sent, "r-on": "", "r-repaired_first": ""}))
    ordinary = ServiceRequest.objects.exclude(pk=request.pk).get()
    assert ordinary.status == Status.REGISTERED and ordinary.repaired_first == ""


def test_the_api_registers_it_through_the_same_rule(clock_at):
    from rest_framework.test import APIClient

    cast = Cast()
    clock_at(15, 0, day=WEDNESDAY, tick=False)
    customer = CustomerFactory(service_centre=cast.centre)
    product = InstalledProductFactory(customer=customer)
    body = {"customer": customer.pk, "installed_product": product.pk, "description": "燃气味重",
            "reported_at": "2026-12-02T09:00:00+08:00", "technician": cast.technician.pk,
            "arrived_at": "2026-12-02T08:50:00+08:00", "repaired_first": "燃气泄漏"}
    api = APIClient()
    api.force_authenticate(cast.agent)
    url = "/api/v1/service-requests/repaired-first/"
    assert api.post(url, body, format="json").status_code == 403  # an agent does not send
    api.force_authenticate(cast.supervisor)
    refused = api.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 400
    assert refused.json()["arrived_at"] == ["技术员不可能在来电之前到达。"]
    assert not ServiceRequest.objects.exists()

    body["arrived_at"] = "2026-12-02T09:30:00+08:00"
    created = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="rf-1")
    assert created.status_code == 201, created.json()
    answer = created.json()
    assert answer["status"] == "on_site" and answer["urgency"] == "emergency"
    assert answer["repaired_first"] == "燃气泄漏" and answer["assigned_technician"] == cast.technician.pk
    [clock] = answer["clocks"]
    assert clock["state"] == "met" and not clock["breached"]
    again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="rf-1")
    assert again.json()["number"] == answer["number"] and ServiceRequest.objects.count() == 1
    listed = api.get("/api/v1/service-requests/?repaired_first=true").json()
    assert [r["number"] for r in listed["results"]] == [answer["number"]]
