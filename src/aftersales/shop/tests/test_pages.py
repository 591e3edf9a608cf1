"""The desk's pages render, act through the services and refuse technicians."""

import pytest
from django.test import Client

from aftersales.service.tests.factories import Cast
from aftersales.shop import services
from aftersales.shop.choices import CaseState
from aftersales.shop.models import ReadyAnswer, ShopCase

from .factories import ShopFactory, order_values, sh

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(clock_at):
    clock_at(10, 0, day=sh(2026, 11, 8, 0, 0).date())
    cast = Cast()
    shop = ShopFactory()
    order = services.order_create(actor=cast.agent, shop=shop, **order_values())
    client = Client()
    client.force_login(cast.agent)
    return cast, shop, order, client


def test_pages_render(desk):
    cast, shop, order, client = desk
    case = services.case_open(actor=cast.agent, order=order, kind="return", reason="quality",
                              description="漏水")
    services.answer_save(actor=cast.agent, kind="return", language="zh-hans", title="退货地址",
                         body="{buyer}您好,订单{order}请在{return_until}前寄回。")
    for url in ("/shop/", "/shop/orders/", f"/shop/orders/{order.pk}/", f"/shop/cases/{case.pk}/",
                "/shop/answers/", "/shop/answers/new/", "/shop/metrics/", "/shop/orders/new/",
                "/shop/?all=1&q=T1001", "/shop/answers/?q=退货"):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/shop/cases/{case.pk}/").content.decode()
    assert "王芳您好,订单T1001请在2026-11-11前寄回。" in page
    excel = client.get("/shop/metrics/excel/")
    assert excel.status_code == 200 and excel["Content-Type"].startswith("application/vnd")


def test_the_case_page_moves_a_return_along(desk):
    cast, shop, order, client = desk
    response = client.post(f"/shop/orders/{order.pk}/case/",
                           {"kind": "return", "reason": "no_reason", "description": "不喜欢"})
    case = ShopCase.objects.get()
    assert response.url == f"/shop/cases/{case.pk}/"
    client.post(f"/shop/cases/{case.pk}/step/goods_expect/", {"shipping_fee": "10"})
    client.post(f"/shop/cases/{case.pk}/step/goods_receive/")
    client.post(f"/shop/cases/{case.pk}/step/goods_inspect/", {"result": "pass"})
    client.post(f"/shop/cases/{case.pk}/step/refund/")
    case.refresh_from_db()
    assert case.state == CaseState.REFUNDED
    assert str(case.refund_amount) == "1299.00"  # the buyer paid the shipping: no reason
    client.post(f"/shop/cases/{case.pk}/message/", {"direction": "out", "body": "已退款"})
    assert case.messages.filter(direction="out").count() == 1
    client.post(f"/shop/cases/{case.pk}/step/dispute/", {"dispute": "1"})
    case.refresh_from_db()
    assert case.dispute


def test_a_technician_is_refused(desk):
    cast, _shop, order, _client = desk
    client = Client()
    client.force_login(cast.technician)
    assert client.get("/shop/").status_code == 403
    assert client.post(f"/shop/orders/{order.pk}/case/", {"kind": "presale"}).status_code == 403
    assert not ShopCase.objects.exists()
    assert not ReadyAnswer.objects.exists()


def test_panels_on_the_customer_page_and_the_reports_start(desk):
    cast, shop, order, client = desk
    page = client.get(f"/customers/{order.customer.pk}/").content.decode()
    assert 'data-panel="shop-orders"' in page and order.number in page
    assert 'data-panel="shop-metrics"' in client.get("/reports/").content.decode()


def test_a_buyers_message_entered_later_keeps_its_time(desk):
    cast, shop, order, client = desk
    case = services.case_open(actor=cast.agent, order=order, kind="logistics")
    client.post(f"/shop/cases/{case.pk}/message/",
                {"direction": "in", "body": "快递到哪了?", "at": "2026-11-07T22:50"})
    message = case.messages.get()
    assert message.at == sh(2026, 11, 7, 22, 50)


def test_the_case_list_reads_the_same_number_of_rows_for_more_cases(desk):
    cast, shop, order, client = desk
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/shop/?all=1").status_code == 200
        return len(queries)

    for _ in range(2):
        services.case_open(actor=cast.agent, order=order, kind="presale")
    few = count()
    for _ in range(8):
        services.case_open(actor=cast.agent, order=order, kind="logistics")
    assert count() == few
