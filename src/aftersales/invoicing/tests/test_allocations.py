"""One payment over several invoices, money on account (预收款) and reversals: allocations with
their own amounts, never beyond an invoice's outstanding amount nor beyond the payment; every
balance (invoices, receivables, instalments, the customer's panel, Excel) sums allocations; the
ledger is append-only; the pages and the API."""

from datetime import datetime, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.billing.models import Handover, Payment
from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.ledger import AppendOnlyError
from aftersales.customers.tests.factories import CustomerFactory

from ..allocations import split_oldest_first
from ..models import Invoice, InvoicePayment
from ..selectors import (
    customer_balance,
    customer_on_account,
    invoice_balances,
    invoice_plan,
    invoices_open_for,
    receivables,
)
from ..services import (
    allocation_reverse,
    customer_payment_record,
    invoice_payment_record,
    payment_apply,
    payment_schedule_set,
)
from .conftest import BOOKS_DAY as DAY
from .factories import accountant, invoice_make

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = Decimal
SH = ZoneInfo("Asia/Shanghai")


def _at(days_ago: int):
    return datetime.combine(DAY - timedelta(days=days_ago), datetime.min.time(), SH).replace(hour=9)


@pytest.fixture
def three(books, customer):
    """Three invoices of the customer: ¥100 (60 days old), ¥200 (30 days), ¥300 (today)."""
    return [invoice_make(customer, "100.00", at=_at(60)), invoice_make(customer, "200.00", at=_at(30)),
            invoice_make(customer, "300.00", at=_at(0))]


def _balance(invoice, as_of=None):
    return invoice_balances(type(invoice).objects.filter(pk=invoice.pk), as_of=as_of)[0]


def _open(invoices):
    return [_balance(i).outstanding for i in invoices]


# --- the default split ---------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "opens", "split"), [
    ("250.00", ["100.00", "200.00", "300.00"], ["100.00", "150.00", "0.00"]),
    ("700.00", ["100.00", "200.00", "300.00"], ["100.00", "200.00", "300.00"]),  # 100 on account
    ("0.00", ["100.00"], ["0.00"]),
    ("33.33", ["10.00", "-5.00", "50.00"], ["10.00", "0.00", "23.33"]),  # an over-paid one
])
def test_the_default_split_pays_the_oldest_due_first(amount, opens, split):
    assert split_oldest_first(D(amount), [D(o) for o in opens]) == [D(s) for s in split]


# --- one payment over several invoices -------------------------------------------------------------

def test_one_transfer_pays_several_invoices_and_the_rest_stays_on_account(books, customer, three):
    old, mid, new = three
    payment, created = customer_payment_record(
        actor=books, customer=customer, amount="350.00", method="transfer",
        idempotency_key="bank-1", reference="工行回单 0001",
        allocations=[(old, "100.00"), (mid, "200.00"), (new, "")])
    assert created and payment.sheet is None and payment.amount == D("350.00")
    assert sorted((a.invoice_id, a.amount) for a in payment.invoice_allocations.all()) == [
        (old.pk, D("100.00")), (mid.pk, D("200.00"))]
    assert _open(three) == [D("0.00"), D("0.00"), D("300.00")]
    assert customer_on_account(customer) == D("50.00")
    # one event per invoice paid, saying how much of which payment
    assert [e.action for e in event_list(old)] == ["payment"]
    assert event_list(mid)[0].data == {"payment": payment.number, "amount": "200.00",
                                       "method": "transfer"}
    assert not event_list(new)
    # the same form again: nothing more; the same key with other figures: refused
    again, created = customer_payment_record(
        actor=books, customer=customer, amount="350.00", method="transfer",
        idempotency_key="bank-1", allocations=[(old, "100.00"), (mid, "200.00")])
    assert not created and again == payment
    with pytest.raises(ValidationError) as err:
        customer_payment_record(actor=books, customer=customer, amount="350.00",
                                method="transfer", idempotency_key="bank-1",
                                allocations=[(old, "100.00"), (mid, "150.00")])
    assert "idempotency_key" in err.value.message_dict
    assert Payment.objects.count() == 1 and InvoicePayment.objects.count() == 2


