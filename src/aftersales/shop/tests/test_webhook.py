"""The platforms' webhook: signed, fresh, stored once however often it is resent."""

import json
import time

import pytest
from django.test import Client

from aftersales.core.tests.concurrency import at_once
from aftersales.customers.models import Customer
from aftersales.shop.models import CaseMessage, InboundEvent, Order, Rating
from aftersales.shop.services.orders import signature_for

from .factories import ShopFactory


def order_event(event_id="evt-1", number="TB-9001", **order):
    body = {"event_id": event_id, "type": "order", "order": {
        "number": number, "buyer": {"name": "李娜", "phone": "13900139000",
                                    "address": "杭州市西湖区文三路2号"},
        "items": [{"sku": "WH-60", "name": "电热水器 60L", "quantity": 1, "price": "1599.00"}],
        "paid_amount": "1599.00", "paid_at": "2026-11-01T10:00:00+08:00", **order}}
    return json.dumps(body, ensure_ascii=False).encode()


def post(shop, body, *, secret=None, timestamp=None, client=None):
    ts = str(int(time.time()) if timestamp is None else timestamp)
    sig = signature_for(secret or shop.webhook_secret, ts, body)
    return (client or Client()).post(f"/shop/webhook/{shop.code}/", data=body,
                                     content_type="application/json",
                                     HTTP_X_SHOP_TIMESTAMP=ts, HTTP_X_SHOP_SIGNATURE=sig)


@pytest.mark.django_db
def test_a_signed_order_is_stored_and_its_buyer_becomes_a_customer():
    shop = ShopFactory()
    response = post(shop, order_event())
    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert order.source == "webhook" and order.customer.phone == "+8613900139000"
    assert order.customer.name == "李娜"
    # resent: the same answer, nothing more
    again = post(shop, order_event())
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert Order.objects.count() == 1 and Customer.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["secret", "body", "stale", "future", "missing", "shop"])
def test_a_bad_signature_is_401_and_nothing_is_stored(tamper):
    shop = ShopFactory()
    body = order_event()
    if tamper == "secret":
        response = post(shop, body, secret="wrong-secret")
    elif tamper == "body":
        ts = str(int(time.time()))
        sig = signature_for(shop.webhook_secret, ts, body)
        response = Client().post(f"/shop/webhook/{shop.code}/", data=body.replace(b"1599", b"1"),
                                 content_type="application/json",
                                 HTTP_X_SHOP_TIMESTAMP=ts, HTTP_X_SHOP_SIGNATURE=sig)
    elif tamper == "stale":
        response = post(shop, body, timestamp=int(time.time()) - 360)
    elif tamper == "future":
        response = post(shop, body, timestamp=int(time.time()) + 360)
    elif tamper == "missing":
        response = Client().post(f"/shop/webhook/{shop.code}/", data=body,
                                 content_type="application/json")
    else:
        other = ShopFactory(webhook_secret="other")
        ts = str(int(time.time()))
        response = Client().post(f"/shop/webhook/{other.code}/", data=body,
                                 content_type="application/json", HTTP_X_SHOP_TIMESTAMP=ts,
                                 HTTP_X_SHOP_SIGNATURE=signature_for(shop.webhook_secret, ts,
                                                                     body))
    assert response.status_code == 401
    assert not Order.objects.exists() and not InboundEvent.objects.exists()
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_delivery_update_message_and_rating_events():
    shop = ShopFactory()
    assert post(shop, order_event()).status_code == 201
    delivered = order_event("evt-2", shipped_at="2026-11-02T09:00:00+08:00",
                            delivered_at="2026-11-03T18:00:00+08:00")
    assert post(shop, delivered).status_code == 201
    order = Order.objects.get()
    assert order.delivered_at.isoformat() == "2026-11-03T10:00:00+00:00"
    message = json.dumps({"event_id": "evt-3", "type": "message", "order_number": "TB-9001",
                          "message": {"id": "m1", "body": "请问什么时候发货?",
                                      "at": "2026-11-03T22:50:00+08:00"}}).encode()
    assert post(shop, message).status_code == 201
    assert post(shop, message).status_code == 200
    assert CaseMessage.objects.count() == 1
    rating = json.dumps({"event_id": "evt-4", "type": "rating", "order_number": "TB-9001",
                         "rating": {"description": 5, "logistics": 4, "service": 5,
                                    "at": "2026-11-05T10:00:00+08:00"}}).encode()
    assert post(shop, rating).status_code == 201
    assert Rating.objects.get().logistics == 4


@pytest.mark.django_db
def test_bad_event_is_400_and_a_reused_event_id_409():
    shop = ShopFactory()
    assert post(shop, b"not json").status_code == 400
    assert post(shop, order_event(number="")).status_code == 400
    assert not Order.objects.exists() and not InboundEvent.objects.exists()
    assert post(shop, order_event()).status_code == 201
    assert post(shop, order_event(number="TB-OTHER")).status_code == 409
    assert Order.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_the_same_event_sent_ten_times_at_once_makes_one_order():
    shop = ShopFactory()
    body = order_event()
    workers = 10
    statuses = at_once(lambda _: post(shop, body).status_code, workers)
    assert sorted(statuses) == [200] * 9 + [201], statuses
    assert Order.objects.count() == 1
    assert InboundEvent.objects.count() == 1
    assert Customer.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_ten_different_events_about_one_order_at_once_make_one_order():
    shop = ShopFactory()
    workers = 10
    statuses = at_once(lambda i: post(shop, order_event(f"evt-{i}")).status_code, workers)
    assert statuses == [201] * workers, statuses
    assert Order.objects.count() == 1
    assert InboundEvent.objects.count() == workers


def test_the_five_minute_window_at_its_edges():
    from aftersales.shop.services.orders import WebhookRefused, webhook_verify

    shop = ShopFactory.build(webhook_secret="k")
    body = b"{}"
    for offset, ok in ((-300, True), (300, True), (-301, False), (301, False)):
        ts = str(1_800_000_000 + offset)
        call = dict(shop=shop, timestamp=ts, signature=signature_for("k", ts, body), body=body,
                    now=1_800_000_000)
        if ok:
            webhook_verify(**call)
        else:
            with pytest.raises(WebhookRefused):
                webhook_verify(**call)
