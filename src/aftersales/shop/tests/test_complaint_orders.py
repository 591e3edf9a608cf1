"""A complaint names an online-shop order by its number (CP-3): the complaint's page shows the
order (its buyer's first, any shop's of that number otherwise) and the order's page the
complaints that name it — through panels, so neither app imports the other."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from aftersales.complaints.choices import Channel
from aftersales.complaints.tests.factories import Team, new_complaint
from aftersales.shop import services

from .factories import ShopFactory, order_values, sh

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock_at):
    clock_at(10, 0, day=sh(2026, 11, 8, 0, 0).date())
    team = Team()
    shop, other_shop = ShopFactory(name="海川天猫旗舰店"), ShopFactory(name="海川京东自营店")
    order = services.order_create(actor=team.agent, shop=shop, **order_values(number="T1001"))
    same_number = services.order_create(
        actor=team.agent, shop=other_shop,
        **order_values(number="t1001", buyer_name="赵六", buyer_phone="139 0013 9000"))
    client = Client()
    client.force_login(team.agent)
    return team, order, same_number, client


def _page(client, url) -> str:
    with translation.override("zh-hans"):
        return client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_the_complaint_shows_its_buyers_order_and_the_order_its_complaints(world):
    team, order, same_number, client = world
    complaint = new_complaint(team, customer=order.customer, channel=Channel.ECOMMERCE,
                              order_ref=" t1001 ", description="收到的热水器漏水")
    other = new_complaint(team, order_ref="T2002")  # another order: on neither page
    page = _page(client, reverse("complaints:detail", args=[complaint.pk]))
    assert "网店订单" in page and f'data-complaint-order="{order.pk}"' in page
    assert f'data-complaint-order="{same_number.pk}"' not in page  # the buyer's own order
    assert "海川天猫旗舰店 · T1001" in page and "电热水器 50L (WH-50) × 1 · ¥1299.00" in page
    order_page = _page(client, reverse("shop:order", args=[order.pk]))
    assert complaint.number in order_page and other.number not in order_page
    # the same number in another shop: another buyer's order, not his complaint
    assert complaint.number not in _page(client, reverse("shop:order", args=[same_number.pk]))


def test_a_complaint_of_an_unknown_customer_lists_the_orders_of_that_number(world):
    team, order, same_number, client = world
    complaint = new_complaint(team, customer=None, contact_name="网店买家", contact_phone="13700137000",
                              order_ref="T1001")
    page = _page(client, reverse("complaints:detail", args=[complaint.pk]))
    assert "该客户没有订单 T1001；同号订单：" in page
    assert f'data-complaint-order="{order.pk}"' in page
    assert f'data-complaint-order="{same_number.pk}"' in page
    assert complaint.number in _page(client, reverse("shop:order", args=[order.pk]))


def test_no_order_number_or_no_such_order_shows_nothing(world):
    team, order, _same, client = world
    for ref in ("", "NOPE-1"):
        complaint = new_complaint(team, order_ref=ref)
        page = _page(client, reverse("complaints:detail", args=[complaint.pk]))
        assert 'data-panel="complaint-order"' not in page
    assert 'data-panel="order-complaints"' not in _page(client,
                                                         reverse("shop:order", args=[order.pk]))