@pytest.mark.parametrize(("rows", "says"), [
    ([(0, "100.01")], "¥100.00 is outstanding on invoice"),
    ([(0, "100.00"), (1, "200.00"), (2, "0.01")], "Only ¥300.00 of payment"),
    ([(0, "-5")], "above zero"),
    ([(0, "abc")], "350.00"),
    ([(0, "10"), (0, "20")], "twice"),
])
def test_a_split_beyond_an_invoice_or_the_payment_is_refused_and_nothing_saved(
        books, customer, three, rows, says):
    with pytest.raises(ValidationError) as err:
        customer_payment_record(actor=books, customer=customer, amount="300.00",
                                method="transfer", idempotency_key="k",
                                allocations=[(three[i], amount) for i, amount in rows])
    assert says in err.value.message_dict["allocations"][0]
    assert not Payment.objects.exists() and not InvoicePayment.objects.exists()


def test_another_customers_invoice_is_refused(books, customer, three):
    other = invoice_make(CustomerFactory(), "50.00")
    with pytest.raises(ValidationError) as err:
        customer_payment_record(actor=books, customer=customer, amount="50.00",
                                method="transfer", idempotency_key="k",
                                allocations=[(other, "50.00")])
    assert "is not 海燕物业's" in err.value.message_dict["allocations"][0]
    assert not Payment.objects.exists()


def test_only_the_back_office_records_and_applies(books, customer, three):
    payment, _ = customer_payment_record(actor=books, customer=customer, amount="80.00",
                                         method="cash", idempotency_key="d1")
    for role in (Role.AGENT, Role.SUPERVISOR, Role.TECHNICIAN, Role.CUSTOMER):
        user = UserFactory(role=role)
        with pytest.raises(PermissionDenied):
            customer_payment_record(actor=user, customer=customer, amount="10.00",
                                    method="cash", idempotency_key="x")
        with pytest.raises(PermissionDenied):
            payment_apply(actor=user, payment=payment, allocations=[(three[0], "10.00")])
    assert Payment.objects.count() == 1 and not InvoicePayment.objects.exists()


# --- money on account ------------------------------------------------------------------------------

def test_a_deposit_before_the_invoice_is_applied_later(books, customer, clock_at):
    deposit, created = customer_payment_record(
        actor=books, customer=customer, amount="500.00", method="transfer",
        idempotency_key="dep-1", reference="合同定金")
    assert created and not deposit.invoice_allocations.exists()
    assert customer_on_account(customer) == D("500.00")
    assert customer_balance(customer).outstanding == D("0.00")
    clock_at(15, 0, day=DAY + timedelta(days=10))
    invoice = invoice_make(customer, "1130.00")
    rows, created = payment_apply(actor=books, payment=deposit, idempotency_key="apply-1",
                                  allocations=[(invoice, "500.00")])
    assert created and [r.amount for r in rows] == [D("500.00")]
    assert _balance(invoice).outstanding == D("630.00")
    assert customer_on_account(customer) == D("0.00")
    assert list(event_list(invoice))[-1].data["from_account"] is True
    # applied when it was applied: as of the day before, the invoice was not paid by it
    assert _balance(invoice, as_of=DAY + timedelta(days=10)).paid == D("500.00")
    again, created = payment_apply(actor=books, payment=deposit, idempotency_key="apply-1",
                                   allocations=[(invoice, "500.00")])
    assert not created and again == rows
    with pytest.raises(ValidationError) as err:  # nothing left on account
        payment_apply(actor=books, payment=deposit, idempotency_key="apply-2",
                      allocations=[(invoice, "0.01")])
    assert "Only ¥0.00 of payment" in err.value.message_dict["allocations"][0]


def test_a_sheet_payment_is_not_money_on_account(books, customer):
    from .factories import payment_make, sheet_make

    sheet = sheet_make(customer, "60.00")
    paid = payment_make(sheet, "60.00")
    invoice = invoice_make(customer, "10.00")
    with pytest.raises(ValidationError) as err:
        payment_apply(actor=books, payment=paid, allocations=[(invoice, "10.00")])
    assert "charge sheet" in err.value.message_dict["allocations"][0]
    assert customer_on_account(customer) == D("0.00")


