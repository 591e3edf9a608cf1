import random

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.demo.shop_seed import seed_shop
from aftersales.invoicing.models import CreditNote
from aftersales.service.tests.factories import Cast
from aftersales.shop.models import Order, ReadyAnswer, ShopCase

pytestmark = pytest.mark.django_db


def test_the_demo_seed_adds_believable_shop_data(clock_at):
    clock_at(10, 40)
    Cast()
    admin = UserFactory(username="demo-admin", role=Role.ADMIN)
    cases = seed_shop(random.Random(7), admin, timezone.now())
    assert cases == ShopCase.objects.count() > 5
    assert Order.objects.count() == 36
    assert ReadyAnswer.objects.filter(language="en").count() == 5
    assert CreditNote.objects.filter(kind="refund").exists()
