"""EC-2…EC-4 as plain arithmetic: the 7-day window, the refund, the response clock."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from aftersales.shop.rules import (
    percent_of,
    refund_compute,
    return_deadline,
    within_return_window,
    working_minutes,
)

from .factories import sh


@pytest.mark.parametrize(("delivered", "last_ok", "first_late"), [
    # across a month end: delivered 28 Jan → until 4 Feb 23:59:59
    (sh(2026, 1, 28, 15, 0), sh(2026, 2, 4, 23, 59, 59), sh(2026, 2, 5, 0, 0)),
    # delivered late on the 31st (Shanghai) → until 7 Feb
    (sh(2026, 1, 31, 23, 30), sh(2026, 2, 7, 23, 59, 59), sh(2026, 2, 8, 0, 0)),
    # February in a common year → early March
    (sh(2026, 2, 25, 8, 0), sh(2026, 3, 4, 23, 59, 59), sh(2026, 3, 5, 0, 0)),
    # across a year end
    (sh(2026, 12, 30, 10, 0), sh(2027, 1, 6, 23, 59, 59), sh(2027, 1, 7, 0, 0)),
])
def test_seven_calendar_days_after_the_day_of_delivery(delivered, last_ok, first_late):
    assert within_return_window(delivered, last_ok)
    assert not within_return_window(delivered, first_late)
    assert return_deadline(delivered) == first_late


def test_the_day_of_delivery_is_the_shanghai_day_not_the_utc_day():
    # 31 Jan 17:00 UTC is already 1 Feb 01:00 in Shanghai: the count starts on 1 Feb
    delivered = datetime(2026, 1, 31, 17, 0, tzinfo=UTC)
    assert return_deadline(delivered) == sh(2026, 2, 9, 0, 0)
    assert within_return_window(delivered, datetime(2026, 2, 8, 15, 59, 59, tzinfo=UTC))
    assert not within_return_window(delivered, datetime(2026, 2, 8, 16, 0, tzinfo=UTC))
    # the same instant written in UTC or in Shanghai time gives the same answer
    assert return_deadline(delivered) == return_deadline(sh(2026, 2, 1, 1, 0))


def test_no_window_without_delivery_or_before_it():
    assert not within_return_window(None, sh(2026, 2, 1, 10, 0))
    assert not within_return_window(sh(2026, 2, 2, 10, 0), sh(2026, 2, 1, 10, 0))


def test_refund_of_goods_that_passed_with_shipping_the_shop_pays():
    refund = refund_compute(goods_amount="1299.00", inspection="pass", fee_payer="shop",
                            shipping_fee="15.50")
    assert refund.total == Decimal("1314.50")
    assert sum(v for _d, v in refund.lines()) == refund.total


def test_refund_without_reason_leaves_the_shipping_to_the_buyer():
    refund = refund_compute(goods_amount="199.90", inspection="pass", fee_payer="buyer",
                            shipping_fee="12")
    assert refund.total == Decimal("199.90") and refund.shipping == 0


def test_deduction_only_when_the_inspection_found_something():
    ok = refund_compute(goods_amount="100", inspection="pass", deduction="30")
    damaged = refund_compute(goods_amount="100", inspection="damaged", deduction="30")
    missing = refund_compute(goods_amount="100", inspection="missing", deduction="130")
    assert ok.total == Decimal("100.00")
    assert damaged.total == Decimal("70.00")
    assert missing.total == Decimal("0.00")  # never below zero


def test_percentage_deduction_rounds_half_up_to_the_cent():
    assert percent_of(Decimal("199.90"), 15) == Decimal("29.99")  # 29.985 → 29.99
    assert percent_of(Decimal("0.10"), 5) == Decimal("0.01")  # 0.005 → 0.01
    refund = refund_compute(goods_amount="199.90", inspection="damaged",
                            deduction=percent_of(Decimal("199.90"), 15), fee_payer="shop",
                            shipping_fee="10.005")
    assert refund.shipping == Decimal("10.01")
    assert refund.total == Decimal("199.90") - Decimal("29.99") + Decimal("10.01")
    assert sum(v for _d, v in refund.lines()) == refund.total


def test_working_minutes_skip_the_night():
    # asked 22:50, answered 08:05 next day: 10 + 5 minutes
    assert working_minutes(sh(2026, 3, 1, 22, 50), sh(2026, 3, 2, 8, 5)) == 15
    # asked at night, answered 08:59: 59 minutes, in time
    assert working_minutes(sh(2026, 3, 1, 23, 30), sh(2026, 3, 2, 8, 59)) == 59
    # asked 07:00, answered 09:01: counted from 08:00 → 61
    assert working_minutes(sh(2026, 3, 2, 7, 0), sh(2026, 3, 2, 9, 1)) == 61
    # across a month end, the same in UTC
    start = datetime(2026, 3, 31, 14, 30, tzinfo=UTC)  # 22:30 Shanghai
    end = datetime(2026, 4, 1, 0, 40, tzinfo=UTC)  # 08:40 Shanghai
    assert working_minutes(start, end) == 70
    assert working_minutes(sh(2026, 3, 2, 10, 0), sh(2026, 3, 2, 9, 0)) == 0
