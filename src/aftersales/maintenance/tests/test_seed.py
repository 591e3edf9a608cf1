"""demo/maintenance_seed.py on a small data set: plans, installation jobs, visits, a certificate."""

import random
from datetime import date, timedelta

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.demo.maintenance_seed import seed_maintenance
from aftersales.maintenance.models import MaintenancePlan, MaintenanceVisit, MeterReading
from aftersales.service.choices import Kind, Status
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast

pytestmark = pytest.mark.django_db


def test_seed_adds_plans_installations_and_visits(clock_at):
    today = date(2026, 11, 20)
    clock_at(10, 0, day=today)
    cast = Cast()
    admin = UserFactory(username="admin-seed", role=Role.ADMIN)
    models = [ProductModelFactory() for _ in range(4)]
    for n in range(60):
        installed = today - timedelta(days=7 * n + 12)
        InstalledProductFactory(customer=CustomerFactory(service_centre=cast.centre),
                                model=models[n % 4], purchased_on=installed,
                                installed_on=installed)
    InstalledProductFactory(customer=CustomerFactory(service_centre=cast.centre),
                            model=models[0], installed_on=None)
    seed_maintenance(random.Random(1), admin, today)
    assert MaintenancePlan.objects.count() == 4
    assert MeterReading.objects.exists()
    assert ServiceRequest.objects.filter(kind=Kind.INSTALLATION).count() == 1
    assert MaintenanceVisit.objects.filter(due_on__month=12).exists()
    assert MaintenanceVisit.objects.filter(due_on__lt=today,
                                           request__status=Status.COMPLETED).count() == 1
    assert MaintenanceVisit.objects.filter(done_on=today).count() == 1
