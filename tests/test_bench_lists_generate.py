"""bench/lists' generator writes SQL straight into the tables, so a new NOT NULL column breaks it
without any other test noticing (it did: the installed product's region). This runs it small on
the test database, with the schema of the code under test (PostgreSQL: the generator is SQL of
PostgreSQL's)."""

import pytest
from django.db import connection

from aftersales.customers.models import Customer, InstalledProduct
from aftersales.service.models import ServiceRequest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_generator_fills_the_current_schema_and_numbering_goes_on():
    if connection.vendor != "postgresql":
        pytest.skip("bench/lists generates in PostgreSQL's SQL")
    from bench.lists.generate import generate

    from aftersales.accounts.models import User
    from aftersales.service import services

    made = generate(3000)
    assert made["requests"] == 3000
    assert ServiceRequest.objects.count() == 3000
    assert Customer.objects.count() == made["customers"]
    assert InstalledProduct.objects.exists()
    numbers = list(ServiceRequest.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    # the counters continue the generated numbers: a new call does not collide
    agent = User.objects.filter(username__endswith=".agent1").first()
    product = InstalledProduct.objects.select_related("customer").filter(
        customer__service_centre=agent.service_centre).first()
    new = services.service_request_create(actor=agent, customer=product.customer,
                                          installed_product=product, description="不点火")
    assert new.number not in numbers
