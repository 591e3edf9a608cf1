"""Who may use the integration API, how far back a call may be dated, and how times read
(issue 9 item 8)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aftersales.api.fields import DateTimeField
from aftersales.customers.models import Customer, InstalledProduct
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.portal.tests.helpers import portal_user_for
from aftersales.service.models import ServiceRequest
from aftersales.service.services import service_request_create
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def customer(cast):
    return CustomerFactory(service_centre=cast.centre, region_kind="urban", kind="individual")


@pytest.fixture
def portal_session(customer):
    """A customer signed in to the portal, calling the API with the portal's session cookie."""
    client = Client(enforce_csrf_checks=False)
    client.force_login(portal_user_for(customer))
    return client


def test_a_portal_customer_reaches_no_api_endpoint(portal_session, customer, cast):
    mine = new_request(cast, customer=customer)
    product = InstalledProductFactory(customer=customer)
    other_centre = Cast().centre
    before = (ServiceRequest.objects.count(), InstalledProduct.objects.count())
    attempts = [
        ("get", "/api/v1/customers/", None),
        ("get", f"/api/v1/customers/{customer.pk}/", None),
        ("get", "/api/v1/service-requests/", None),
        ("get", f"/api/v1/service-requests/{mine.pk}/", None),
        ("get", f"/api/v1/service-requests/{mine.pk}/events/", None),
        ("get", "/api/v1/installed-products/", None),
        ("get", "/api/v1/product-models/", None),
        ("post", "/api/v1/service-requests/", {
            "customer": customer.pk, "installed_product": product.pk, "channel": "web",
            "description": "坏了", "reported_at": "2020-01-01T09:00:00+08:00",
            "service_centre": other_centre.pk}),
        ("post", "/api/v1/installed-products/", {
            "customer": customer.pk, "model": ProductModelFactory().pk, "serial": "FREE-1",
            "purchased_on": (date.today() - timedelta(days=1)).isoformat()}),
        ("patch", f"/api/v1/customers/{customer.pk}/", {"kind": "key_account",
                                                        "region_kind": "suburban"}),
    ]
    for method, url, body in attempts:
        response = getattr(portal_session, method)(url, body, content_type="application/json",
                                                  HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 403, (method, url, response.status_code)
        assert response["Content-Type"].startswith("application/json")
        assert "staff" in response.json()["detail"], response.json()
    customer.refresh_from_db()
    assert (customer.kind, customer.region_kind) == ("individual", "urban")
    assert (ServiceRequest.objects.count(), InstalledProduct.objects.count()) == before


def test_a_customer_with_a_token_is_refused_too(customer):
    client = APIClient()
    token = Token.objects.create(user=portal_user_for(customer))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/customers/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403 and response.json()["detail"]
    assert Customer.objects.get(pk=customer.pk).kind == "individual"


def test_staff_still_use_the_api(cast):
    client = APIClient()
    client.force_authenticate(cast.agent)
    assert client.get("/api/v1/customers/").status_code == 200


def _post(client, customer, reported_at):
    return client.post("/api/v1/service-requests/", {
        "customer": customer.pk, "channel": "phone", "description": "不点火",
        "reported_at": reported_at.isoformat()}, format="json", HTTP_ACCEPT_LANGUAGE="en")


def test_staff_backdate_a_call_only_within_the_window(cast, customer, clock_at, settings):
    settings.REPORTED_AT_BACKDATE_DAYS = 30
    now = clock_at(10, 40, day=date(2026, 12, 3))
    client = APIClient()
    client.force_authenticate(cast.agent)
    assert _post(client, customer, now - timedelta(days=29, hours=23)).status_code == 201
    too_old = _post(client, customer, now - timedelta(days=30, minutes=1))
    assert too_old.status_code == 400
    assert "30 days" in too_old.json()["reported_at"][0]
    far = _post(client, customer, datetime(1800, 1, 1, tzinfo=UTC))
    assert far.status_code == 400 and "reported_at" in far.json()
    for text in ("0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59"):
        odd = client.post("/api/v1/service-requests/", {
            "customer": customer.pk, "channel": "phone", "description": "不点火",
            "reported_at": text}, format="json", HTTP_ACCEPT_LANGUAGE="en")
        assert odd.status_code == 400 and "reported_at" in odd.json(), (text, odd.content)
    future = _post(client, customer, now + timedelta(minutes=2))
    assert future.status_code == 400 and "future" in future.json()["reported_at"][0]
    assert ServiceRequest.objects.count() == 1
    settings.REPORTED_AT_BACKDATE_DAYS = 60
    assert _post(client, customer, now - timedelta(days=45)).status_code == 201


def test_the_window_is_the_service_functions_rule(cast, customer, clock_at):
    now = clock_at(10, 40, day=date(2026, 12, 3), tick=False)
    with pytest.raises(ValidationError) as refused:
        service_request_create(actor=cast.agent, customer=customer, description="x",
                               reported_at=now - timedelta(days=31))
    assert "reported_at" in refused.value.message_dict
    portal_user = portal_user_for(customer)
    made = service_request_create(actor=portal_user, customer=customer, description="x",
                                  reported_at=now - timedelta(days=3))
    assert made.reported_at == now  # a customer's report is dated when he makes it


@pytest.mark.parametrize("value", [
    datetime(1800, 1, 1, tzinfo=UTC), datetime(1, 1, 1, 12, tzinfo=UTC),
    datetime(1900, 6, 1, 3, 4, 5, tzinfo=UTC)])
def test_times_never_read_with_a_local_mean_time_offset(value):
    text = DateTimeField().to_representation(value)
    assert text.endswith("+08:00"), text
    assert datetime.fromisoformat(text) == value.astimezone(UTC) or value.year < 1901


def test_api_output_of_an_old_time_has_a_normal_offset(cast):
    request = new_request(cast)
    ServiceRequest.objects.filter(pk=request.pk).update(
        appointment_at=datetime(1899, 12, 31, 16, 0, tzinfo=UTC))
    client = APIClient()
    client.force_authenticate(cast.agent)
    body = client.get(f"/api/v1/service-requests/{request.pk}/").json()
    assert body["appointment_at"] == "1900-01-01T00:00:00+08:00"
    assert body["reported_at"].endswith("+08:00") and "+08:05" not in str(body)
    assert timezone.now()  # the wall clock is untouched by rendering
