from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from aftersales.shop.models import Shop

SH = ZoneInfo("Asia/Shanghai")


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop

    code = factory.Sequence(lambda n: f"shop{n}")
    name = factory.Sequence(lambda n: f"旗舰店{n}")
    platform = "tmall"
    webhook_secret = "s3cret-for-tests"
    shipping_fee = Decimal("12.00")


def sh(*args) -> datetime:
    """A Shanghai time: sh(2026, 1, 31, 21, 0)."""
    return datetime(*args, tzinfo=SH)


def order_values(**extra) -> dict:
    values = {"number": "T1001", "buyer_name": "王芳", "buyer_phone": "138 0013 8000",
              "address": "上海市浦东新区张江路1号",
              "items": [{"sku": "WH-50", "name": "电热水器 50L", "quantity": 1,
                         "price": "1299.00"}],
              "paid_amount": "1299.00", "paid_at": sh(2026, 11, 1, 10, 0),
              "shipped_at": sh(2026, 11, 2, 9, 0), "delivered_at": sh(2026, 11, 4, 15, 0)}
    values.update(extra)
    return values
