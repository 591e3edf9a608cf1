"""The category table of api-contract.md, case by case, through registration (SR-2, SR-3, AR-6).

D internal; C free warranty (in warranty and no chargeable cause — a contract or not); B contract
(otherwise, when an active contract covers the product on the day of ``reported_at`` and does not
exclude the cause); A paid (every other case). ``chargeable`` is true for A alone.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from aftersales.customers import services as customer_services
from aftersales.customers.choices import FaultCause
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.service import services
from aftersales.service.choices import CHARGEABLE_CAUSES, Cause, Status
from aftersales.service.tests.factories import Cast

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 16)  # a Monday: the call is reported at 10:00 that day
CUSTOMER_FAULT = {Cause.MISUSE, Cause.SELF_INSTALLED, Cause.UNAUTHORISED_REPAIR}


@pytest.fixture
def setting(clock_at):
    clock_at(11, 0, day=DAY)
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    model = ProductModelFactory(code="CT-1", warranty_months=12, service_fee=Decimal("150.00"))
    in_warranty = InstalledProductFactory(customer=customer, model=model,
                                          purchased_on=DAY - timedelta(days=100))
    out_of_warranty = InstalledProductFactory(customer=customer, model=model,
                                              purchased_on=date(2023, 3, 1))
    return cast, customer, in_warranty, out_of_warranty


def _contract(cast, customer, product, *, starts_on=DAY - timedelta(days=30),
              ends_on=DAY + timedelta(days=300), excluded=None):
    return customer_services.contract_create(
        actor=cast.manager, customer=customer, products=[product], starts_on=starts_on,
        ends_on=ends_on, fee=Decimal("600.00"), excluded_causes=excluded)


def _register(cast, customer, product, cause="", internal=False):
    request = services.service_request_create(
        actor=cast.agent, customer=customer, installed_product=product, cause=cause,
        internal=internal, description="不出热水",
        reported_at=datetime.combine(DAY, time(10, 0), TZ))
    return request.in_warranty, request.category, request.chargeable


def test_the_cause_lists_of_service_and_customers_are_one_list():
    assert set(FaultCause.values) == set(Cause.values)


def test_in_warranty_without_contract_is_c(setting):
    cast, customer, inw, _out = setting
    assert _register(cast, customer, inw) == (True, "C", False)
    assert _register(cast, customer, inw, Cause.PRODUCT_FAULT) == (True, "C", False)


def test_in_warranty_with_contract_is_c_the_warranty_pays_first(setting):
    cast, customer, inw, _out = setting
    _contract(cast, customer, inw)
    assert _register(cast, customer, inw) == (True, "C", False)
    assert _register(cast, customer, inw, Cause.PRODUCT_FAULT) == (True, "C", False)


def test_out_of_warranty_without_contract_is_a(setting):
    cast, customer, _inw, out = setting
    request = services.service_request_create(
        actor=cast.agent, customer=customer, installed_product=out, description="漏水",
        reported_at=datetime.combine(DAY, time(10, 0), TZ))
    assert (request.in_warranty, request.category, request.chargeable) == (False, "A", True)
    assert request.estimated_charge == Decimal("150.00")
    assert request.status == Status.AWAITING_AGREEMENT  # SR-4: the customer agrees first


def test_out_of_warranty_with_contract_is_b(setting):
    cast, customer, _inw, out = setting
    _contract(cast, customer, out)
    request = services.service_request_create(
        actor=cast.agent, customer=customer, installed_product=out, description="漏水",
        reported_at=datetime.combine(DAY, time(10, 0), TZ))
    assert (request.in_warranty, request.category, request.chargeable) == (False, "B", False)
    assert request.estimated_charge == Decimal("0.00")
    assert request.status == Status.REGISTERED  # billed under the contract: no agreement needed


@pytest.mark.parametrize("cause", sorted(CHARGEABLE_CAUSES))
def test_each_chargeable_cause_in_warranty_without_contract_is_a(setting, cause):
    cast, customer, inw, _out = setting
    assert _register(cast, customer, inw, cause) == (True, "A", True)


@pytest.mark.parametrize("cause", sorted(CHARGEABLE_CAUSES))
def test_each_chargeable_cause_in_warranty_with_default_contract(setting, cause):
    """The default contract leaves out the customer's own doing; power faults and force majeure
    are covered (B)."""
    cast, customer, inw, _out = setting
    _contract(cast, customer, inw)
    expected = ("A", True) if cause in CUSTOMER_FAULT else ("B", False)
    assert _register(cast, customer, inw, cause) == (True, *expected)


@pytest.mark.parametrize("cause", sorted(CHARGEABLE_CAUSES))
def test_each_chargeable_cause_out_of_warranty_with_default_contract(setting, cause):
    cast, customer, _inw, out = setting
    _contract(cast, customer, out)
    expected = ("A", True) if cause in CUSTOMER_FAULT else ("B", False)
    assert _register(cast, customer, out, cause) == (False, *expected)


def test_an_excluded_cause_is_a_and_a_covered_one_b(setting):
    cast, customer, _inw, out = setting
    _contract(cast, customer, out, excluded=[Cause.UNSTABLE_POWER])
    assert _register(cast, customer, out, Cause.UNSTABLE_POWER) == (False, "A", True)
    assert _register(cast, customer, out, Cause.MISUSE) == (False, "B", False)  # not excluded here
    assert _register(cast, customer, out, Cause.PRODUCT_FAULT) == (False, "B", False)


def test_a_second_contract_that_covers_the_cause_wins(setting):
    cast, customer, _inw, out = setting
    _contract(cast, customer, out, excluded=[Cause.FORCE_MAJEURE])
    _contract(cast, customer, out, excluded=[], ends_on=DAY + timedelta(days=10))
    assert _register(cast, customer, out, Cause.FORCE_MAJEURE) == (False, "B", False)


def test_contract_expired_the_day_before_is_a(setting):
    cast, customer, _inw, out = setting
    _contract(cast, customer, out, starts_on=DAY - timedelta(days=365),
              ends_on=DAY - timedelta(days=1))
    assert _register(cast, customer, out) == (False, "A", True)


def test_contract_ending_that_day_is_b(setting):
    cast, customer, _inw, out = setting
    _contract(cast, customer, out, starts_on=DAY - timedelta(days=365), ends_on=DAY)
    assert _register(cast, customer, out) == (False, "B", False)


def test_contract_starting_the_day_after_is_a(setting):
    cast, customer, _inw, out = setting
    _contract(cast, customer, out, starts_on=DAY + timedelta(days=1),
              ends_on=DAY + timedelta(days=366))
    assert _register(cast, customer, out) == (False, "A", True)


def test_contract_starting_that_day_is_b(setting):
    cast, customer, _inw, out = setting
    _contract(cast, customer, out, starts_on=DAY, ends_on=DAY + timedelta(days=364))
    assert _register(cast, customer, out) == (False, "B", False)


def test_contract_of_another_product_does_not_cover(setting):
    cast, customer, inw, out = setting
    _contract(cast, customer, inw)
    assert _register(cast, customer, out) == (False, "A", True)


@pytest.mark.parametrize("which", ["in", "out"])
def test_internal_is_d_whatever_else_holds(setting, which):
    cast, customer, inw, out = setting
    product = inw if which == "in" else out
    _contract(cast, customer, product)
    assert _register(cast, customer, product, Cause.MISUSE, internal=True)[1:] == ("D", False)


def test_the_day_is_the_day_of_reported_at_not_today(setting, clock_at):
    """A call dated back to the contract's last day is B, though the contract ended since."""
    cast, customer, _inw, out = setting
    _contract(cast, customer, out, starts_on=DAY - timedelta(days=365),
              ends_on=DAY - timedelta(days=1))
    request = services.service_request_create(
        actor=cast.agent, customer=customer, installed_product=out, description="漏水",
        reported_at=datetime.combine(DAY - timedelta(days=1), time(16, 0), TZ))
    assert (request.category, request.chargeable) == ("B", False)


def test_changing_the_cause_follows_the_table(setting):
    cast, customer, _inw, out = setting
    _contract(cast, customer, out)
    request = services.service_request_create(
        actor=cast.agent, customer=customer, installed_product=out, description="漏水",
        reported_at=datetime.combine(DAY, time(10, 0), TZ))
    assert request.category == "B"
    services.service_request_update(actor=cast.agent, request=request, cause=Cause.MISUSE)
    request.refresh_from_db()
    assert (request.category, request.chargeable) == ("A", True)
    services.service_request_update(actor=cast.agent, request=request, cause=Cause.PRODUCT_FAULT)
    request.refresh_from_db()
    assert (request.category, request.chargeable) == ("B", False)


def test_an_unregistered_product_is_a(setting):
    cast, customer, _inw, _out = setting
    request = services.service_request_create(
        actor=cast.agent, customer=customer, installed_product=None, description="漏水",
        reported_at=datetime.combine(DAY, time(10, 0), TZ))
    assert (request.in_warranty, request.category, request.chargeable) == (False, "A", True)
