"""demo/care_seed.py on a small data set: key accounts with managers, plans, visits, referrals."""

import random

import pytest

from aftersales.care.models import (
    CareMessage,
    CareVisit,
    KeyAccount,
    ProductNotice,
    Referral,
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
    assert VisitPlan.objects.exists() and Referral.objects.count() == 10
    assert CareVisit.objects.filter(visited_on__isnull=False).exists()
    assert Referral.objects.filter(status="won").exists()
    sent, draft = ProductNotice.objects.order_by("id")
    assert (sent.state, draft.state) == ("sent", "draft") and sent.sent >= 1
    assert CareMessage.objects.filter(occasion="product_notice").count() == sent.sent
