"""demo/contracts_seed.py on a small hand-made archive (the full demo seed is tested in demo/)."""

import random
from datetime import timedelta

import pytest

from aftersales.core.dates import local_today
from aftersales.customers.models import ContractRenewal, MaintenanceContract
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.demo.contracts_seed import seed_contracts, seed_warranty
from aftersales.service.tests.factories import Cast
from aftersales.warranty.models import WarrantyOutcome

from .helpers import job_with_priors


@pytest.mark.django_db
def test_seed_gives_every_state_an_example(clock_at):
    clock_at(10, 0)
    cast = Cast()
    today = local_today()
    for _ in range(3):
        customer = CustomerFactory(service_centre=cast.centre)
        InstalledProductFactory(customer=customer, purchased_on=today - timedelta(days=800))
    for days in (3, 10):
        InstalledProductFactory(customer=CustomerFactory(service_centre=cast.centre),
                                purchased_on=today - timedelta(days=days))
    job_with_priors(cast, priors=1)
    seed_contracts(random.Random(3), cast.manager, today)
    seed_warranty(random.Random(3), cast.manager, today)
    assert {r.outcome for r in ContractRenewal.objects.all()} == {"open", "renewed", "lost"}
    assert MaintenanceContract.objects.filter(previous__isnull=False).count() == 1
    assert not MaintenanceContract.objects.filter(responsible__isnull=True).exists()
    kinds = sorted(WarrantyOutcome.objects.values_list("kind", flat=True))
    assert kinds == ["refund", "repair", "replacement"]
