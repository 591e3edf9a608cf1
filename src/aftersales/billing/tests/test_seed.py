"""The demo's billing seed runs on played requests and leaves every page something to show."""

import random

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.billing.choices import HandoverState, QuoteState
from aftersales.billing.models import Handover, Payment, Quote, ServiceFee
from aftersales.demo.billing_seed import seed_billing

from .factories import Cast, complete, job_a, on_site_with_part, priced_part

pytestmark = pytest.mark.django_db


def test_seed_billing():
    first, second = Cast(), Cast()
    for index, cast in enumerate((first, second)):
        complete(cast, on_site_with_part(cast, job_a(cast), priced_part(f"SEED-{index}",
                                                                          price="30.00",
                                                                          cost="9.00")))
    job_a(first)  # awaiting agreement: two, so that one stays waiting after the phone agreement
    job_a(first)
    admin = UserFactory(username="admin-seed", role=Role.ADMIN, service_centre=first.centre)
    seed_billing(random.Random(7), admin)
    assert ServiceFee.objects.filter(category="water_heater").exists()
    assert Quote.objects.filter(state=QuoteState.AGREED).count() == 1
    assert Quote.objects.filter(state=QuoteState.OPEN).count() == 1
    assert Payment.objects.count() == 2
    assert Handover.objects.filter(state=HandoverState.CONFIRMED).count() == 1
