"""Chargeability (SR-3), category (SR-2), rough charge and agreement (SR-4)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from aftersales.customers import services as customer_services
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.service.choices import Cause, Status
from aftersales.service.rules import request_terms
from aftersales.service.tests.factories import Cast, new_request


class Unit:
    """A product stand-in for the pure rule function."""

    def __init__(self, purchased, ends, fee="120.00"):
        self.purchased_on, self.warranty_ends_on = purchased, ends
        self.model = type("M", (), {"service_fee": Decimal(fee)})

    def covers(self, day):
        return self.purchased_on <= day <= self.warranty_ends_on


DAY = date(2026, 5, 20)
IN = Unit(date(2026, 1, 1), date(2026, 12, 31))
OUT = Unit(date(2024, 1, 1), date(2024, 12, 31))


@pytest.mark.parametrize("cause", ["", Cause.PRODUCT_FAULT])
def test_in_warranty_free(cause):
    terms = request_terms(product=IN, reported_on=DAY, cause=cause)
    assert (terms.in_warranty, terms.chargeable, terms.category) == (True, False, "C")
    assert terms.estimated_charge == 0 and not terms.needs_agreement


@pytest.mark.parametrize("cause", [Cause.MISUSE, Cause.SELF_INSTALLED, Cause.UNAUTHORISED_REPAIR,
                                   Cause.UNSTABLE_POWER, Cause.FORCE_MAJEURE])
def test_in_warranty_chargeable_causes(cause):
    terms = request_terms(product=IN, reported_on=DAY, cause=cause)
    assert (terms.in_warranty, terms.chargeable, terms.category) == (True, True, "A")
    assert terms.estimated_charge == Decimal("120.00") and terms.needs_agreement


def test_out_of_warranty_with_contract_is_b():
    """api-contract.md: the contract pays for work past the warranty (case by case:
    test_category_table.py)."""
    terms = request_terms(product=OUT, reported_on=DAY, contract_active=True)
    assert (terms.in_warranty, terms.chargeable, terms.category) == (False, False, "B")


def test_in_warranty_with_contract_stays_c():
    terms = request_terms(product=IN, reported_on=DAY, contract_active=True)
    assert terms.category == "C" and not terms.chargeable


def test_no_product_is_chargeable_without_estimate():
    terms = request_terms(product=None, reported_on=DAY)
    assert (terms.in_warranty, terms.chargeable, terms.category) == (False, True, "A")


def test_internal_is_d():
    terms = request_terms(product=OUT, reported_on=DAY, internal=True)
    assert (terms.chargeable, terms.category) == (False, "D")


def test_warranty_boundaries_are_inclusive():
    unit = Unit(date(2025, 5, 20), date(2026, 5, 19))
    assert request_terms(product=unit, reported_on=date(2025, 5, 20)).in_warranty
    assert request_terms(product=unit, reported_on=date(2026, 5, 19)).in_warranty
    assert not request_terms(product=unit, reported_on=date(2026, 5, 20)).in_warranty
    assert not request_terms(product=unit, reported_on=date(2025, 5, 19)).in_warranty


@pytest.mark.django_db
def test_registration_stores_terms_and_waits_for_agreement():
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    old = InstalledProductFactory(customer=customer,
                                  purchased_on=date.today() - timedelta(days=800))
    request = new_request(cast, customer=customer, product=old)
    assert (request.category, request.chargeable, request.status) == ("A", True, Status.AWAITING_AGREEMENT)
    assert request.estimated_charge == old.model.service_fee
    agreed = new_request(cast, customer=customer, product=old, customer_agreed=True)
    assert agreed.status == Status.REGISTERED and agreed.customer_agreed_at is not None
    free = new_request(cast, customer=customer)
    assert (free.category, free.status) == ("C", Status.REGISTERED)


@pytest.mark.django_db
def test_contract_category_b_and_cause_change_recomputes():
    from aftersales.service import services

    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    # Out of warranty (api-contract.md: in warranty the warranty pays first, C).
    product = InstalledProductFactory(customer=customer,
                                      purchased_on=date.today() - timedelta(days=800))
    customer_services.contract_create(actor=cast.manager, customer=customer, products=[product],
                                      starts_on=date.today() - timedelta(days=10),
                                      ends_on=date.today() + timedelta(days=300),
                                      fee=Decimal("300"))
    request = new_request(cast, customer=customer, product=product)
    assert request.category == "B"
    request = services.service_request_update(actor=cast.agent, request=request, cause=Cause.MISUSE)
    request.refresh_from_db()
    assert (request.category, request.chargeable) == ("A", True)
    assert request.estimated_charge == product.model.service_fee


@pytest.mark.django_db
def test_product_of_another_customer_is_refused():
    from django.core.exceptions import ValidationError

    cast = Cast()
    with pytest.raises(ValidationError) as err:
        new_request(cast, customer=CustomerFactory(), product=InstalledProductFactory())
    assert "installed_product" in err.value.message_dict


@pytest.mark.django_db
def test_catalogue_warranty_change_applies_to_its_units():
    cast = Cast()
    model = ProductModelFactory(warranty_months=12)
    product = customer_services.installed_product_register(
        actor=cast.manager, customer=CustomerFactory(), model=model, serial="Z9",
        purchased_on=date(2025, 1, 10))
    customer_services.product_model_update(actor=cast.manager, product_model=model,
                                           warranty_months=36)
    product.refresh_from_db()
    assert product.warranty_ends_on == date(2028, 1, 9)
