"""EC-4 per shop: response within 60 working minutes (08:00–23:00 only), 30-day dispute rate,
90-day ratings, the daily trend."""

from decimal import Decimal

import pytest

from aftersales.service.tests.factories import Cast
from aftersales.shop import services
from aftersales.shop.selectors import response_rate, shop_metrics, shop_trend

from .factories import ShopFactory, order_values, sh

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop_world(clock_at):
    clock_at(12, 0, day=sh(2026, 11, 20, 0, 0).date())
    cast = Cast()
    shop = ShopFactory()
    return cast, shop


def _asked(cast, shop, n, asked, answered=None):
    order = services.order_create(actor=cast.agent, shop=shop, **order_values(
        number=f"N{n}", paid_at=sh(2026, 11, 1, 9, 0), shipped_at=None, delivered_at=None))
    case = services.case_open(actor=cast.agent, order=order, kind="presale", opened_at=asked)
    services.message_add(actor=None, case=case, direction="in", body="在吗?", at=asked)
    if answered:
        services.message_add(actor=cast.agent, case=case, direction="out", body="在的", at=answered)
    return case


def test_response_within_sixty_working_minutes_across_the_night(shop_world):
    cast, shop = shop_world
    _asked(cast, shop, 1, sh(2026, 11, 18, 22, 50), sh(2026, 11, 19, 8, 5))  # 15 min: in time
    _asked(cast, shop, 2, sh(2026, 11, 18, 22, 30), sh(2026, 11, 19, 8, 31))  # 61 min: late
    _asked(cast, shop, 3, sh(2026, 11, 19, 2, 0), sh(2026, 11, 19, 9, 0))  # 60 min: in time
    _asked(cast, shop, 4, sh(2026, 11, 19, 10, 0), sh(2026, 11, 19, 11, 30))  # 90: late
    _asked(cast, shop, 5, sh(2026, 11, 19, 15, 0))  # never answered
    rate = response_rate(shop, sh(2026, 11, 18, 0, 0), sh(2026, 11, 20, 0, 0))
    assert rate == {"inquirers": 5, "answered": 2, "rate": Decimal("0.4000")}
    # a later message from the same buyer does not make him a second inquirer
    trend = {row["day"].isoformat(): row for row in shop_trend(shop, days=3)}
    assert trend["2026-11-18"]["inquirers"] == 2 and trend["2026-11-18"]["answered"] == 1
    assert trend["2026-11-19"]["inquirers"] == 3 and trend["2026-11-19"]["answered"] == 1
    assert not any(row["penalty"] for row in trend.values())


def test_dispute_rate_and_ratings_per_shop(shop_world):
    cast, shop = shop_world
    other = ShopFactory()
    orders = [services.order_create(actor=cast.agent, shop=shop, **order_values(
        number=f"D{i}", paid_at=sh(2026, 11, 2 + i, 9, 0), shipped_at=None, delivered_at=None))
        for i in range(4)]
    old = services.order_create(actor=cast.agent, shop=shop, **order_values(
        number="OLD", paid_at=sh(2026, 9, 1, 9, 0), shipped_at=None, delivered_at=None))
    services.order_create(actor=cast.agent, shop=other, **order_values(number="X"))
    services.case_open(actor=cast.agent, order=orders[0], kind="refund_only", reason="quality",
                       dispute=True, opened_at=sh(2026, 11, 10, 9, 0))
    services.case_open(actor=cast.agent, order=old, kind="refund_only", reason="quality",
                       dispute=True, opened_at=sh(2026, 10, 1, 9, 0))  # over 30 days ago
    services.rating_record(order=orders[0], description=5, logistics=4, service=5,
                           at=sh(2026, 11, 10, 9, 0))
    services.rating_record(order=orders[1], description=4, logistics=4, service=2,
                           at=sh(2026, 11, 11, 9, 0))
    services.rating_record(order=old, description=1, logistics=1, service=1,
                           at=sh(2026, 8, 1, 9, 0))  # over 90 days ago
    m = shop_metrics(shop)
    assert (m["orders30"], m["disputes30"], m["dispute_rate"]) == (4, 1, Decimal("0.2500"))
    assert m["ratings"]["description"] == Decimal("4.50")
    assert m["ratings"]["service"] == Decimal("3.50") and m["ratings"]["count"] == 2
    assert shop_metrics(other)["disputes30"] == 0
