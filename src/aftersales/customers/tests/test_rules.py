"""Warranty end (inclusive, calendar months), phase, and installed-product validation."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.dates import add_months, local_today, warranty_end
from aftersales.customers import services
from aftersales.customers.tests.factories import CustomerFactory, ProductModelFactory


@pytest.mark.parametrize(
    ("purchased", "months", "last_day"),
    [
        (date(2025, 3, 10), 12, date(2026, 3, 9)),
        (date(2025, 1, 31), 1, date(2025, 2, 27)),   # Jan 31 + 1 month = Feb 28 (clamped), − 1 day
        (date(2024, 1, 31), 1, date(2024, 2, 28)),   # leap year: Feb 29 − 1 day
        (date(2024, 2, 29), 12, date(2025, 2, 27)),  # Feb 29 + 12 months = Feb 28, − 1 day
        (date(2025, 8, 31), 6, date(2026, 2, 27)),
        (date(2025, 12, 1), 1, date(2025, 12, 31)),  # crosses the year end
        (date(2025, 5, 15), 0, date(2025, 5, 14)),   # no warranty: nothing covered
        (date(2025, 11, 30), 3, date(2026, 2, 27)),
    ],
)
def test_warranty_end(purchased, months, last_day):
    assert warranty_end(purchased, months) == last_day


def test_add_months_negative_and_long():
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2020, 2, 29), 48) == date(2024, 2, 29)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin-rules", role=Role.ADMIN)


def test_phase_and_coverage_inclusive(admin_user):
    model = ProductModelFactory(warranty_months=12)
    today = local_today()
    purchased = add_months(today, -12) + timedelta(days=1)  # last covered day is today
    product = services.installed_product_register(
        actor=admin_user, customer=CustomerFactory(), model=model, serial="A1",
        purchased_on=purchased, installed_on=purchased)
    assert product.warranty_ends_on == today
    assert product.covers(today) and not product.covers(today + timedelta(days=1))
    assert product.phase == "in_warranty"
    assert product.phase_on(today + timedelta(days=1)) == "out_of_warranty"
    unboxed = services.installed_product_register(
        actor=admin_user, customer=CustomerFactory(), model=model, serial="A2", purchased_on=today)
    assert unboxed.phase == "unboxing"


def test_product_rules(admin_user):
    model = ProductModelFactory()
    customer = CustomerFactory()
    today = local_today()
    with pytest.raises(ValidationError) as err:
        services.installed_product_register(actor=admin_user, customer=customer, model=model,
                                            serial="X", purchased_on=today + timedelta(days=1))
    assert "purchased_on" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.installed_product_register(actor=admin_user, customer=customer, model=model,
                                            serial="X", purchased_on=today,
                                            installed_on=today - timedelta(days=1))
    assert "installed_on" in err.value.message_dict
    services.installed_product_register(actor=admin_user, customer=customer, model=model,
                                        serial="X", purchased_on=today)
    with pytest.raises(ValidationError) as err:
        services.installed_product_register(actor=admin_user, customer=CustomerFactory(),
                                            model=model, serial=" X ", purchased_on=today)
    assert "serial" in err.value.message_dict
    # The same serial on another model is fine.
    services.installed_product_register(actor=admin_user, customer=customer,
                                        model=ProductModelFactory(), serial="X", purchased_on=today)


@pytest.mark.parametrize(
    ("raw", "ok"),
    [("13812345678", True), ("+86 138 1234 5678", True), ("021-6888 8888", True),
     ("12345", False), ("1381234567", False), ("abc", False), ("", False)],
)
def test_customer_phone_validation(admin_user, raw, ok):
    data = dict(actor=admin_user, name="王先生", phone=raw, address="上海市", region_kind="urban",
                kind="individual")
    if ok:
        customer = services.customer_create(**data)
        assert customer.phone.startswith("+86")
    else:
        with pytest.raises(ValidationError) as err:
            services.customer_create(**data)
        assert "phone" in err.value.message_dict
