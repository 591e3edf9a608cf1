"""/api/v1/contracts/ and /api/v1/contract-renewals/: the same services as the pages."""

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers import services
from aftersales.customers.models import ContractRenewal, MaintenanceContract
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 16)


@pytest.fixture
def api(clock_at):
    clock_at(10, 0, day=DAY)
    client = APIClient()
    user = UserFactory(username="api-mgr", role=Role.MANAGER, service_centre=None)
    client.force_authenticate(user)
    client.user = user
    return client


def test_create_read_update_and_filter(api):
    customer = CustomerFactory()
    products = [InstalledProductFactory(customer=customer) for _ in range(2)]
    body = {"customer": customer.pk, "products": [products[0].pk], "starts_on": "2026-11-20",
            "ends_on": "2027-11-19", "fee": "600.00"}
    created = api.post("/api/v1/contracts/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert created.status_code == 201, created.json()
    again = api.post("/api/v1/contracts/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.json() == created.json() and MaintenanceContract.objects.count() == 1
    data = created.json()
    assert data["number"].startswith("HT2611") and data["fee"] == "600.00"
    assert data["excluded_causes"] == ["misuse", "self_installed", "unauthorised_repair"]
    assert data["state"] == "upcoming"
    url = f"/api/v1/contracts/{data['id']}/"
    changed = api.patch(url, {"products": [p.pk for p in products], "excluded_causes": [],
                              "version": data["version"]}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["excluded_causes"] == [] and len(changed.json()["products"]) == 2
    stale = api.patch(url, {"fee": "1.00", "version": data["version"]}, format="json")
    assert stale.status_code == 409
    foreign = api.patch(url, {"products": [InstalledProductFactory().pk]}, format="json")
    assert foreign.status_code == 400 and "products" in foreign.json()
    listed = api.get("/api/v1/contracts/", {"state": "upcoming", "q": customer.name}).json()
    assert [c["id"] for c in listed["results"]] == [data["id"]]
    assert api.get("/api/v1/contracts/", {"state": "expired"}).json()["count"] == 0


def test_bad_input_is_400_per_field(api):
    response = api.post("/api/v1/contracts/", {
        "customer": CustomerFactory().pk, "products": [], "starts_on": "2026-11-20",
        "ends_on": "2026-11-01", "fee": "-5", "excluded_causes": ["earthquake"]}, format="json")
    assert response.status_code == 400
    assert {"fee", "excluded_causes"} <= set(response.json())


def test_renewals_renew_and_lose(api):
    customer = CustomerFactory()
    kept, gone = (services.contract_create(
        actor=api.user, customer=customer, products=[InstalledProductFactory(customer=customer)],
        starts_on=DAY - timedelta(days=350), ends_on=DAY + timedelta(days=14 + i), fee=600)
        for i in range(2))
    services.contract_renewals_sweep(today=DAY)
    listed = api.get("/api/v1/contract-renewals/", {"outcome": "open"}).json()
    assert listed["count"] == 2
    renewal = ContractRenewal.objects.get(contract=kept)
    response = api.post(f"/api/v1/contract-renewals/{renewal.pk}/renew/", {"fee": "650.00"},
                        format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert response.status_code == 201, response.json()
    assert response.json()["previous"] == kept.pk and response.json()["fee"] == "650.00"
    lost = ContractRenewal.objects.get(contract=gone)
    response = api.post(f"/api/v1/contract-renewals/{lost.pk}/lose/",
                        {"lost_reason": "price", "note": "嫌贵"}, format="json")
    assert response.status_code == 200 and response.json()["outcome"] == "lost"
    again = api.post(f"/api/v1/contract-renewals/{lost.pk}/lose/", {"lost_reason": "price"},
                     format="json")
    assert again.status_code == 409


def test_customers_and_technicians(api):
    tech = APIClient()
    tech.force_authenticate(UserFactory(username="api-t", role=Role.TECHNICIAN))
    assert tech.post("/api/v1/contracts/", {}, format="json").status_code in (400, 403)
    portal = APIClient()
    portal.force_authenticate(UserFactory(username="api-c", role=Role.CUSTOMER))
    assert portal.get("/api/v1/contracts/").status_code == 403
