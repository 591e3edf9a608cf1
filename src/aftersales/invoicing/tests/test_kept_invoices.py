"""What a dealer or a customer kept is invoiced to it (PT-3): a faulty part a dealer did not send
back by its due day, or a lent part not brought back, is charged by parts' sweeps and invoiced
then — a dealer at once, a customer by his invoicing preference; the invoice is a receivable like
any other, paid by transfer (a dealer's too), never beyond what it has open; an invoice the tax
platform refused waits on the start page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from aftersales.accounts.tests.factories import PASSWORD
from aftersales.billing.models import Payment
from aftersales.core.events import event_list
from aftersales.core.tests.concurrency import at_once
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.dealers.tests.test_job_parts import complete, handed
from aftersales.dealers.tests.test_orders import DAY, _world
from aftersales.parts import services as parts
from aftersales.parts.choices import MoveKind
from aftersales.parts.models import Loan, LoanStatus, ReturnObligation, ReturnStatus
from aftersales.service.tests.factories import Cast

from ..choices import InvoiceKind, InvoicingMode
from ..models import Invoice, InvoiceLine
from ..selectors import invoice_balances, receivables
from ..services import (
    allocation_reverse,
    invoice_payment_record,
    invoices_issue_for_period,
    invoicing_preference_set,
    kept_invoice_issue,
    payment_schedule_set,
)

REFUSING = "aftersales.invoicing.tests.test_invoices.RefusingIssuer"
LATER = DAY + timedelta(days=40)  # past every due day below


def _kept_world(cast):
    net = _world(cast)
    parts.stock_move(actor=cast.manager, warehouse=net["stock"], part=net["part"],
                     kind=MoveKind.RECEIPT, quantity=3)
    return net


@pytest.fixture
def net(kept_net):
    return kept_net


def dealer_kept(net, quantity=2):
    """A warranty job of D1's fitting ``quantity`` ignition parts (35.50 each) whose faulty parts
    were never sent back: swept as kept."""
    complete(net, handed(net), (net["part"], quantity))
    assert parts.obligations_sweep(today=LATER) == 1
    return ReturnObligation.objects.get(dealer=net["d1"])


def customer_loan(net, customer, quantity=1):
    """The valve (80.00) lent to ``customer`` from the central store, due in a week."""
    return parts.loan_create(actor=net["cast"].manager, warehouse=net["central"],
                             part=net["valve"], quantity=quantity, customer=customer,
                             due_on=DAY + timedelta(days=7))


def test_a_faulty_part_a_dealer_kept_is_invoiced_to_the_dealer_as_it_is_charged(net):
    obligation = dealer_kept(net)
    assert (obligation.status, obligation.charge_amount) == (ReturnStatus.KEPT, Decimal("71.00"))
    invoice = Invoice.objects.get()
    assert (invoice.dealer, invoice.customer, invoice.kind, invoice.total, invoice.issued_by) == (
        net["d1"], None, InvoiceKind.KEPT, Decimal("71.00"), None)
    assert invoice.net + invoice.tax == invoice.total
    line = InvoiceLine.objects.get()
    assert (line.obligation, line.sheet, line.order, line.loan) == (obligation, None, None, None)
    assert line.source_number == obligation.request.number
    assert line.description == (f"旧件 IGN-1 {net['part'].name} × 2 未寄回"
                                f"（{obligation.request.number}，应于 "
                                f"{obligation.due_on.isoformat()} 前）")
    issued = [e for e in event_list(invoice) if e.action == "issue"]
    assert (issued[0].data["obligations"], issued[0].data["loans"]) == ([obligation.pk], [])
    # a receivable of the dealer's (the customers' list alone leaves dealers out)
    rows = receivables(Invoice.objects.all(), dealers=True)
    assert [(r.dealer, r.customer, r.outstanding) for r in rows] == [
        (net["d1"], None, Decimal("71.00"))]
    assert rows[0].party == net["d1"] and rows[0].buckets["0_30"] == Decimal("71.00")
    assert receivables(Invoice.objects.all()) == []
    # swept again: charged and invoiced once
    assert parts.obligations_sweep(today=LATER + timedelta(days=1)) == 0
    assert Invoice.objects.count() == 1


def test_the_dealer_pays_its_invoice_by_transfer_never_beyond_what_is_open(net):
    dealer_kept(net)
    invoice = Invoice.objects.get()
    accountant = net["accountant"]
    with pytest.raises(ValidationError) as error:
        invoice_payment_record(actor=accountant, invoice=invoice, amount="80.00",
                               method="transfer", idempotency_key="k-1")
    assert "71.00" in error.value.message_dict["amount"][0]
    assert not Payment.objects.exists()
    allocation, created = invoice_payment_record(
        actor=accountant, invoice=invoice, amount="50.00", method="transfer",
        idempotency_key="k-2", reference="HX-9")
    assert created
    payment = allocation.payment
    assert (payment.dealer, payment.customer, payment.sheet, payment.payer) == (
        net["d1"], None, None, net["d1"])
    again, created = invoice_payment_record(actor=accountant, invoice=invoice, amount="50.00",
                                            method="transfer", idempotency_key="k-2")
    assert (again, created) == (allocation, False)
    invoice_payment_record(actor=accountant, invoice=invoice, amount="21.00",
                           method="transfer", idempotency_key="k-3")
    balance = invoice_balances(Invoice.objects.all())[0]
    assert (balance.paid, balance.outstanding) == (Decimal("71.00"), Decimal("0.00"))
    # nothing of it is a customer's money on account, nor goes back on account
    assert not Payment.objects.filter(customer__isnull=False).exists()
    with pytest.raises(ValidationError) as error:
        allocation_reverse(actor=accountant, allocation=allocation, reason="记错")
    assert "经销商" in error.value.message_dict["allocation"][0]
    assert invoice_balances(Invoice.objects.all())[0].outstanding == Decimal("0.00")
    # a dealer's invoice takes no payment schedule
    with pytest.raises(ValidationError) as error:
        payment_schedule_set(actor=accountant, invoice=invoice,
                             instalments=[(LATER, Decimal("71.00"))], reason="分期")
    assert "经销商" in error.value.message_dict["invoice"][0]


def test_a_technicians_kept_part_is_not_invoiced(net):
    cast = net["cast"]
    obligation = ReturnObligation.objects.create(
        request=handed(net).request, part=net["part"], owed_by=cast.technician,
        due_on=DAY + timedelta(days=15), service_centre=cast.centre)
    assert parts.obligations_sweep(today=LATER) == 1
    obligation.refresh_from_db()
    assert obligation.status == ReturnStatus.KEPT
    assert not Invoice.objects.exists()


def test_a_customers_kept_loan_follows_his_invoicing_preference(net, clock_at):
    accountant = net["accountant"]
    now, later, never = (CustomerFactory(name=n) for n in ("按次客户", "按月客户", "不开票客户"))
    invoicing_preference_set(actor=accountant, customer=later, mode=InvoicingMode.LATER)
    invoicing_preference_set(actor=accountant, customer=never, mode=InvoicingMode.NEVER)
    loans = {c.name: customer_loan(net, c) for c in (now, later, never)}
    clock_at(9, 0, day=LATER, tick=False)
    assert parts.loans_sweep(today=LATER) == 3
    assert set(Loan.objects.values_list("status", flat=True)) == {LoanStatus.KEPT}
    invoice = Invoice.objects.get()  # only the one invoiced per job, at once
    assert (invoice.customer, invoice.kind, invoice.total) == (now, InvoiceKind.KEPT,
                                                               Decimal("80.00"))
    line = invoice.lines.get()
    assert (line.loan, line.source_number) == (loans["按次客户"], loans["按次客户"].number)
    assert loans["按次客户"].number in line.description and "未归还" in line.description
    # the monthly customer's goes into his month's invoice
    month = LATER.strftime("%y%m")
    issued = invoices_issue_for_period(actor=accountant, period=month)
    assert [(i.customer, i.kind, i.total) for i in issued] == [
        (later, InvoiceKind.BATCH, Decimal("80.00"))]
    assert issued[0].lines.get().loan == loans["按月客户"]
    # the one who takes no invoice gets none, even by hand
    with pytest.raises(ValidationError):
        kept_invoice_issue(actor=accountant, customer=never)
    assert Invoice.objects.count() == 2


def test_a_loan_a_dealer_kept_is_invoiced_to_the_dealer_with_its_kept_faulty_part(net):
    """Two things D1 kept, charged by the two sweeps: each invoiced to D1 as it is charged."""
    loan = parts.loan_create(actor=net["cast"].manager, warehouse=net["central"],
                             part=net["valve"], quantity=2, dealer=net["d1"],
                             due_on=DAY + timedelta(days=3))
    assert parts.loans_sweep(today=LATER) == 1
    obligation = dealer_kept(net)
    invoices = list(Invoice.objects.order_by("number"))
    assert [(i.dealer, i.kind, i.total) for i in invoices] == [
        (net["d1"], InvoiceKind.KEPT, Decimal("160.00")),
        (net["d1"], InvoiceKind.KEPT, Decimal("71.00"))]
    assert [line.loan for line in invoices[0].lines.all()] == [loan]
    assert [line.obligation for line in invoices[1].lines.all()] == [obligation]
    [row] = receivables(Invoice.objects.all(), dealers=True)
    assert (row.dealer, row.outstanding, len(row.invoices)) == (net["d1"], Decimal("231.00"), 2)


def test_a_refused_invoice_waits_on_the_start_page_and_is_issued_from_there(net, client):
    with override_settings(INVOICE_ISSUER=REFUSING):
        obligation = dealer_kept(net)
    assert obligation.status == ReturnStatus.KEPT  # charged all the same
    assert not Invoice.objects.exists()
    client.login(username=net["accountant"].username, password=PASSWORD)
    home = client.get(reverse("invoicing:home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = home.content.decode()
    assert "data-kept-to-invoice" in page and "¥71.00" in page and net["d1"].name in page
    answer = client.post(reverse("invoicing:kept_invoice"), {"dealer": net["d1"].pk})
    invoice = Invoice.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("invoicing:invoice",
                                                                        args=[invoice.pk])
    assert invoice.lines.get().obligation == obligation
    assert "data-kept-to-invoice" not in client.get(reverse("invoicing:home")).content.decode()
    # asked again: nothing left, said by name
    answer = client.post(reverse("invoicing:kept_invoice"), {"dealer": net["d1"].pk},
                         follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "没有未归还件待开票" in answer.content.decode()
    assert Invoice.objects.count() == 1


def test_the_month_batch_takes_a_dealers_kept_parts_left_without_an_invoice(net):
    with override_settings(INVOICE_ISSUER=REFUSING):
        dealer_kept(net)
    month = DAY.strftime("%y%m")  # charged when swept, on DAY
    issued = invoices_issue_for_period(actor=net["accountant"], period=month)
    assert [(i.dealer, i.kind, i.total) for i in issued] == [
        (net["d1"], InvoiceKind.KEPT, Decimal("71.00"))]
    assert invoices_issue_for_period(actor=net["accountant"], period=month) == []


def test_the_invoice_and_receivables_pages_show_the_dealer_and_take_its_payment(net, client):
    dealer_kept(net)
    invoice = Invoice.objects.get()
    client.login(username=net["accountant"].username, password=PASSWORD)
    page = client.get(reverse("invoicing:invoice", args=[invoice.pk]),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "data-payment-form" in page and "data-order-payments" not in page
    assert "data-on-account-links" not in page and "data-schedule" not in page
    assert "未归还件" in page  # the kind
    rows = client.get(reverse("invoicing:receivables"),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'data-dealer="{net["d1"].pk}"' in rows and invoice.number in rows
    client.force_login(net["cast"].manager)  # the dealer's page says what it owes
    dealer_page = client.get(reverse("dealers:detail", args=[net["d1"].pk]),
                             HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "data-dealer-owes" in dealer_page and "未归还件尚欠 ¥71.00" in dealer_page
    client.login(username=net["accountant"].username, password=PASSWORD)
    answer = client.post(reverse("invoicing:invoice_payment_new", args=[invoice.pk]),
                         {"amount": "71.00", "method": "transfer", "key": "form-1",
                          "reference": "HX-10"})
    assert answer.status_code == 302
    assert invoice_balances(Invoice.objects.all())[0].outstanding == Decimal("0.00")
    rows = client.get(reverse("invoicing:receivables")).content.decode()
    assert f'data-dealer="{net["d1"].pk}"' not in rows  # nothing open
    found = client.get(reverse("invoicing:receivables") + f"?open=0&q={net['d1'].code}")
    assert f'data-dealer="{net["d1"].pk}"' in found.content.decode()
    printed = client.get(reverse("invoicing:invoice_print", args=[invoice.pk])).content.decode()
    assert "IGN-1" in printed and invoice.lines.get().description in printed


def test_the_api_shows_the_kept_line_and_takes_the_dealers_payment(net, client):
    dealer_kept(net)
    invoice = Invoice.objects.get()
    client.login(username=net["accountant"].username, password=PASSWORD)
    body = client.get(f"/api/v1/invoices/{invoice.pk}/").json()
    obligation = ReturnObligation.objects.get()
    assert [(line["obligation"], line["loan"], line["amount"]) for line in body["lines"]] == [
        (obligation.pk, None, "71.00")]
    answer = client.post(f"/api/v1/invoices/{invoice.pk}/payments/",
                         {"amount": "71.00", "method": "transfer"},
                         content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-1")
    assert answer.status_code == 201, answer.content
    assert answer.json()["customer"] is None  # the payer is the invoice's dealer
    assert Payment.objects.get().dealer == net["d1"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_sweeps_at_once_invoice_each_kept_part_once(clock_at):
    clock_at(10, 0, day=DAY, tick=False)
    net = _kept_world(Cast())
    for _ in range(3):
        complete(net, handed(net), (net["part"], 1))
    assert sum(at_once(lambda _: parts.obligations_sweep(today=LATER), 2)) == 3
    assert InvoiceLine.objects.filter(obligation__isnull=False).count() == 3
    assert Invoice.objects.filter(dealer=net["d1"], kind=InvoiceKind.KEPT).count() == 3
    assert sorted(Invoice.objects.values_list("total", flat=True)) == [Decimal("35.50")] * 3
