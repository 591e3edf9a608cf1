import pytest
from django.test import override_settings

from aftersales.demo.models import BenchRow

pytestmark = pytest.mark.django_db


@override_settings(ROOT_URLCONF="aftersales.demo.tests.bench_urls")
def test_floor_inserts_one_row_per_post(client):
    first = client.post("/bench/insert/", data='{"n": 1}', content_type="application/json")
    second = client.post("/bench/insert/", data='{"n": 2}', content_type="application/json")
    assert first.status_code == second.status_code == 201
    assert second.json()["id"] == first.json()["id"] + 1
    assert list(BenchRow.objects.order_by("pk").values_list("payload", flat=True)) == [
        '{"n": 1}', '{"n": 2}']


@override_settings(ROOT_URLCONF="aftersales.demo.tests.bench_urls")
def test_floor_refuses_other_methods(client):
    assert client.get("/bench/insert/").status_code == 405
    assert not BenchRow.objects.exists()


def test_floor_is_not_mounted_by_default(client):
    assert client.post("/bench/insert/").status_code == 404
    assert not BenchRow.objects.exists()


@override_settings(ROOT_URLCONF="aftersales.demo.tests.bench_urls")
def test_api_floor_needs_a_token_and_inserts_one_row(client):
    from rest_framework.authtoken.models import Token

    from aftersales.accounts.tests.factories import UserFactory

    assert client.post("/bench/api-insert/", data='{"mark": "#a"}',
                       content_type="application/json").status_code in (401, 403)
    token = Token.objects.create(user=UserFactory(role="agent"))
    response = client.post("/bench/api-insert/", data='{"mark": "#b"}',
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 201
    assert list(BenchRow.objects.values_list("payload", flat=True)) == ['{"mark": "#b"}']


REQUEST_COLUMNS = ("channel", "description", "urgency", "reported_at", "internal", "cause",
                   "in_warranty", "chargeable", "category", "estimated_charge", "status",
                   "arrive_by", "customer_id", "installed_product_id", "service_centre_id",
                   "created_by_id", "kind", "version")
CLOCK_COLUMNS = ("kind", "policy_id", "working_time", "budget_seconds", "warn_at_percent",
                 "started_at", "resumed_at", "consumed_seconds", "state", "warn_at", "due_at",
                 "alert_at", "breached")


@pytest.mark.parametrize("purchased_days_ago", [30, 2000], ids=["in warranty", "chargeable"])
def test_the_ceiling_registers_what_the_api_registers(time_machine, purchased_days_ago):
    """bench/intake's ``raw`` measures the create's own work only while it does the same work:
    for the same call at the same moment, its request, event and clock equal the API's, and its
    answer has the API's keys."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from aftersales.core.models import Event
    from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
    from aftersales.dispatch.models import DeadlineClock
    from aftersales.service.models import ServiceRequest
    from aftersales.service.tests.factories import Cast

    time_machine.move_to(datetime(2026, 11, 30, 16, 40, tzinfo=ZoneInfo("Asia/Shanghai")),
                         tick=False)
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre, region_kind="suburban")
    product = InstalledProductFactory(
        customer=customer, region_kind="",
        purchased_on=datetime(2026, 11, 30).date() - timedelta(days=purchased_days_ago))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cast.agent).key}")
    body = {"customer": customer.pk, "installed_product": product.pk, "channel": "phone",
            "description": "热水器打不着火"}
    made = client.post("/api/v1/service-requests/", body, format="json")
    with override_settings(ROOT_URLCONF="aftersales.demo.tests.bench_urls"):
        raw = client.post("/bench/raw-create/", body, format="json")
    assert made.status_code == raw.status_code == 201, (made.content, raw.content)
    made, raw = made.json(), raw.json()
    assert set(raw) == set(made)
    assert raw["clocks"][0].keys() == made["clocks"][0].keys()
    assert raw["number"] == made["number"][:-4] + f"{int(made['number'][-4:]) + 1:04d}"

    first, second = ServiceRequest.objects.order_by("pk")
    assert [first.number, second.number] == [made["number"], raw["number"]]
    assert {c: getattr(second, c) for c in REQUEST_COLUMNS} == {
        c: getattr(first, c) for c in REQUEST_COLUMNS}
    events = [Event.objects.get(object_id=r.pk, action="register") for r in (first, second)]
    made_event, raw_event = ((e.to_state, e.actor_id, e.at, e.data) for e in events)
    assert raw_event == made_event
    clocks = [DeadlineClock.objects.get(request=r) for r in (first, second)]
    assert {c: getattr(clocks[1], c) for c in CLOCK_COLUMNS} == {
        c: getattr(clocks[0], c) for c in CLOCK_COLUMNS}
    expected_state = "registered" if purchased_days_ago == 30 else "awaiting_agreement"
    assert second.status == expected_state
