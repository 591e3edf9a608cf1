"""The Django admin writes customers' records through the services (issue 9, item 15): a
contract gets its number, an installed product its warranty end, bad input an error on the form."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.dates import local_today, warranty_end
from aftersales.core.models import Event, ObjectChange
from aftersales.core.numbering import SERIAL_DIGITS
from aftersales.customers.models import InstalledProduct, MaintenanceContract
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", role=Role.ADMIN, is_staff=True,
                                   is_superuser=True))
    return client


def _contract_data(customer, products, **overrides):
    today = local_today()
    data = {"customer": customer.pk, "products": [p.pk for p in products],
            "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=364)).isoformat(),
            "fee": "600.00", "_save": "Save"}
    data.update(overrides)
    return data


def test_two_contracts_in_a_row_get_two_numbers(admin_client, clock_at, settings):
    clock_at(10, 40)  # not at midnight: both numbers in the month of the start date
    # invoiced in the month's batch, so the fee is not invoiced yet and may still change
    settings.INVOICE_DEFAULT_MODE = "later"
    customer = CustomerFactory()
    products = [InstalledProductFactory(customer=customer) for _ in range(2)]
    url = reverse("admin:customers_maintenancecontract_add")
    assert admin_client.get(url).status_code == 200
    for product in products:
        response = admin_client.post(url, _contract_data(customer, [product]))
        assert response.status_code == 302, response.content.decode()[:2000]
    contracts = list(MaintenanceContract.objects.order_by("pk"))
    assert len(contracts) == 2
    numbers = [c.number for c in contracts]
    period = local_today().strftime("%y%m")
    assert numbers == [f"HT{period}{n:0{SERIAL_DIGITS}d}" for n in (1, 2)]
    assert [list(c.products.all()) for c in contracts] == [[products[0]], [products[1]]]
    assert contracts[0].fee == Decimal("600.00")
    assert ObjectChange.objects.filter(object_id__in=[c.pk for c in contracts],
                                       action="create").count() == 2
    # An edit goes through contract_update: products and fee change, an event, the version.
    change = reverse("admin:customers_maintenancecontract_change", args=[contracts[0].pk])
    assert admin_client.get(change).status_code == 200
    response = admin_client.post(change, _contract_data(customer, products, fee="650.5"))
    assert response.status_code == 302, response.content.decode()[:2000]
    contract = MaintenanceContract.objects.get(pk=contracts[0].pk)
    assert contract.fee == Decimal("650.50") and contract.version == 2
    assert set(contract.products.all()) == set(products)
    assert contract.number == numbers[0]
    update = Event.objects.get(object_id=contract.pk, action="update",
                               content_type__model="maintenancecontract")
    assert set(update.data["fields"]) == {"fee", "products"}
    # Another customer's contract cannot take this customer's products; its customer stays.
    response = admin_client.post(change, _contract_data(CustomerFactory(), products))
    assert response.status_code == 200
    assert MaintenanceContract.objects.get(pk=contract.pk).customer == customer


def test_contract_errors_show_on_the_form(admin_client):
    customer = CustomerFactory()
    foreign = InstalledProductFactory()  # another customer's product
    url = reverse("admin:customers_maintenancecontract_add")
    today = local_today()
    response = admin_client.post(url, _contract_data(
        customer, [foreign], ends_on=(today - timedelta(days=1)).isoformat()))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "ends_on" in errors and "products" in errors
    assert not MaintenanceContract.objects.exists()


def test_adding_an_installed_product_sets_its_warranty_end(admin_client):
    customer = CustomerFactory()
    model = ProductModelFactory(warranty_months=24)
    purchased = local_today() - timedelta(days=30)
    url = reverse("admin:customers_installedproduct_add")
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {
        "customer": customer.pk, "model": model.pk, "serial": "  SN-ADMIN-1 ",
        "purchased_on": purchased.isoformat(), "installed_on": "", "dealer": "",
        "address": "", "region_kind": "", "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    product = InstalledProduct.objects.get()
    assert product.serial == "SN-ADMIN-1" and product.customer == customer
    assert product.warranty_ends_on == warranty_end(purchased, 24)
    assert ObjectChange.objects.filter(object_id=product.pk, action="create").exists()
    # The same serial again, and a purchase in the future: errors on the form, nothing saved.
    response = admin_client.post(url, {
        "customer": customer.pk, "model": model.pk, "serial": "SN-ADMIN-1",
        "purchased_on": (local_today() + timedelta(days=3)).isoformat(), "_save": "Save"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "serial" in errors and "purchased_on" in errors
    assert InstalledProduct.objects.count() == 1


def test_changing_an_installed_product_recomputes_its_warranty(admin_client):
    product = InstalledProductFactory(model=ProductModelFactory(warranty_months=12))
    purchased = product.purchased_on - timedelta(days=100)
    url = reverse("admin:customers_installedproduct_change", args=[product.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {
        "customer": product.customer.pk, "model": product.model.pk, "serial": product.serial,
        "purchased_on": purchased.isoformat(), "installed_on": product.installed_on.isoformat(),
        "dealer": "", "address": "", "region_kind": "", "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    product.refresh_from_db()
    assert product.purchased_on == purchased
    assert product.warranty_ends_on == warranty_end(purchased, 12)
    assert ObjectChange.objects.filter(object_id=product.pk, action="update").exists()
