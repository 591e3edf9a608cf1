"""A dealer paid its invoice for parts it kept, then a credit note took some of it off: what the
invoice owes the dealer back is paid back on the invoice (an ``InvoiceRefund``) — never more than
is owed, by whom may, once for a form sent twice or two clerks at once; the payment and its
application stay as they were, the balance, the dealer's statement and the API count it."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from aftersales.accounts.tests.factories import PASSWORD, ServiceCentreFactory
from aftersales.billing.models import Payment
from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.ledger import AppendOnlyError
from aftersales.core.tests.concurrency import at_once, ok
from aftersales.dealers.tests.test_orders import DAY
from aftersales.service.tests.factories import Cast

from ..choices import CreditKind
from ..models import Invoice, InvoicePayment, InvoiceRefund
from ..selectors import invoice_balances, monthly_figures, receivables
from ..services import credit_note_issue, dealer_refund_record, invoice_payment_record
from ..statements import dealer_statement
from .test_kept_invoices import LATER, _kept_world, dealer_kept


@pytest.fixture
def net(kept_net):
    return kept_net


def _paid_then_credited(net, credit="35.50"):
    """D1's invoice for two kept ignition parts (71.00), paid in full by transfer, then
    credited ``credit`` (one of the two came back late)."""
    dealer_kept(net)
    invoice = Invoice.objects.get()
    invoice_payment_record(actor=net["accountant"], invoice=invoice, amount="71.00",
                           method="transfer", idempotency_key="pay-1", reference="HX-1")
    credit_note_issue(actor=net["accountant"], amount=credit, reason="逾期寄回一件",
                      kind=CreditKind.CREDIT, invoice=invoice)
    return invoice


def test_what_a_credit_leaves_owed_on_a_kept_parts_invoice_is_paid_back(net, client):
    dealer_kept(net)
    invoice = Invoice.objects.get()
    invoice_payment_record(actor=net["accountant"], invoice=invoice, amount="71.00",
                           method="transfer", idempotency_key="pay-1", reference="HX-1")
    with pytest.raises(ValidationError) as nothing:  # paid, nothing credited: nothing owed back
        dealer_refund_record(actor=net["accountant"], invoice=invoice, amount="1.00")
    assert invoice.number in nothing.value.message_dict["amount"][0]
    credit_note_issue(actor=net["accountant"], amount="35.50", reason="逾期寄回一件",
                      kind=CreditKind.CREDIT, invoice=invoice)
    assert invoice_balances(Invoice.objects.all())[0].owed_back == Decimal("35.50")
    with pytest.raises(ValidationError) as too_much:
        dealer_refund_record(actor=net["accountant"], invoice=invoice, amount="35.51")
    assert "35.50" in too_much.value.message_dict["amount"][0]
    with pytest.raises(PermissionDenied):
        dealer_refund_record(actor=net["u1"], invoice=invoice, amount="35.50")
    with pytest.raises(ValidationError) as stale:
        dealer_refund_record(actor=net["accountant"], invoice=invoice, amount="10.00",
                             owed_seen="20.00")
    assert "35.50" in stale.value.message_dict["amount"][0]
    with pytest.raises(ValidationError) as method:
        dealer_refund_record(actor=net["accountant"], invoice=invoice, amount="10.00",
                             method="card")
    assert "method" in method.value.message_dict
    for nothing_to_pay in ("0", "-5.00"):
        with pytest.raises(ValidationError) as below:
            dealer_refund_record(actor=net["accountant"], invoice=invoice, amount=nothing_to_pay)
        assert below.value.message_dict["amount"] == ["请输入大于零的金额，例如 120.50。"]
    assert not InvoiceRefund.objects.exists()

    # the page: what is owed back and the form; sent twice, it pays once
    client.login(username=net["accountant"].username, password=PASSWORD)
    page = client.get(reverse("invoicing:invoice", args=[invoice.pk])).content.decode()
    assert "data-owed-back" in page and "data-dealer-refund" in page and "¥35.50" in page
    url = reverse("invoicing:dealer_refund_new", args=[invoice.pk])
    form = {"amount": "35.50", "method": "cash", "reference": "XJ-7", "owed": "35.50"}
    assert client.post(url, form).status_code == 302
    again = client.post(url, form, follow=True).content.decode()
    assert "发生了变化" in again
    refund = InvoiceRefund.objects.get()
    assert (refund.invoice, refund.amount, refund.method, refund.reference, refund.refunded_by) \
        == (invoice, Decimal("35.50"), "cash", "XJ-7", net["accountant"])
    assert invoice.number in refund.note
    balance = invoice_balances(Invoice.objects.all())[0]
    assert (balance.paid, balance.credited, balance.outstanding) == (
        Decimal("35.50"), Decimal("35.50"), Decimal("0.00"))
    # the dealer's payment and its application are as they were: the refund is its own row
    assert Payment.objects.get().amount == Decimal("71.00")
    assert list(InvoicePayment.objects.values_list("amount", flat=True)) == [Decimal("71.00")]
    refunded = [e for e in event_list(invoice) if e.action == "refund"]
    assert len(refunded) == 1 and refunded[0].data["amount"] == "35.50"
    assert refunded[0].data["method"] == "cash" and refunded[0].actor == net["accountant"]
    page = client.get(reverse("invoicing:invoice", args=[invoice.pk])).content.decode()
    assert "data-owed-back" not in page and "data-invoice-refunds" in page and "XJ-7" in page
    assert "−¥35.50" in page
    # the receivables: nothing open either way
    rows = receivables(Invoice.objects.all(), dealers=True)
    assert all(row.outstanding == 0 for row in rows)


def test_the_dealers_statement_shows_the_money_paid_back(net):
    invoice = _paid_then_credited(net)
    dealer_refund_record(actor=net["accountant"], invoice=invoice, amount="35.50",
                         reference="ICBC-9")
    with translation.override("zh-hans"):
        statement = dealer_statement(net["d1"], since=DAY, until=LATER + timedelta(days=1))
    kinds = [(row.kind, row.debit, row.credit) for row in statement.rows]
    # all at one moment (the clock stands still): in the statement's order of kinds
    assert kinds == [("invoice", Decimal("71.00"), Decimal("0.00")),
                     ("credit", Decimal("0.00"), Decimal("35.50")),
                     ("received", Decimal("0.00"), Decimal("71.00")),
                     ("paid_back", Decimal("35.50"), Decimal("0.00"))]
    paid_back = statement.rows[-1]
    assert paid_back.number == invoice.number
    assert paid_back.description == (
        f"发票 {invoice.number} 退款（{InvoiceRefund.objects.get().get_method_display()}）")
    assert paid_back.url == reverse("invoicing:invoice", args=[invoice.pk])
    assert [row.balance for row in statement.rows][-2:] == [Decimal("-35.50"), Decimal("0.00")]
    assert statement.closing == Decimal("0.00")


def test_the_months_figures_count_what_the_dealer_paid_and_was_paid_back(net, client):
    invoice = _paid_then_credited(net)
    dealer_refund_record(actor=net["accountant"], invoice=invoice, amount="30.00")
    centre, elsewhere = net["d1"].service_centre, ServiceCentreFactory()
    everywhere = monthly_figures(since=DAY, until=DAY)
    assert (everywhere["received"], everywhere["dealers_paid_back"], everywhere["refunded"]) == (
        Decimal("71.00"), Decimal("30.00"), Decimal("0.00"))
    # a centre's figures take the dealer's money by the dealer's centre, as its invoices
    ours = monthly_figures(since=DAY, until=DAY, centre=centre)
    assert (ours["received"], ours["dealers_paid_back"], ours["invoiced"]) == (
        Decimal("71.00"), Decimal("30.00"), Decimal("71.00"))
    theirs = monthly_figures(since=DAY, until=DAY, centre=elsewhere)
    assert (theirs["received"], theirs["dealers_paid_back"], theirs["invoiced"]) == (
        Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))
    assert monthly_figures(since=DAY + timedelta(days=1),
                           until=DAY + timedelta(days=1))["dealers_paid_back"] == Decimal("0.00")

    client.login(username=net["accountant"].username, password=PASSWORD)
    month = f"?month={DAY:%Y-%m}"
    page = client.get(reverse("invoicing:figures") + month).content.decode()
    assert "data-dealers-paid-back" in page and "¥30.00" in page and "已退给经销商" in page
    book = load_workbook(BytesIO(client.get(reverse("invoicing:figures_excel") + month).content))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert summary["已退给经销商"] == 30


def test_a_refund_on_an_invoice_is_never_changed(net):
    invoice = _paid_then_credited(net)
    refund = dealer_refund_record(actor=net["accountant"], invoice=invoice, amount="10.00")
    refund.amount = Decimal("1.00")
    with pytest.raises(AppendOnlyError):
        refund.save()
    with pytest.raises(AppendOnlyError):
        InvoiceRefund.objects.filter(pk=refund.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE invoicing_invoicerefund SET amount = 1 WHERE id = %s",
                       [refund.pk])
    assert InvoiceRefund.objects.get(pk=refund.pk).amount == Decimal("10.00")


def test_the_api_pays_a_dealer_back_on_a_kept_parts_invoice(net, client):
    invoice = _paid_then_credited(net, credit="20.00")
    client.force_login(net["accountant"])
    url = f"/api/v1/invoices/{invoice.pk}/refund/"
    too_much = client.post(url, {"amount": "20.01"}, content_type="application/json",
                           headers={"Idempotency-Key": "r-0"})
    assert too_much.status_code == 400 and "amount" in too_much.json()
    done = client.post(url, {"amount": "20.00", "reference": "T-1", "method": "transfer"},
                       content_type="application/json", headers={"Idempotency-Key": "r-1"})
    assert done.status_code == 201, done.content
    body = done.json()
    assert (body["invoice"], body["amount"], body["method"], body["reference"]) == (
        invoice.pk, "20.00", "transfer", "T-1")
    replay = client.post(url, {"amount": "20.00", "reference": "T-1", "method": "transfer"},
                         content_type="application/json", headers={"Idempotency-Key": "r-1"})
    assert replay.json()["id"] == body["id"]
    assert InvoiceRefund.objects.count() == 1
    shown = client.get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert [r["amount"] for r in shown["refunds"]] == ["20.00"]
    # a technician may not
    client.force_login(net["cast"].technician)
    refused = client.post(url, {"amount": "1.00"}, content_type="application/json",
                          headers={"Idempotency-Key": "r-2"})
    assert refused.status_code in (403, 404)
    assert InvoiceRefund.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_clerks_paying_the_dealer_back_at_once_pay_once(clock_at):
    clock_at(10, 0, day=DAY, tick=False)
    with translation.override("zh-hans"):
        net = _kept_world(Cast())
        invoice = _paid_then_credited(net)
        clerks = [net["accountant"], net["cast"].manager, net["accountant"]]
        results = at_once(ok(lambda i: dealer_refund_record(
            actor=clerks[i], invoice=invoice, amount="35.50")), 3)
    assert sorted(results) == ["ok", "refused", "refused"]
    assert list(InvoiceRefund.objects.values_list("amount", flat=True)) == [Decimal("35.50")]
    assert invoice_balances(Invoice.objects.all())[0].outstanding == Decimal("0.00")
