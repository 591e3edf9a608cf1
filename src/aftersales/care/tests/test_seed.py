"""demo/care_seed.py on a small data set: key accounts with managers, plans, visits, referrals."""

import random

import pytest

from aftersales.care.models import (
    CareMessage,
    CareVisit,
    InfluenceCentre,
    KeyAccount,
    ProductNotice,
    Referral,
    Seminar,
    VisitPlan,
)
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.demo.care_seed import seed_care

pytestmark = pytest.mark.django_db


def test_seed_care(cast, sms):
    for n in range(5):
        InstalledProductFactory(customer=CustomerFactory(kind="key_account", name=f"大客户{n}"))
    for n in range(10):
        InstalledProductFactory(customer=CustomerFactory(name=f"客户{n}"))
    seed_care(random.Random(7), cast.manager)
    assert KeyAccount.objects.count() == 5
    assert VisitPlan.objects.exists()
    # ten from customers, six from the three influence centres (3 + 2 + 1), one met at a seminar
    assert Referral.objects.filter(centre__isnull=True).count() == 11
    assert Referral.objects.filter(centre__isnull=False).count() == 6
    assert InfluenceCentre.objects.count() == 3
    held, planned = Seminar.objects.order_by("starts_at")
    assert (held.state, planned.state) == ("held", "planned")
    assert held.guests.filter(status="attended").count() == 5 and held.summary
    assert planned.guests.count() == 5  # the five key accounts, invited by message
    assert CareMessage.objects.filter(occasion="seminar", key=planned.key).count() == 5
    assert CareVisit.objects.filter(visited_on__isnull=False).exists()
    assert Referral.objects.filter(status="won").exists()
    sent, draft = ProductNotice.objects.order_by("id")
    assert (sent.state, draft.state) == ("sent", "draft") and sent.sent >= 1
    assert CareMessage.objects.filter(occasion="product_notice").count() == sent.sent
