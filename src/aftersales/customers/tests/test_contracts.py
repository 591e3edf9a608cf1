"""Maintenance contracts end to end (AR-6): create and edit through the services and the pages,
numbering, products of the customer only, an event for each change, list filters and export."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied, StaleWrite
from aftersales.core.numbering import SERIAL_DIGITS
from aftersales.customers import services
from aftersales.customers.choices import ContractState
from aftersales.customers.models import MaintenanceContract
from aftersales.customers.selectors import contract_list
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 16)


@pytest.fixture(autouse=True)
def _fees_invoiced_monthly(settings):
    """Customers invoiced monthly: a contract's fee is not invoiced at signing, so the tests
    may change it (invoicing keeps an invoiced fee: invoicing/tests/test_contract_fees.py)."""
    settings.INVOICE_DEFAULT_MODE = "later"


@pytest.fixture
def people(clock_at):
    clock_at(10, 30, day=DAY)
    manager = UserFactory(username="mgr", role=Role.MANAGER, service_centre=None)
    agent = UserFactory(username="agent", role=Role.AGENT)
    return manager, agent


def _make(actor, customer=None, **kw):
    customer = customer or CustomerFactory()
    products = kw.pop("products", None) or [InstalledProductFactory(customer=customer)]
    values = {"starts_on": DAY, "ends_on": DAY + timedelta(days=364), "fee": Decimal("600")}
    values.update(kw)
    return services.contract_create(actor=actor, customer=customer, products=products, **values)


def test_numbers_are_gap_free_and_an_event_is_written(people):
    manager, agent = people
    first, second = _make(manager), _make(agent)
    assert [first.number, second.number] == [f"HT2611{n:0{SERIAL_DIGITS}d}" for n in (1, 2)]
    assert [e.action for e in event_list(first)] == ["create"]
    assert first.excluded_causes == ["misuse", "self_installed", "unauthorised_repair"]
    assert first.fee == Decimal("600.00")


def test_bad_input_names_each_field_and_saves_nothing(people):
    manager, _agent = people
    customer = CustomerFactory()
    with pytest.raises(ValidationError) as err:
        services.contract_create(actor=manager, customer=customer,
                                 products=[InstalledProductFactory()],  # another customer's
                                 starts_on=DAY, ends_on=DAY - timedelta(days=1), fee=Decimal("-1"),
                                 excluded_causes=["earthquake"])
    assert set(err.value.message_dict) == {"products", "ends_on", "fee", "excluded_causes"}
    with pytest.raises(ValidationError) as err:
        services.contract_create(actor=manager, customer=customer, products=[], starts_on=DAY,
                                 ends_on=DAY, fee=Decimal("1"))
    assert "products" in err.value.message_dict
    assert not MaintenanceContract.objects.exists()


def test_technician_may_not_make_contracts(people):
    tech = UserFactory(username="t", role=Role.TECHNICIAN)
    with pytest.raises(PermissionDenied):
        _make(tech)
    assert not MaintenanceContract.objects.exists()


def test_update_changes_terms_with_an_event_and_refuses_a_stale_version(people):
    manager, agent = people
    contract = _make(manager)
    extra = InstalledProductFactory(customer=contract.customer)
    services.contract_update(actor=agent, contract=contract, expected_version=1,
                             products=[*contract.products.all(), extra], fee=Decimal("720"),
                             excluded_causes=[], responsible=agent)
    contract.refresh_from_db()
    assert contract.fee == Decimal("720.00") and contract.excluded_causes == []
    assert contract.responsible == agent and contract.products.count() == 2
    update = [e for e in event_list(contract) if e.action == "update"][0]
    assert set(update.data["fields"]) == {"fee", "excluded_causes", "responsible", "products"}
    with pytest.raises(StaleWrite):
        services.contract_update(actor=agent, contract=contract, expected_version=1,
                                 fee=Decimal("1"))
    assert MaintenanceContract.objects.get(pk=contract.pk).fee == Decimal("720.00")


def test_states_and_list_filters(people):
    manager, _agent = people
    active = _make(manager, starts_on=DAY - timedelta(days=100), ends_on=DAY + timedelta(days=200))
    expiring = _make(manager, starts_on=DAY - timedelta(days=330), ends_on=DAY + timedelta(days=20))
    expired = _make(manager, starts_on=DAY - timedelta(days=400), ends_on=DAY - timedelta(days=1))
    upcoming = _make(manager, starts_on=DAY + timedelta(days=1), ends_on=DAY + timedelta(days=90))
    assert [c.state_on(DAY) for c in (active, expiring, expired, upcoming)] == [
        ContractState.ACTIVE, ContractState.EXPIRING, ContractState.EXPIRED, ContractState.UPCOMING]

    def numbers(**kw):
        return {c.number for c in contract_list(user=manager, today=DAY, **kw)}

    assert numbers(state="active") == {active.number, expiring.number}
    assert numbers(state="expiring") == {expiring.number}
    assert numbers(state="expired") == {expired.number}
    assert numbers(q=expired.customer.name) == {expired.number}
    assert numbers(q=active.products.get().serial) == {active.number}
    assert numbers(customer=upcoming.customer) == {upcoming.number}


def test_pages_list_create_edit(client, people):
    manager, agent = people
    client.force_login(agent)
    customer = CustomerFactory()
    mine = [InstalledProductFactory(customer=customer) for _ in range(2)]
    foreign = InstalledProductFactory()
    new_url = reverse("customers:contract_new", args=[customer.pk])
    page = client.get(new_url)
    assert page.status_code == 200
    body = page.content.decode()
    assert mine[0].serial in body and foreign.serial not in body  # only his products offered
    data = {"products": [mine[0].pk], "starts_on": "2026/11/20", "ends_on": "2027-11-19",
            "fee": "480.00", "excluded_causes": ["misuse"], "responsible": agent.pk, "note": "年度"}
    # Another customer's product is refused by the form (not in its choices).
    refused = client.post(new_url, {**data, "products": [foreign.pk]})
    assert refused.status_code == 400 and not MaintenanceContract.objects.exists()
    response = client.post(new_url, data)
    contract = MaintenanceContract.objects.get()
    assert response.status_code == 302 and response.url == reverse("customers:contract",
                                                                   args=[contract.pk])
    assert contract.starts_on == date(2026, 11, 20) and contract.excluded_causes == ["misuse"]
    detail = client.get(response.url).content.decode()
    assert contract.number in detail and mine[0].serial in detail
    edit_url = reverse("customers:contract_edit", args=[contract.pk])
    assert client.get(edit_url).status_code == 200
    response = client.post(edit_url, {**data, "products": [p.pk for p in mine], "fee": "500",
                                      "version": contract.version})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.fee == Decimal("500.00") and contract.products.count() == 2
    stale = client.post(edit_url, {**data, "fee": "1", "version": 1})
    assert stale.status_code == 409
    assert MaintenanceContract.objects.get().fee == Decimal("500.00")
    listing = client.get(reverse("customers:contracts"), {"q": customer.name, "state": "upcoming"})
    assert contract.number in listing.content.decode()
    export = client.get(reverse("customers:contracts"), {"export": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    customer_page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert reverse("customers:contract", args=[contract.pk]) in customer_page


def test_technicians_do_not_open_the_contract_pages(client, people):
    manager, _agent = people
    contract = _make(manager)
    client.force_login(UserFactory(username="t2", role=Role.TECHNICIAN))
    assert client.get(reverse("customers:contracts")).status_code == 403
    assert client.get(reverse("customers:contract", args=[contract.pk])).status_code == 403


def test_list_query_count_does_not_grow(client, people, django_assert_max_num_queries):
    manager, _agent = people
    for _ in range(3):
        _make(manager)
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        client.get(reverse("customers:contracts"))
    for _ in range(10):
        _make(manager)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("customers:contracts")).status_code == 200