# --- reversals: an append-only ledger --------------------------------------------------------------

def test_a_mistaken_application_is_reversed_by_a_new_row(books, customer, three):
    old, mid, _new = three
    payment, _ = customer_payment_record(
        actor=books, customer=customer, amount="300.00", method="transfer",
        idempotency_key="t", allocations=[(old, "100.00"), (mid, "200.00")])
    wrong = payment.invoice_allocations.get(invoice=mid)
    with pytest.raises(ValidationError) as err:
        allocation_reverse(actor=books, allocation=wrong, reason=" ")
    assert "reason" in err.value.message_dict
    reversal = allocation_reverse(actor=books, allocation=wrong, reason="应付另一张发票")
    assert (reversal.amount, reversal.reverses, reversal.reason) == (
        D("-200.00"), wrong, "应付另一张发票")
    assert _open(three)[:2] == [D("0.00"), D("200.00")]
    assert customer_on_account(customer) == D("200.00")
    assert [e.action for e in event_list(mid)] == ["payment", "payment_reverse"]
    with pytest.raises(ValidationError) as err:
        allocation_reverse(actor=books, allocation=wrong, reason="again")
    assert "already reversed" in err.value.message_dict["allocations"][0]
    with pytest.raises(ValidationError):
        allocation_reverse(actor=books, allocation=reversal, reason="undo")
    # the money applied again where it belongs
    payment_apply(actor=books, payment=payment, allocations=[(three[2], "200.00")])
    assert _open(three) == [D("0.00"), D("200.00"), D("100.00")]
    assert customer_on_account(customer) == D("0.00")


def test_allocations_are_never_changed_or_deleted(books, customer, three):
    payment, _ = customer_payment_record(actor=books, customer=customer, amount="100.00",
                                         method="transfer", idempotency_key="t",
                                         allocations=[(three[0], "100.00")])
    row = payment.invoice_allocations.get()
    row.amount = D("1.00")
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        InvoicePayment.objects.filter(pk=row.pk).update(amount=D("1.00"))
    from django.db import connection
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017
        cursor.execute("UPDATE invoicing_invoicepayment SET amount = 1 WHERE id = %s", [row.pk])
    with pytest.raises(IntegrityError), transaction.atomic():  # a positive "reversal"
        InvoicePayment.objects.create(payment=payment, invoice=three[0], amount=D("5.00"),
                                      reverses=row, allocated_at=row.allocated_at,
                                      allocated_by=books)
    assert InvoicePayment.objects.get(pk=row.pk).amount == D("100.00")


# --- everything that sums what was paid -------------------------------------------------------------

def test_balances_receivables_and_instalments_sum_allocations(books, customer, three):
    old, mid, new = three
    payment_schedule_set(actor=books, invoice=new, instalments=[
        (DAY, "100.00"), (DAY + timedelta(days=30), "200.00")])
    customer_payment_record(actor=books, customer=customer, amount="500.00", method="transfer",
                            idempotency_key="t", allocations=[(old, "60.00"), (new, "150.00")])
    row = receivables(type(old).objects.filter(customer=customer))[0]
    assert (row.invoiced, row.paid, row.outstanding) == (D("600.00"), D("210.00"), D("390.00"))
    # the middle one is 30 days old, the old one 60; the scheduled one's open instalments are
    # not yet overdue
    assert row.buckets["0_30"] == D("200.00") and row.buckets["31_60"] == D("40.00")
    assert row.not_due == D("150.00")
    plan = invoice_plan(_balance(new))
    assert [(s.paid, s.state) for s in plan.instalments] == [
        (D("100.00"), "paid"), (D("50.00"), "partly_paid")]
    assert customer_balance(customer).paid == D("210.00")
    assert customer_on_account(customer) == D("290.00")
    # the oldest due first: the old one, then the schedule's open instalment, then the middle
    assert [b.invoice for b in invoices_open_for(customer)] == [old, mid, new]


