"""The integration API exactly as ../shared/api-contract.md writes it."""

from datetime import date, timedelta

import pytest
from conftest import offsite_references
from rest_framework.test import APIClient

from aftersales.accounts.tests.factories import PASSWORD
from aftersales.core.dates import local_today
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def api(cast):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": cast.agent.username,
                                                   "password": PASSWORD}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_token_auth(cast):
    client = APIClient()
    assert client.get("/api/v1/customers/").status_code in (401, 403)
    bad = client.post("/api/v1/auth/token/", {"username": cast.agent.username, "password": "no"},
                      format="json")
    assert bad.status_code == 400 and "non_field_errors" in bad.json()


def test_customer_fields_and_phone_filter(api):
    response = api.post("/api/v1/customers/", {
        "name": "李女士", "phone": "138 1234 5678", "address": "上海市浦东新区张杨路500号",
        "region_kind": "suburban", "kind": "key_account", "birthday": "1980-02-29"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {"id", "name", "phone", "address", "region_kind", "kind", "birthday"} <= body.keys()
    assert body["phone"] == "+8613812345678" and body["birthday"] == "1980-02-29"
    found = api.get("/api/v1/customers/", {"phone": "13812345678"}).json()
    assert {"count", "next", "previous", "results"} == found.keys()
    assert [c["id"] for c in found["results"]] == [body["id"]]
    assert api.get("/api/v1/customers/", {"phone": "13900000000"}).json()["count"] == 0


@pytest.mark.parametrize(("language", "snippet"), [("en", "valid phone"), ("zh-hans", "电话"),
                                                   ("zh-hant", "電話")])
def test_bad_phone_is_400_in_the_request_language(api, language, snippet):
    response = api.post("/api/v1/customers/", {"name": "王", "phone": "12345", "address": "x",
                                               "region_kind": "urban", "kind": "individual"},
                        format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert list(response.json()) == ["phone"]
    assert snippet in response.json()["phone"][0]


def test_product_model_and_installed_product(cast):
    client = APIClient()
    client.force_authenticate(cast.manager)
    model = client.post("/api/v1/product-models/", {"code": "JSQ-16", "name": "燃气热水器",
                                                    "category": "water_heater",
                                                    "warranty_months": 36}, format="json")
    assert model.status_code == 201, model.json()
    assert {"id", "code", "name", "category", "warranty_months"} <= model.json().keys()
    customer = CustomerFactory()
    payload = {"customer": customer.pk, "model": model.json()["id"], "serial": "S-001",
               "purchased_on": "2024-01-31", "installed_on": None}
    product = client.post("/api/v1/installed-products/", payload, format="json")
    assert product.status_code == 201, product.json()
    body = product.json()
    assert body["warranty_ends_on"] == "2027-01-30" and body["phase"] == "unboxing"
    again = client.post("/api/v1/installed-products/", payload | {"customer": CustomerFactory().pk},
                        format="json")
    assert again.status_code == 400 and list(again.json()) == ["serial"]
    patched = client.patch(f"/api/v1/installed-products/{body['id']}/",
                           {"installed_on": "2024-02-02"}, format="json")
    assert patched.status_code == 200 and patched.json()["phase"] == "in_warranty"
    assert client.get("/api/v1/installed-products/", {"serial": "S-001"}).json()["count"] == 1
    assert client.get("/api/v1/installed-products/", {"customer": customer.pk}).json()["count"] == 1


@pytest.mark.parametrize(("field", "purchased", "installed"), [
    ("purchased_on", 1, None),    # purchase in the future
    ("installed_on", -5, -10),    # installed before purchase
])
def test_installed_product_date_rules(cast, field, purchased, installed):
    client = APIClient()
    client.force_authenticate(cast.agent)
    today = local_today()
    response = client.post("/api/v1/installed-products/", {
        "customer": CustomerFactory().pk, "model": ProductModelFactory().pk, "serial": "D1",
        "purchased_on": str(today + timedelta(days=purchased)),
        "installed_on": str(today + timedelta(days=installed)) if installed else None,
    }, format="json")
    assert response.status_code == 400 and field in response.json()


def test_service_request_contract_fields(api, cast, clock_at):
    clock_at(10, 0, day=date(2026, 12, 1))  # the call below is dated within the backdating window
    customer = CustomerFactory(service_centre=cast.centre, region_kind="urban")
    product = InstalledProductFactory(customer=customer)
    response = api.post("/api/v1/service-requests/", {
        "customer": customer.pk, "installed_product": product.pk, "channel": "platform",
        "description": "漏水", "reported_at": "2026-11-27T16:00:00+08:00"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    for key in ("id", "number", "customer", "installed_product", "channel", "description",
                "reported_at", "internal", "cause", "in_warranty", "chargeable", "category",
                "status", "arrive_by"):
        assert key in body, key
    assert body["number"].startswith("SR2611")
    assert (body["in_warranty"], body["chargeable"], body["category"]) == (True, False, "C")
    assert body["status"] == "registered"
    assert body["arrive_by"] == "2026-11-30T13:00:00+08:00"  # 6 working hours, over the weekend
    assert body["reported_at"].endswith("+08:00")
    listed = api.get("/api/v1/service-requests/", {"status": "registered", "customer": customer.pk})
    assert [r["id"] for r in listed.json()["results"]] == [body["id"]]


def test_no_product_internal_and_cause(api, cast):
    customer = CustomerFactory(service_centre=cast.centre)
    bare = api.post("/api/v1/service-requests/", {"customer": customer.pk, "channel": "phone",
                                                  "description": "未登记产品"}, format="json").json()
    assert (bare["in_warranty"], bare["chargeable"], bare["category"]) == (False, True, "A")
    internal = api.post("/api/v1/service-requests/", {"customer": customer.pk, "channel": "phone",
                                                      "description": "工具保养", "internal": True},
                        format="json").json()
    assert (internal["category"], internal["chargeable"]) == ("D", False)
    product = InstalledProductFactory(customer=customer)
    misuse = api.post("/api/v1/service-requests/", {
        "customer": customer.pk, "installed_product": product.pk, "channel": "phone",
        "description": "摔坏", "cause": "misuse"}, format="json").json()
    assert (misuse["in_warranty"], misuse["chargeable"], misuse["category"]) == (True, True, "A")
    assert misuse["status"] == "awaiting_agreement"


def test_customer_and_product_are_read_in_one_query_and_mismatches_are_told(api, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    customer = CustomerFactory(service_centre=cast.centre)
    product = InstalledProductFactory(customer=customer)
    other = InstalledProductFactory(customer=CustomerFactory(service_centre=cast.centre))
    with CaptureQueriesContext(connection) as queries:
        made = api.post("/api/v1/service-requests/", {
            "customer": customer.pk, "installed_product": product.pk, "channel": "phone",
            "description": "不出热水"}, format="json")
    assert made.status_code == 201, made.json()
    assert (made.json()["customer"], made.json()["installed_product"]) == (customer.pk, product.pk)
    reads = [q["sql"] for q in queries.captured_queries
             if q["sql"].startswith("SELECT") and ('FROM "customers_customer"' in q["sql"]
                                                   or 'FROM "customers_installedproduct"' in q["sql"])]
    assert len(reads) == 1 and 'JOIN "customers_customer"' in reads[0], reads
    mismatch = api.post("/api/v1/service-requests/", {
        "customer": customer.pk, "installed_product": other.pk, "channel": "phone",
        "description": "别人的产品"}, format="json")
    assert mismatch.status_code == 400 and "installed_product" in mismatch.json()
    for customer_id, product_id, field in ((999999, product.pk, "customer"),
                                           ("abc", product.pk, "customer"),
                                           (customer.pk, 999999, "installed_product"),
                                           (customer.pk, "abc", "installed_product")):
        bad = api.post("/api/v1/service-requests/", {
            "customer": customer_id, "installed_product": product_id, "channel": "phone",
            "description": "错误编号"}, format="json")
        assert bad.status_code == 400 and field in bad.json(), (customer_id, product_id, bad.json())
    assert ServiceRequest.objects.count() == 1


def test_bad_request_bodies_name_the_fields(api, cast):
    response = api.post("/api/v1/service-requests/", {"customer": 999999, "channel": "pigeon",
                                                      "description": ""}, format="json")
    assert response.status_code == 400
    assert {"customer", "channel", "description"} <= response.json().keys()
    future = api.post("/api/v1/service-requests/", {
        "customer": CustomerFactory().pk, "channel": "phone", "description": "x",
        "reported_at": "2099-01-01T00:00:00+08:00"}, format="json")
    assert future.status_code == 400 and "reported_at" in future.json()
    garbage = api.generic("POST", "/api/v1/service-requests/", "{not json",
                          content_type="application/json")
    assert garbage.status_code == 400


def test_illegal_transition_and_stale_write_are_409(cast):
    client = APIClient()
    client.force_authenticate(cast.supervisor)
    request = new_request(cast)
    url = f"/api/v1/service-requests/{request.pk}"
    assert client.post(f"{url}/close/", {}, format="json").status_code == 409
    assert client.post(f"{url}/arrive/", {}, format="json").status_code in (403, 409)
    response = client.patch(f"{url}/", {"description": "改", "version": request.version},
                            format="json")
    assert response.status_code == 200 and response.json()["version"] == request.version + 1
    stale = client.patch(f"{url}/", {"description": "再改", "version": request.version},
                         format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_write"
    assigned = client.post(f"{url}/assign/", {"technician": cast.technician.pk,
                                              "version": request.version + 1}, format="json")
    assert assigned.status_code == 200 and assigned.json()["status"] == "assigned"
    events = client.get(f"{url}/events/").json()
    assert [e["action"] for e in events] == ["register", "assign"]
    assert events[1]["from_state"] == "registered" and events[1]["actor"]


def test_idempotency_key_replays_and_refuses_another_body(api, cast):
    customer = CustomerFactory(service_centre=cast.centre)
    body = {"customer": customer.pk, "channel": "phone", "description": "重复", "internal": True}
    first = api.post("/api/v1/service-requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post("/api/v1/service-requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert ServiceRequest.objects.count() == 1
    other = api.post("/api/v1/service-requests/", body | {"description": "不同"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    failed = api.post("/api/v1/service-requests/", {"channel": "phone"}, format="json",
                      HTTP_IDEMPOTENCY_KEY="k-2")
    assert failed.status_code == 400
    fixed = api.post("/api/v1/service-requests/", body | {"description": "修正后"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="k-2")
    assert fixed.status_code == 201  # a refused request does not use up its key
    assert ServiceRequest.objects.count() == 2


def test_other_centre_gets_404(cast):
    other = Cast()
    request = new_request(cast)
    client = APIClient()
    client.force_authenticate(other.agent)
    assert client.get(f"/api/v1/service-requests/{request.pk}/").status_code == 404
    assert client.get(f"/api/v1/service-requests/{request.pk + 1000}/").status_code == 404


def test_schema_and_docs_are_served(api):
    schema = api.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/customers/", "/api/v1/product-models/", "/api/v1/installed-products/",
                 "/api/v1/service-requests/", "/api/v1/auth/token/", "Idempotency-Key"):
        assert path in text
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    assert offsite_references(docs.content.decode()) == [] and "/static/" in docs.content.decode()


def test_dates_and_money_formats(api, cast):
    customer = CustomerFactory(service_centre=cast.centre)
    old = InstalledProductFactory(customer=customer, purchased_on=date(2020, 1, 1))
    body = api.post("/api/v1/service-requests/", {
        "customer": customer.pk, "installed_product": old.pk, "channel": "phone",
        "description": "旧机器"}, format="json").json()
    assert body["estimated_charge"] == "80.00"
