"""/api/v1/shop-orders/ and /api/v1/shop-cases/: desk staff read them and enter an order once
per Idempotency-Key; technicians see nothing."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aftersales.service.tests.factories import Cast
from aftersales.shop import services
from aftersales.shop.models import Order
from aftersales.shop.tests.factories import ShopFactory, order_values, sh

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def body(shop, **extra):
    values = {"shop": shop.pk, "number": "API-1", "buyer_name": "赵强", "buyer_phone": "13700137000",
              "items": [{"sku": "F1", "name": "滤芯", "quantity": 2, "price": "49.50"}],
              "paid_amount": "99.00", "paid_at": "2026-11-01T10:00:00+08:00",
              "delivered_at": "2026-11-03T10:00:00+08:00"}
    values.update(extra)
    return values


def test_an_order_entered_once_per_idempotency_key(clock_at):
    clock_at(10, 0, day=sh(2026, 11, 8, 0, 0).date())
    cast = Cast()
    shop = ShopFactory()
    client = api(cast.agent)
    first = client.post("/api/v1/shop-orders/", body(shop), format="json",
                        HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/shop-orders/", body(shop), format="json",
                        HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Order.objects.count() == 1
    assert first.json()["items"][0]["price"] == "49.50"
    duplicate = client.post("/api/v1/shop-orders/", body(shop), format="json")
    assert duplicate.status_code == 400 and "number" in duplicate.json()
    listed = client.get("/api/v1/shop-orders/").json()
    assert [o["number"] for o in listed["results"]] == ["API-1"]


def test_cases_are_read_by_the_desk_not_by_technicians(clock_at):
    clock_at(10, 0, day=sh(2026, 11, 8, 0, 0).date())
    cast = Cast()
    shop = ShopFactory()
    order = services.order_create(actor=cast.agent, shop=shop, **order_values())
    case = services.case_open(actor=cast.agent, order=order, kind="return", reason="quality")
    read = api(cast.agent).get(f"/api/v1/shop-cases/{case.pk}/")
    assert read.status_code == 200 and read.json()["fee_payer"] == "shop"
    tech = api(cast.technician)
    assert tech.get(f"/api/v1/shop-cases/{case.pk}/").status_code == 404
    assert tech.get("/api/v1/shop-orders/").json()["results"] == []
    refused = tech.post("/api/v1/shop-orders/", body(shop, number="T-2"), format="json")
    assert refused.status_code in (400, 403)
    assert not Order.objects.filter(number="T-2").exists()


def test_the_shop_endpoints_answer_as_their_schema_says(clock_at):
    """tests/test_api_schema.py's checks, for this area's operations only (that file runs them
    over every endpoint; this one keeps the shop's own endpoints checked on their own)."""
    import schemathesis
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from schemathesis import GenerationMode

    from tests.test_api_schema import _run

    clock_at(10, 40, day=sh(2026, 11, 18, 0, 0).date())
    cast = Cast()
    shop = ShopFactory()
    order = services.order_create(actor=cast.agent, shop=shop, **order_values())
    services.case_open(actor=cast.agent, order=order, kind="return", reason="quality")
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        app = get_wsgi_application()
        failures: list[str] = []
        for role in ("agent", "technician"):
            token = Token.objects.create(user=getattr(cast, role))
            headers = {"Authorization": f"Token {token.key}", "Accept-Language": "en"}
            schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
            schema.config.generation.update(allow_x00=False)
            operations = [r.ok() for r in schema.get_all_operations()
                          if r.ok().path.startswith("/api/v1/shop-")]
            assert len(operations) == 5
            for operation in operations:
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    _run(operation, operation.as_strategy(generation_mode=mode), headers,
                         failures)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert not failures, "\n".join(failures[:10])
