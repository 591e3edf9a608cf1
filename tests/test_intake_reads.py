"""Registering a request through the API reads its product, the product's model and its customer
once, together, and only the fields registration uses (service.services.REGISTRATION_*_FIELDS):
compiling and loading every column of the three tables was a sixth of an API create's time
(issue 14, bench/intake). No later step reads any of them again."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aftersales.customers.models import InstalledProduct, MaintenanceContract
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.service.tests.factories import Cast

pytestmark = pytest.mark.django_db

OWN_TABLES = ("customers_customer", "customers_installedproduct", "customers_productmodel")


def _reads_of(queries, tables) -> list[str]:
    source = re.compile(r'\bFROM "(' + "|".join(tables) + ')"')
    return [q["sql"] for q in queries
            if q["sql"].lstrip().upper().startswith("SELECT") and source.search(q["sql"])]


def _create(user, body):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/service-requests/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json(), queries.captured_queries


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_a_registration_reads_product_model_and_customer_once_and_narrowly(role):
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre, region_kind="suburban")
    product = InstalledProductFactory(customer=customer, region_kind="")
    made, queries = _create(getattr(cast, role), {
        "customer": customer.pk, "installed_product": product.pk, "channel": "phone",
        "description": "不出热水"})

    reads = _reads_of(queries, OWN_TABLES)
    assert len(reads) == 1, reads
    # the clock's alerts are swept for by the workers (core.ticks): no task is queued
    assert not [q for q in queries if "dbtaskresult" in q["sql"]]
    assert " JOIN " in reads[0]
    for unread in ('"customers_customer"."name"', '"customers_customer"."phone"',
                   '"customers_installedproduct"."serial"', '"customers_productmodel"."name"'):
        assert unread not in reads[0]
    # What was read is what registration needed: the terms and the customer's region.
    assert made["customer"] == customer.pk and made["installed_product"] == product.pk
    assert made["category"] == "C" and made["in_warranty"] is True
    arrival = next(c for c in made["clocks"] if c["kind"] == "arrival")
    assert arrival["state"] == "running"
    # presented as the detail presents it: times in the centre's zone, seconds as a number
    assert set(arrival) == {"kind", "state", "due_at", "warn_at", "remaining_seconds",
                            "breached", "extension_reason"}
    assert arrival["due_at"].endswith("+08:00") and arrival["warn_at"].endswith("+08:00")
    assert isinstance(arrival["remaining_seconds"], int) and arrival["remaining_seconds"] > 0
    assert arrival["breached"] is False and arrival["extension_reason"] == ""
    assert made["service_centre"] == cast.centre.pk


def test_a_chargeable_registration_reads_the_fee_and_the_contract_but_not_the_product_again(
        request):
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    today = timezone.localdate()
    product = InstalledProductFactory(customer=customer, purchased_on=today - timedelta(days=2000))
    contract = MaintenanceContract.objects.create(
        number="MC-READS-1", customer=customer, starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=300), fee="0.00", excluded_causes=["misuse"])
    contract.products.add(product)
    made, queries = _create(cast.agent, {
        "customer": customer.pk, "installed_product": product.pk, "channel": "phone",
        "description": "漏水", "cause": "misuse"})
    assert made["in_warranty"] is False and made["category"] == "A"
    assert made["estimated_charge"] == str(product.model.service_fee)
    assert len(_reads_of(queries, OWN_TABLES)) == 1
    assert len(_reads_of(queries, ("customers_maintenancecontract",))) == 1
    # the contract's read is compiled once (core.compiled_reads): not again for the next call
    compiled = request.getfixturevalue("compiled_models")  # from here on
    again, _queries = _create(cast.agent, {
        "customer": customer.pk, "installed_product": product.pk, "channel": "phone",
        "description": "又漏水", "cause": "unstable_power"})
    assert again["category"] == "B"  # a cause the contract does not exclude: it covers it
    assert MaintenanceContract not in compiled and InstalledProduct not in compiled


def test_the_desks_joined_read_is_compiled_once_and_odd_ids_read_as_before(request):
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    other = CustomerFactory(service_centre=cast.centre)
    product, others_product = (InstalledProductFactory(customer=customer),
                               InstalledProductFactory(customer=other))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cast.agent).key}")

    def create(customer_id, product_id):
        return client.post("/api/v1/service-requests/", {
            "customer": customer_id, "installed_product": product_id, "channel": "phone",
            "description": "不出热水"}, format="json")

    assert create(customer.pk, product.pk).status_code == 201  # compiled here, if not before
    compiled = request.getfixturevalue("compiled_models")  # from here on
    made = create(str(customer.pk), str(product.pk))  # ids as text read as numbers
    assert made.status_code == 201 and made.json()["installed_product"] == product.pk
    assert InstalledProduct not in compiled

    # Anything the joined read does not find is read the ordinary way, with its ordinary error.
    for customer_id, product_id, field in [
            (customer.pk, others_product.pk, "installed_product"),  # not this customer's
            (customer.pk, "abc", "installed_product"), (customer.pk, 10 ** 30, "installed_product"),
            ("abc", product.pk, "customer"), (10 ** 30, product.pk, "customer"),
            (customer.pk, [product.pk], "installed_product")]:
        answer = create(customer_id, product_id)
        assert answer.status_code == 400, (customer_id, product_id)
        assert field in answer.json(), answer.json()