def test_an_invoice_paid_against_it_keeps_its_amount(books, customer):
    invoice = invoice_make(customer, "1130.00")
    allocation, _ = invoice_payment_record(actor=books, invoice=invoice, amount="1000.00",
                                           method="transfer", idempotency_key="b")
    assert allocation.amount == D("1000.00") and allocation.allocated_by == books
    assert allocation.idempotency_key == "b"


def test_a_split_payment_is_one_payment_and_in_no_hand_over(books, customer, three):
    customer_payment_record(actor=books, customer=customer, amount="600.00", method="cash",
                            idempotency_key="t",
                            allocations=[(i, i.total) for i in three])
    assert Payment.objects.count() == 1
    assert Payment.objects.get().handover is None and not Handover.objects.exists()


# --- pages ------------------------------------------------------------------------------------------

def test_the_pay_page_splits_oldest_first_and_records_it(books, customer, three, client):
    client.force_login(books)
    url = reverse("invoicing:customer_pay", args=[customer.pk])
    page = client.get(url, {"amount": "250.00"}).content.decode()
    assert 'value="100.00" aria-label' in page and 'value="150.00" aria-label' in page
    form = {"key": "form-1", "amount": "250.00", "method": "transfer", "reference": "回单 9",
            "invoice": [str(i.pk) for i in three], "alloc": ["100.00", "100.00", ""]}
    response = client.post(url, form)
    assert response.status_code == 302
    assert _open(three) == [D("0.00"), D("100.00"), D("300.00")]
    assert customer_on_account(customer) == D("50.00")
    assert client.post(url, form).status_code == 302  # sent twice: recorded once
    assert Payment.objects.count() == 1
    refused = client.post(url, {**form, "key": "form-2", "alloc": ["5.00", "100.01", ""]})
    assert refused.status_code == 400
    assert "¥100.00 is outstanding" in refused.content.decode() or \
        "¥100.00" in refused.content.decode()
    assert 'value="100.01"' in refused.content.decode()  # shown as typed
    assert Payment.objects.count() == 1
    listing = client.get(reverse("invoicing:on_account")).content.decode()
    assert customer.name in listing and "¥50.00" in listing


def test_the_on_account_page_finds_a_customer_by_name_or_the_phone_as_said(books, client):
    """To record money from a customer who has none on account yet, the accountant finds him
    on the page: part of the name, or the phone as a caller says it (no +86, spaces)."""
    wanted = CustomerFactory(name="海燕物业", phone="+8613800138000")
    CustomerFactory(name="蓝天公司", phone="+8613900139000")
    client.force_login(books)
    pay = reverse("invoicing:customer_pay", args=[wanted.pk])
    for q in ("海燕", "138 0013 8000"):
        page = client.get(reverse("invoicing:on_account"), {"q": q}).content.decode()
        assert pay in page and "蓝天公司" not in page, q


def test_money_on_account_is_applied_and_reversed_on_the_pages(books, customer, three, client):
    deposit, _ = customer_payment_record(actor=books, customer=customer, amount="120.00",
                                         method="transfer", idempotency_key="dep")
    client.force_login(books)
    invoice_page = client.get(reverse("invoicing:invoice", args=[three[0].pk])).content.decode()
    assert f'data-apply-payment="{deposit.pk}"' in invoice_page
    url = reverse("invoicing:customer_pay", args=[customer.pk])
    page = client.get(url, {"payment": deposit.pk}).content.decode()
    assert 'value="100.00" aria-label' in page and 'value="20.00" aria-label' in page
    client.post(url, {"payment": deposit.pk, "key": "a1", "invoice": [str(three[0].pk)],
                      "alloc": ["100.00"]})
    assert _open(three)[0] == D("0.00") and customer_on_account(customer) == D("20.00")
    row = InvoicePayment.objects.get()
    back = client.post(reverse("invoicing:allocation_reverse", args=[row.pk]),
                       {"reason": "记错客户发票"})
    assert back.status_code == 302
    assert customer_on_account(customer) == D("120.00")
    page = client.get(reverse("invoicing:invoice", args=[three[0].pk])).content.decode()
    assert "记错客户发票" in page and "data-reverse-form" not in page


