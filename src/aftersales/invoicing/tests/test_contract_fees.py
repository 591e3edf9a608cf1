"""A maintenance contract's fee invoiced (AR-6, BL-1) and money paid against an invoice itself:
at signing for a customer invoiced now, in the month's batch for one invoiced later, by hand;
never twice; the fee of an invoiced contract kept; payments never beyond what is outstanding."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.billing.models import Payment
from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied
from aftersales.customers import services as contracts
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.service.tests.factories import Cast

from ..choices import InvoiceKind
from ..models import Invoice, InvoiceLine, InvoicePayment
from ..selectors import customer_balance, invoice_balances
from ..services import (
    contract_invoice_issue,
    contract_invoice_of,
    invoice_issue,
    invoice_payment_record,
    invoiceable_contracts,
    invoices_issue_for_period,
    invoicing_preference_set,
)
from .factories import accountant, payment_make, sheet_make

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 16)


@pytest.fixture
def people(clock_at):
    clock_at(10, 30, day=DAY)
    manager = UserFactory(username="mgr", role=Role.MANAGER, service_centre=None)
    return manager, accountant()


def _contract(actor, customer=None, fee="1130.00", **kw):
    customer = customer or CustomerFactory()
    return contracts.contract_create(
        actor=actor, customer=customer, products=[InstalledProductFactory(customer=customer)],
        starts_on=kw.pop("starts_on", DAY + timedelta(days=15)),
        ends_on=kw.pop("ends_on", DAY + timedelta(days=379)), fee=Decimal(fee), **kw)


def test_a_contract_signed_by_a_customer_invoiced_now_is_invoiced_at_once(people):
    manager, _acc = people
    contract = _contract(manager)
    invoice = contract_invoice_of(contract)
    assert invoice is not None and invoice.kind == InvoiceKind.CONTRACT
    assert (invoice.net, invoice.tax, invoice.total) == (
        Decimal("1000.00"), Decimal("130.00"), Decimal("1130.00"))
    assert (invoice.period_start, invoice.period_end) == (contract.starts_on, contract.ends_on)
    line = invoice.lines.get()
    assert line.contract == contract and line.sheet is None
    assert line.source_number == contract.number and contract.number in line.description
    assert [e.action for e in event_list(invoice)] == ["issue"]
    assert event_list(invoice)[0].data["contracts"] == [contract.number]
    assert not invoiceable_contracts().filter(pk=contract.pk).exists()
    with pytest.raises(ValidationError) as err:  # a second time: refused, nothing issued
        contract_invoice_issue(actor=manager, contract=contract)
    assert "contract" in err.value.message_dict
    assert Invoice.objects.count() == 1


def test_a_contract_without_a_fee_or_of_a_customer_who_takes_none_is_not_invoiced(people):
    manager, acc = people
    free = _contract(manager, fee="0")
    customer = CustomerFactory()
    invoicing_preference_set(actor=acc, customer=customer, mode="never")
    never = _contract(manager, customer=customer)
    assert Invoice.objects.count() == 0
    with pytest.raises(ValidationError) as err:
        contract_invoice_issue(actor=acc, contract=never)
    assert "customer" in err.value.message_dict
    with pytest.raises(ValidationError):
        contract_invoice_issue(actor=acc, contract=free)
    assert Invoice.objects.count() == 0


def test_a_customer_invoiced_monthly_gets_the_fee_in_the_month_batch(people, clock_at):
    manager, acc = people
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    invoicing_preference_set(actor=acc, customer=customer, mode="later")
    contract = _contract(manager, customer=customer)
    sheet = sheet_make(customer, "45.50", cast=cast, at=datetime(2026, 11, 3, 9, tzinfo=SH))
    assert contract_invoice_of(contract) is None  # not at signing
    clock_at(9, 0, day=date(2026, 12, 1))
    issued = invoices_issue_for_period(actor=acc, period="2611")
    assert len(issued) == 1
    invoice = issued[0]
    assert invoice.kind == InvoiceKind.BATCH and invoice.total == Decimal("1175.50")
    assert {(line.sheet_id, line.contract_id) for line in invoice.lines.all()} == {
        (sheet.pk, None), (None, contract.pk)}
    assert invoices_issue_for_period(actor=acc, period="2611") == []  # nothing left
    assert invoices_issue_for_period(actor=acc, period="2612") == []  # signed in November


@override_settings(INVOICE_ISSUER="aftersales.invoicing.tests.test_invoices.RefusingIssuer")
def test_a_refused_invoice_leaves_the_contract_made_and_its_fee_to_invoice(people):
    manager, _acc = people
    contract = _contract(manager)
    assert contract.pk and contract.number.startswith("HT")
    assert Invoice.objects.count() == 0
    assert invoiceable_contracts().filter(pk=contract.pk).exists()


def test_the_fee_of_an_invoiced_contract_stays_and_other_terms_may_change(people):
    manager, acc = people
    contract = _contract(manager)
    invoice = contract_invoice_of(contract)
    with pytest.raises(ValidationError) as err:
        contracts.contract_update(actor=manager, contract=contract, fee=Decimal("900"))
    assert invoice.number in err.value.message_dict["fee"][0]
    contract.refresh_from_db()
    assert contract.fee == Decimal("1130.00") and contract.version == 1
    contracts.contract_update(actor=manager, contract=contract, note="续签时再议")
    contract.refresh_from_db()
    assert contract.note == "续签时再议" and contract.version == 2
    # a fee not yet invoiced may change (a customer invoiced monthly, before the batch)
    customer = CustomerFactory()
    invoicing_preference_set(actor=acc, customer=customer, mode="later")
    later = _contract(manager, customer=customer)
    contracts.contract_update(actor=manager, contract=later, fee=Decimal("900"))
    later.refresh_from_db()
    assert later.fee == Decimal("900.00")


def test_a_renewal_is_invoiced_like_a_new_contract(people, clock_at):
    manager, _acc = people
    old = _contract(manager, starts_on=DAY - timedelta(days=300), ends_on=DAY + timedelta(days=20))
    clock_at(8, 0, day=DAY)
    contracts.contract_renewals_sweep(today=DAY)
    new = contracts.contract_renew(actor=manager, renewal=old.renewal)
    assert contract_invoice_of(new).lines.get().contract == new
    assert Invoice.objects.count() == 2


def test_a_line_charges_a_sheet_or_a_contract_never_neither(people):
    manager, _acc = people
    invoice = contract_invoice_of(_contract(manager))
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.create(invoice=invoice, description="x", net=Decimal("1"),
                                   tax=Decimal("0"), amount=Decimal("1"))


# --- payments against an invoice ---------------------------------------------------------------

def test_a_payment_against_the_invoice_lowers_what_is_outstanding(people):
    manager, acc = people
    invoice = contract_invoice_of(_contract(manager))
    allocation, created = invoice_payment_record(
        actor=acc, invoice=invoice, amount="1000.00", method="transfer",
        idempotency_key="bank-0001", reference="工行 回单 8812")
    assert created and allocation.invoice == invoice
    payment = allocation.payment
    assert payment.sheet is None and payment.customer == invoice.customer
    assert payment.amount == Decimal("1000.00") and payment.reference == "工行 回单 8812"
    balance = invoice_balances(Invoice.objects.filter(pk=invoice.pk))[0]
    assert (balance.paid, balance.outstanding) == (Decimal("1000.00"), Decimal("130.00"))
    assert customer_balance(invoice.customer).outstanding == Decimal("130.00")
    assert [e.action for e in event_list(invoice)] == ["issue", "payment"]
    again, created = invoice_payment_record(  # the same form sent twice: recorded once
        actor=acc, invoice=invoice, amount="1000.00", method="transfer",
        idempotency_key="bank-0001")
    assert not created and again == allocation
    assert InvoicePayment.objects.count() == 1


def test_a_payment_beyond_what_is_outstanding_is_refused_and_nothing_is_saved(people):
    manager, acc = people
    invoice = contract_invoice_of(_contract(manager))
    invoice_payment_record(actor=acc, invoice=invoice, amount="1100.00", method="transfer",
                           idempotency_key="k1")
    with pytest.raises(ValidationError) as err:
        invoice_payment_record(actor=acc, invoice=invoice, amount="30.01", method="cash",
                               idempotency_key="k2")
    assert "¥30.00" in err.value.message_dict["amount"][0]
    with pytest.raises(ValidationError) as err:  # a key used for another payment
        invoice_payment_record(actor=acc, invoice=invoice, amount="5.00", method="transfer",
                               idempotency_key="k1")
    assert "idempotency_key" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        invoice_payment_record(actor=acc, invoice=invoice, amount="-1", method="cash",
                               idempotency_key="k3")
    assert "amount" in err.value.message_dict
    assert Payment.objects.count() == 1 and InvoicePayment.objects.count() == 1


def test_a_job_paid_on_site_and_the_rest_against_the_invoice(people):
    """A monthly invoice: what the technician took for a job counts, the rest is paid by
    transfer against the invoice, and no more than that."""
    _manager, acc = people
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    sheet = sheet_make(customer, "200.00", cast=cast)
    payment_make(sheet, "50.00")
    invoice = invoice_issue(actor=acc, customer=customer, sheet_ids=[sheet.pk])
    with pytest.raises(ValidationError):
        invoice_payment_record(actor=acc, invoice=invoice, amount="150.01", method="transfer",
                               idempotency_key="t1")
    invoice_payment_record(actor=acc, invoice=invoice, amount="150.00", method="transfer",
                           idempotency_key="t1")
    assert invoice_balances(Invoice.objects.filter(pk=invoice.pk))[0].outstanding == 0


def test_only_the_back_office_records_a_payment_against_an_invoice(people):
    manager, _acc = people
    invoice = contract_invoice_of(_contract(manager))
    for role in (Role.AGENT, Role.SUPERVISOR, Role.TECHNICIAN):
        with pytest.raises(PermissionDenied):
            invoice_payment_record(actor=UserFactory(role=role), invoice=invoice,
                                   amount="10.00", method="cash", idempotency_key=f"x-{role}")
    assert not Payment.objects.exists()


# --- pages and API -----------------------------------------------------------------------------

def test_pages_list_the_fee_invoice_it_and_take_a_payment(people, client):
    manager, acc = people
    customer = CustomerFactory()
    invoicing_preference_set(actor=acc, customer=customer, mode="later")
    contract = _contract(manager, customer=customer)
    client.force_login(acc)
    home = client.get(reverse("invoicing:home")).content.decode()
    assert f'data-contract="{contract.pk}"' in home and contract.number in home
    response = client.post(reverse("invoicing:contract_invoice", args=[contract.pk]))
    invoice = contract_invoice_of(contract)
    assert response.status_code == 302 and response.url == reverse("invoicing:invoice",
                                                                    args=[invoice.pk])
    page = client.get(response.url).content.decode()
    assert contract.number in page and "data-payment-form" in page
    response = client.post(reverse("invoicing:invoice_payment_new", args=[invoice.pk]),
                           {"amount": "1130.00", "method": "transfer", "key": "form-1",
                            "reference": "回单 77"})
    assert response.status_code == 302
    page = client.get(reverse("invoicing:invoice", args=[invoice.pk])).content.decode()
    assert "回单 77" in page and "data-payment-form" not in page  # nothing left to pay
    home = client.get(reverse("invoicing:home")).content.decode()
    assert f'data-contract="{contract.pk}"' not in home
    # the contract's page (a manager sees it) names the invoice and what is open
    client.force_login(manager)
    page = client.get(reverse("customers:contract", args=[contract.pk])).content.decode()
    assert "data-contract-fee-panel" in page and invoice.number in page
    # the desk agent reads but may not invoice or take money here
    agent = UserFactory(role=Role.AGENT, service_centre=customer.service_centre)
    client.force_login(agent)
    other = _contract(manager, customer=customer)
    assert client.post(reverse("invoicing:contract_invoice",
                               args=[other.pk])).status_code == 403
    assert client.post(reverse("invoicing:invoice_payment_new", args=[invoice.pk]),
                       {"amount": "1", "method": "cash", "key": "a"}).status_code == 403
    assert contract_invoice_of(other) is None


def test_the_api_invoices_a_contract_and_records_a_payment(people, client):
    manager, acc = people
    customer = CustomerFactory()
    invoicing_preference_set(actor=acc, customer=customer, mode="later")
    contract = _contract(manager, customer=customer)
    client.force_login(acc)
    url = "/api/v1/invoices/"
    wrong = client.post(url, {"customer": CustomerFactory().pk, "contract": contract.pk},
                        content_type="application/json", headers={"Idempotency-Key": "c0"})
    assert wrong.status_code == 400 and "contract" in wrong.json()
    response = client.post(url, {"customer": customer.pk, "contract": contract.pk},
                           content_type="application/json", headers={"Idempotency-Key": "c1"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "contract" and body["total"] == "1130.00"
    assert body["lines"][0]["contract_number"] == contract.number
    assert body["lines"][0]["sheet"] is None and body["payments"] == []
    pay = f"/api/v1/invoices/{body['id']}/payments/"
    response = client.post(pay, {"amount": "130.00", "reference": "TT 9"},
                           content_type="application/json", headers={"Idempotency-Key": "p1"})
    assert response.status_code == 201, response.content
    assert response.json()["method"] == "transfer" and response.json()["sheet"] is None
    replay = client.post(pay, {"amount": "130.00", "reference": "TT 9"},
                         content_type="application/json", headers={"Idempotency-Key": "p1"})
    assert replay.status_code in (200, 201) and replay.json()["number"] == response.json()["number"]
    too_much = client.post(pay, {"amount": "1000.01"}, content_type="application/json",
                           headers={"Idempotency-Key": "p2"})
    assert too_much.status_code == 400 and "amount" in too_much.json()
    assert client.post(pay, {"amount": "1"}, content_type="application/json").status_code == 400
    detail = client.get(f"/api/v1/invoices/{body['id']}/").json()
    assert [p["amount"] for p in detail["payments"]] == ["130.00"]
