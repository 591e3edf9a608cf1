"""/api/v1/ maintenance endpoints: plans CRUD, meter readings with Idempotency-Key, due visits."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.maintenance.models import MaintenancePlan, MeterReading
from aftersales.maintenance.services import maintenance_visits_generate
from aftersales.service.tests.factories import Cast

from .factories import PlanFactory

pytestmark = pytest.mark.django_db


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_plans_are_created_and_edited_by_managers_only():
    cast = Cast()
    model = ProductModelFactory()
    body = {"product_model": model.pk, "name": "季度保养", "basis": "time", "interval_months": 3,
            "items": "清洗滤网"}
    refused = _api(cast.agent).post("/api/v1/maintenance-plans/", body, format="json")
    assert refused.status_code == 403 and not MaintenancePlan.objects.exists()
    made = _api(cast.manager).post("/api/v1/maintenance-plans/", body, format="json")
    assert made.status_code == 201, made.content
    bad = _api(cast.manager).post("/api/v1/maintenance-plans/",
                                  {**body, "name": "按小时", "basis": "meter"}, format="json")
    assert bad.status_code == 400 and "interval_meter" in bad.content.decode()
    pk = made.json()["id"]
    edited = _api(cast.manager).patch(f"/api/v1/maintenance-plans/{pk}/", {"interval_months": 6},
                                      format="json")
    assert edited.status_code == 200 and edited.json()["interval_months"] == 6
    listed = _api(cast.agent).get("/api/v1/maintenance-plans/").json()
    assert [p["id"] for p in listed["results"]] == [pk]


def test_meter_readings_are_idempotent_and_only_for_visible_products():
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    product = InstalledProductFactory(customer=customer)
    api = _api(cast.agent)
    body = {"installed_product": product.pk, "value": 1200}
    first = api.post("/api/v1/meter-readings/", body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    again = api.post("/api/v1/meter-readings/", body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == 201, first.content
    assert again.json() == first.json() and MeterReading.objects.count() == 1
    back = api.post("/api/v1/meter-readings/", {**body, "value": 10}, format="json")
    assert back.status_code == 400 and MeterReading.objects.count() == 1
    stranger = _api(Cast().technician).post("/api/v1/meter-readings/", body, format="json")
    assert stranger.status_code in (400, 403, 404) and MeterReading.objects.count() == 1


def test_due_visits_are_listed_with_their_state(clock_at):
    clock_at(10, 0, day=date(2026, 11, 20))
    cast = Cast()
    plan = PlanFactory(interval_months=1)
    InstalledProductFactory(customer=CustomerFactory(service_centre=cast.centre),
                            model=plan.product_model, purchased_on=date(2026, 10, 5),
                            installed_on=date(2026, 10, 5))
    maintenance_visits_generate(month=date(2026, 11, 1))
    maintenance_visits_generate(month=date(2026, 12, 1))
    rows = _api(cast.agent).get("/api/v1/maintenance-visits/").json()["results"]
    assert [(r["due_on"], r["state"]) for r in rows] == [("2026-11-05", "overdue"),
                                                         ("2026-12-05", "due")]
    overdue = _api(cast.agent).get("/api/v1/maintenance-visits/?state=overdue").json()
    assert [r["due_on"] for r in overdue["results"]] == ["2026-11-05"]
    assert _api(Cast().agent).get("/api/v1/maintenance-visits/").json()["results"] == []
