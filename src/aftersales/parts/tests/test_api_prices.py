"""/api/v1/parts/: the models a part fits, and its price history read and extended by the back
office (a new price from a day on, through parts.services.part_price_set)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import ProductModelFactory
from aftersales.parts.models import PartPrice

from .factories import PartFactory

pytestmark = pytest.mark.django_db


def _client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_parts_carry_the_models_they_fit_and_prices_are_the_back_offices(clock_at):
    clock_at(10, 0, day=date(2026, 11, 20))
    model = ProductModelFactory()
    part = PartFactory(code="HE-3", unit_price=Decimal("150.00"))
    part.fits.add(model)
    manager = UserFactory(role=Role.MANAGER, service_centre=None)
    agent = UserFactory(role=Role.AGENT)
    api = _client(manager)
    body = api.get(f"/api/v1/parts/{part.pk}/").json()
    assert body["fits"] == [model.pk]
    url = f"/api/v1/parts/{part.pk}/prices/"
    created = api.post(url, {"valid_from": "2026-11-20", "cost": "90.00", "price": "180.00"},
                       format="json", HTTP_IDEMPOTENCY_KEY="price-1")
    assert created.status_code == 201, created.content
    part.refresh_from_db()
    assert part.unit_price == Decimal("180.00")  # valid today: the price list follows
    again = api.post(url, {"valid_from": "2026-11-20", "cost": "90.00", "price": "180.00"},
                     format="json", HTTP_IDEMPOTENCY_KEY="price-1")
    assert again.status_code == 201 and PartPrice.objects.count() == 1  # replayed
    clash = api.post(url, {"valid_from": "2026-11-20", "cost": "1", "price": "2"},
                     format="json")
    assert clash.status_code == 400 and "valid_from" in clash.json()
    later = (date(2026, 11, 20) + timedelta(days=10)).isoformat()
    api.post(url, {"valid_from": later, "cost": "95.00", "price": "190.00"}, format="json")
    history = api.get(url).json()
    assert [row["valid_from"] for row in history] == [later, "2026-11-20"]
    # the desk reads the price list, not the cost prices, and sets none
    desk = _client(agent)
    assert desk.get(f"/api/v1/parts/{part.pk}/").status_code == 200
    assert desk.get(url).status_code == 403
    assert desk.post(url, {"valid_from": later, "cost": "1", "price": "2"},
                     format="json").status_code == 403
    assert PartPrice.objects.count() == 2