def test_desk_staff_see_but_do_not_record(books, customer, three, client):
    customer_payment_record(actor=books, customer=customer, amount="10.00", method="cash",
                            idempotency_key="d")
    agent = UserFactory(role=Role.AGENT)
    client.force_login(agent)
    assert client.get(reverse("invoicing:on_account")).status_code == 200
    url = reverse("invoicing:customer_pay", args=[customer.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"key": "x", "amount": "5", "method": "cash"}).status_code == 403
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    assert client.get(reverse("invoicing:on_account")).status_code == 403
    assert Payment.objects.count() == 1


def test_the_customer_panel_shows_money_on_account(books, customer, client):
    customer_payment_record(actor=books, customer=customer, amount="88.00", method="cash",
                            idempotency_key="d")
    manager = UserFactory(role=Role.MANAGER, service_centre=None)
    client.force_login(manager)
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "data-customer-on-account" in page and "¥88.00" in page


def test_the_excel_of_invoices_sums_allocations(books, customer, three, client):
    customer_payment_record(actor=books, customer=customer, amount="250.00", method="transfer",
                            idempotency_key="t", allocations=[(three[1], "120.00")])
    client.force_login(books)
    response = client.get(reverse("invoicing:invoices_excel"))
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    paid = {row[0]: row[8] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert D(str(paid[three[1].number])) == D("120.00")
    assert D(str(paid[three[0].number])) == D("0")


# --- API --------------------------------------------------------------------------------------------

def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_api_records_a_split_payment_applies_and_reverses(books, customer, three):
    api = _api(books)
    body = {"customer": customer.pk, "amount": "400.00", "reference": "回单 1",
            "allocations": [{"invoice": three[0].pk, "amount": "100.00"},
                            {"invoice": three[1].pk, "amount": "150.00"}]}
    first = api.post("/api/v1/customer-payments/", body, format="json",
                     HTTP_IDEMPOTENCY_KEY="p-1")
    assert first.status_code == 201, first.content
    assert first.data["on_account"] == "150.00" and first.data["method"] == "transfer"
    assert [a["amount"] for a in first.data["allocations"]] == ["100.00", "150.00"]
    again = api.post("/api/v1/customer-payments/", body, format="json",
                     HTTP_IDEMPOTENCY_KEY="p-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert api.post("/api/v1/customer-payments/", body, format="json").status_code == 400
    pid = first.data["id"]
    applied = api.post(f"/api/v1/customer-payments/{pid}/apply/",
                       {"allocations": [{"invoice": three[2].pk, "amount": "150.00"}]},
                       format="json", HTTP_IDEMPOTENCY_KEY="a-1")
    assert applied.status_code == 201 and applied.data["on_account"] == "0.00"
    too_much = api.post(f"/api/v1/customer-payments/{pid}/apply/",
                        {"allocations": [{"invoice": three[2].pk, "amount": "1.00"}]},
                        format="json", HTTP_IDEMPOTENCY_KEY="a-2")
    assert too_much.status_code == 400 and "allocations" in too_much.data
    wrong = first.data["allocations"][1]["id"]
    reversed_ = api.post(f"/api/v1/customer-payments/{pid}/reverse/",
                         {"allocation": wrong, "reason": "记错"}, format="json",
                         HTTP_IDEMPOTENCY_KEY="r-1")
    assert reversed_.status_code == 201 and reversed_.data["on_account"] == "150.00"
    assert [a["reversed"] for a in reversed_.data["allocations"]][:2] == [False, True]
    replay = api.post(f"/api/v1/customer-payments/{pid}/reverse/",
                      {"allocation": wrong, "reason": "记错"}, format="json",
                      HTTP_IDEMPOTENCY_KEY="r-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    listing = api.get("/api/v1/customer-payments/", {"customer": customer.pk,
                                                     "on_account": "true"})
    assert [p["id"] for p in listing.data["results"]] == [pid]
    invoice = api.get(f"/api/v1/invoices/{three[1].pk}/").data
    assert [p["number"] for p in invoice["payments"]] == [first.data["number"]]
    assert [a["amount"] for a in invoice["allocations"]] == ["150.00", "-150.00"]


def test_api_invoice_payments_keeps_its_contract_and_applies_money_on_account(
        books, customer, three):
    api = _api(books)
    old = api.post(f"/api/v1/invoices/{three[0].pk}/payments/", {"amount": "40.00"},
                   format="json", HTTP_IDEMPOTENCY_KEY="old-1")
    assert old.status_code == 201 and old.data["amount"] == "40.00"
    assert set(old.data) == {"id", "number", "customer", "sheet", "amount", "method",
                             "reference", "received_by", "received_at", "handover"}
    deposit, _ = customer_payment_record(actor=books, customer=customer, amount="90.00",
                                         method="cash", idempotency_key="dep")
    applied = api.post(f"/api/v1/invoices/{three[0].pk}/payments/",
                       {"amount": "60.00", "payment": deposit.pk}, format="json",
                       HTTP_IDEMPOTENCY_KEY="apply-1")
    assert applied.status_code == 201 and applied.data["id"] == deposit.pk
    assert _open(three)[0] == D("0.00") and customer_on_account(customer) == D("30.00")
    over = api.post(f"/api/v1/invoices/{three[1].pk}/payments/",
                    {"amount": "31.00", "payment": deposit.pk}, format="json",
                    HTTP_IDEMPOTENCY_KEY="apply-2")
    assert over.status_code == 400 and "amount" in over.data
    other = invoice_make(CustomerFactory(), "10.00")
    foreign = api.post(f"/api/v1/invoices/{other.pk}/payments/",
                       {"amount": "5.00", "payment": deposit.pk}, format="json",
                       HTTP_IDEMPOTENCY_KEY="apply-3")
    assert foreign.status_code == 400 and "payment" in foreign.data


def test_api_is_for_the_back_office_only(books, customer):
    customer_payment_record(actor=books, customer=customer, amount="10.00", method="cash",
                            idempotency_key="d")
    agent = _api(UserFactory(role=Role.AGENT))
    assert agent.get("/api/v1/customer-payments/").data["count"] == 1
    denied = agent.post("/api/v1/customer-payments/", {"customer": customer.pk,
                                                        "amount": "5.00"},
                        format="json", HTTP_IDEMPOTENCY_KEY="x")
    assert denied.status_code == 403
    assert _api(UserFactory(role=Role.TECHNICIAN)).get(
        "/api/v1/customer-payments/").data["count"] == 0
    portal = UserFactory(role=Role.CUSTOMER)
    assert _api(portal).get("/api/v1/customer-payments/").status_code in (200, 403)
    if _api(portal).get("/api/v1/customer-payments/").status_code == 200:
        assert _api(portal).get("/api/v1/customer-payments/").data["count"] == 0
    assert Payment.objects.count() == 1


# --- the data migration ------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_existing_payments_against_an_invoice_keep_their_whole_amount():
    """Migration 0005: a row written before allocations had amounts pays its invoice with its
    whole payment, applied when and by whom the payment was received; the table stays
    append-only."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("invoicing", "0004_payment_schedules")], [
        ("invoicing", "0005_payment_allocations")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        old = old_apps.get_model("invoicing", "InvoicePayment")
        books = accountant()
        customer = CustomerFactory()
        # the invoice as that schema knows it (later migrations add columns)
        invoice = old_apps.get_model("invoicing", "Invoice").objects.create(
            number="IV26110001", customer_id=customer.pk, kind="single", net=D("1000.00"),
            tax_rate=D("13"), tax=D("130.00"), total=D("1130.00"), issued_at=_at(3))
        payment = Payment.objects.create(
            number="SK26110001", customer=customer, amount=D("1000.00"), method="transfer",
            received_by=books, received_at=_at(3), idempotency_key="old")
        old.objects.create(payment_id=payment.pk, invoice_id=invoice.pk)
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
    row = InvoicePayment.objects.get()
    assert (row.amount, row.allocated_at, row.allocated_by) == (D("1000.00"), _at(3), books)
    assert _balance(Invoice.objects.get(pk=invoice.pk)).outstanding == D("130.00")
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017
        cursor.execute("UPDATE invoicing_invoicepayment SET amount = 1 WHERE id = %s", [row.pk])
