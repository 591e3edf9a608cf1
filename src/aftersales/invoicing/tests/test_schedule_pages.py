"""Payment schedules on the pages and in the API: the invoice's schedule card (split, adjust,
save, replace; refusals shown with what was typed), the contract's next instalment, the
receivables' "not yet due", the instalments due with their Excel; GET and POST in /api/v1/."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers import services as contracts
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory

from ..models import Invoice, PaymentSchedule
from ..services import invoice_payment_record, payment_schedule_split
from .factories import accountant

pytestmark = pytest.mark.django_db
D = Decimal
DAY = date(2026, 11, 16)


@pytest.fixture
def books(clock_at):
    clock_at(10, 30, day=DAY)
    return accountant()


@pytest.fixture
def manager():
    return UserFactory(username="mgr", role=Role.MANAGER, service_centre=None)


def _contract_invoice(manager, name="海燕物业", fee="12000.00"):
    customer = CustomerFactory(name=name)
    contract = contracts.contract_create(
        actor=manager, customer=customer, products=[InstalledProductFactory(customer=customer)],
        starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31), fee=D(fee))
    return contract, Invoice.objects.get(lines__contract=contract)


def _quarterly(books, invoice):
    return payment_schedule_split(actor=books, invoice=invoice, count=4,
                                  first_due_on=date(2027, 1, 1), every_months=3)


# --- the invoice's page ------------------------------------------------------------------------

def test_split_adjust_and_save_a_schedule_on_the_invoice_page(client, books, manager):
    _contract, invoice = _contract_invoice(manager)
    client.force_login(books)
    url = reverse("invoicing:invoice", args=[invoice.pk])
    page = client.get(url).content.decode()
    assert "data-split-form" in page and 'value="2027-01-01"' in page  # the period's start
    assert "data-schedule-form" not in page
    page = client.get(url, {"split-count": "3", "split-every": "3",
                            "split-first": "2027-01-01"}).content.decode()
    assert page.count('name="due_on"') == 3 and 'value="4000.00"' in page
    assert 'value="2027-07-01"' in page
    # adjusted before saving: a smaller first instalment, a larger last
    response = client.post(reverse("invoicing:payment_schedule_new", args=[invoice.pk]), {
        "due_on": ["2027-01-01", "2027-04-01", "2027-07-01", ""],
        "amount": ["2000.00", "4000.00", "6000.00", ""], "replaces": "0"})
    assert response.status_code == 302 and response.url.endswith("#schedule")
    schedule = PaymentSchedule.objects.get()
    assert [i.amount for i in schedule.instalments.all()] == [D("2000"), D("4000"), D("6000")]
    page = client.get(url).content.decode()
    assert 'data-instalments' in page and 'data-state="due"' in page
    assert "Replace the schedule" in page or "更换" in page


def test_a_refused_schedule_is_shown_again_as_typed_with_what_is_wrong(client, books, manager):
    _contract, invoice = _contract_invoice(manager)
    client.force_login(books)
    response = client.post(reverse("invoicing:payment_schedule_new", args=[invoice.pk]), {
        "due_on": ["2027-04-01", "2027-01-01"], "amount": ["6000.00", "5999.00"],
        "replaces": "0"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    assert "data-schedule-errors" in page
    assert "not after instalment 1" in page and "must ascend" in page
    assert 'value="5999.00"' in page and 'value="2027-04-01"' in page
    assert not PaymentSchedule.objects.exists()


def test_a_stale_page_cannot_replace_a_schedule_made_meanwhile(client, books, manager):
    _contract, invoice = _contract_invoice(manager)
    _quarterly(books, invoice)
    client.force_login(books)
    response = client.post(reverse("invoicing:payment_schedule_new", args=[invoice.pk]), {
        "due_on": ["2027-01-01"], "amount": ["12000.00"], "replaces": "0", "reason": "一次付清"})
    assert response.status_code == 400
    assert PaymentSchedule.objects.count() == 1


def test_desk_staff_see_the_schedule_but_may_not_make_one(client, books, manager):
    _contract, invoice = _contract_invoice(manager)
    _quarterly(books, invoice)
    agent = UserFactory(role=Role.AGENT)
    client.force_login(agent)
    page = client.get(reverse("invoicing:invoice", args=[invoice.pk])).content.decode()
    assert "data-instalments" in page and "data-split-form" not in page
    response = client.post(reverse("invoicing:payment_schedule_new", args=[invoice.pk]), {
        "due_on": ["2027-01-01"], "amount": ["12000.00"], "replaces": "1", "reason": "x"})
    assert response.status_code == 403
    assert PaymentSchedule.objects.count() == 1
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    assert client.get(reverse("invoicing:invoice", args=[invoice.pk])).status_code == 403


def test_the_contract_page_shows_the_next_instalment_due(client, books, manager, clock_at):
    contract, invoice = _contract_invoice(manager)
    _quarterly(books, invoice)
    invoice_payment_record(actor=books, invoice=invoice, amount="3500.00", method="transfer",
                           idempotency_key="q1")
    clock_at(9, 0, day=date(2027, 4, 10))
    client.force_login(manager)
    page = client.get(reverse("customers:contract", args=[contract.pk])).content.decode()
    assert "data-next-instalment" in page
    assert "2027-04-01" in page and "2500.00" in page and "inst-overdue" in page


# --- receivables and the instalments due -------------------------------------------------------

def test_receivables_show_what_is_not_yet_due(client, books, manager):
    _contract, invoice = _contract_invoice(manager)
    _quarterly(books, invoice)
    client.force_login(books)
    page = client.get(reverse("invoicing:receivables")).content.decode()
    assert "12000.00" in page
    response = client.get(reverse("invoicing:receivables_excel"))
    row = [c.value for c in load_workbook(BytesIO(response.content)).worksheets[0][3]]
    # invoiced, paid, credited, balance, not yet due, then the ages: nothing aged
    assert row[2:] == [12000, 0, 0, 12000, 12000, 0, 0, 0, 0]


def test_the_instalments_due_page_and_its_excel(client, books, manager, clock_at):
    _c, first = _contract_invoice(manager, name="海燕物业")
    _c, second = _contract_invoice(manager, name="东方酒店", fee="4000.00")
    _quarterly(books, first)
    _quarterly(books, second)
    clock_at(9, 0, day=date(2027, 1, 20))
    client.force_login(books)
    url = reverse("invoicing:instalments_due")
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-instalment-due="{first.pk}-1"' in page
    assert f'data-instalment-due="{second.pk}-1"' in page
    assert f'data-instalment-due="{first.pk}-2"' not in page  # due on 04-01: beyond 30 days
    page = client.get(url, {"days": "90", "q": "东方"}).content.decode()
    assert f'data-instalment-due="{second.pk}-2"' in page and "海燕物业" not in page
    response = client.get(reverse("invoicing:instalments_due_excel"), {"overdue": "1"})
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].values)
    assert len(rows) == 4  # as of, header, the two first instalments
    assert {r[2] for r in rows[2:]} == {first.number, second.number}
    assert {r[7] for r in rows[2:]} == {3000, 1000} and {r[9] for r in rows[2:]} == {19}
    # an invalid filter is a 400, never every row
    assert client.get(url, {"days": "-1"}).status_code == 400
    assert client.get(reverse("invoicing:instalments_due_excel"),
                      {"days": "x"}).status_code == 400


def test_the_instalments_due_page_reads_the_same_queries_for_more_rows(client, books, manager,
                                                                       clock_at):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("invoicing:instalments_due"),
                              {"days": "366"}).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(books)
    _quarterly(books, _contract_invoice(manager, name="甲")[1])
    few = queries()
    for name in ("乙", "丙", "丁"):
        _quarterly(books, _contract_invoice(manager, name=name)[1])
    assert queries() == few


# --- API ---------------------------------------------------------------------------------------

def test_the_api_shows_and_sets_the_schedule(client, books, manager):
    _contract, invoice = _contract_invoice(manager)
    client.force_login(books)
    detail = f"/api/v1/invoices/{invoice.pk}/"
    assert client.get(detail).json()["schedule"] is None
    url = f"/api/v1/invoices/{invoice.pk}/schedule/"
    body = {"split": {"count": 4, "every_months": 3, "first_due_on": "2027-01-01"}}
    response = client.post(url, body, content_type="application/json",
                           headers={"Idempotency-Key": "s1"})
    assert response.status_code == 201, response.content
    schedule = response.json()["schedule"]
    assert schedule["revision"] == 1 and schedule["amount_due"] == "12000.00"
    assert [(i["due_on"], i["amount"], i["state"]) for i in schedule["instalments"]] == [
        ("2027-01-01", "3000.00", "due"), ("2027-04-01", "3000.00", "due"),
        ("2027-07-01", "3000.00", "due"), ("2027-10-01", "3000.00", "due")]
    replay = client.post(url, body, content_type="application/json",
                         headers={"Idempotency-Key": "s1"})
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert PaymentSchedule.objects.count() == 1
    assert client.post(url, body, content_type="application/json").status_code == 400  # no key
    # replacing: the version it replaces and why; a stale version is a 409
    two = {"instalments": [{"due_on": "2027-01-01", "amount": "6000.00"},
                           {"due_on": "2027-07-01", "amount": "6000.00"}],
           "replaces": 1, "reason": "半年付"}
    stale = client.post(url, {**two, "replaces": 0}, content_type="application/json",
                        headers={"Idempotency-Key": "s2"})
    assert stale.status_code == 409
    response = client.post(url, two, content_type="application/json",
                           headers={"Idempotency-Key": "s3"})
    assert response.status_code == 201 and response.json()["schedule"]["revision"] == 2
    bad = client.post(url, {"instalments": [{"due_on": "2027-01-01", "amount": "100.00"}],
                            "replaces": 2, "reason": "x"},
                      content_type="application/json", headers={"Idempotency-Key": "s4"})
    assert bad.status_code == 400 and "instalments" in bad.json()
    neither = client.post(url, {"reason": "x"}, content_type="application/json",
                          headers={"Idempotency-Key": "s5"})
    assert neither.status_code == 400 and "instalments" in neither.json()
    assert PaymentSchedule.objects.count() == 2
    listing = client.get("/api/v1/invoices/").json()
    assert listing["results"][0]["schedule"]["revision"] == 2


def test_desk_staff_may_not_set_a_schedule_through_the_api(client, books, manager):
    _contract, invoice = _contract_invoice(manager)
    client.force_login(UserFactory(role=Role.AGENT))
    response = client.post(f"/api/v1/invoices/{invoice.pk}/schedule/",
                           {"split": {"count": 4, "every_months": 3,
                                      "first_due_on": "2027-01-01"}},
                           content_type="application/json", headers={"Idempotency-Key": "a"})
    assert response.status_code == 403
    assert not PaymentSchedule.objects.exists()


def test_the_api_receivables_carry_what_is_not_yet_due(client, books, manager):
    _contract, invoice = _contract_invoice(manager)
    _quarterly(books, invoice)
    client.force_login(books)
    row = client.get("/api/v1/receivables/").json()["results"][0]
    assert row["not_due"] == "12000.00" and row["buckets"]["0_30"] == "0.00"
