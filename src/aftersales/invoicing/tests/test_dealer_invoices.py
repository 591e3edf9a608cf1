"""A dealer's charged parts order (PT-1: sold at cost, paid before shipping) is invoiced to the
dealer as it ships — once, for what it paid; an order the tax platform refused waits on the
start page and is invoiced by hand; a dealer's invoice is corrected by a credit note to the
dealer, and takes none of a customer invoice's other steps."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import PASSWORD, ServiceCentreFactory, UserFactory
from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.tests.concurrency import at_once, ok
from aftersales.dealers.tests.test_orders import DAY, _world, order, pay, picked
from aftersales.parts import services as parts
from aftersales.parts.models import MaterialRequestPayment, OrderReturn
from aftersales.parts.models import MaterialRequestStatus as S
from aftersales.service.tests.factories import Cast

from ..choices import CreditKind, InvoiceKind
from ..models import CreditNote, Invoice, InvoiceLine
from ..selectors import invoice_balances, receivables
from ..services import (
    credit_note_issue,
    dealer_refund_record,
    invoice_payment_record,
    invoiceable_orders,
    order_invoice_issue,
    order_invoice_of,
    payment_schedule_set,
    return_note_issue,
)

REFUSING = "aftersales.invoicing.tests.test_invoices.RefusingIssuer"


@pytest.fixture
def net(db, clock_at):
    clock_at(10, 0, day=DAY, tick=False)
    with translation.override("zh-hans"):
        yield _world(Cast())


def paid_order(net):
    """An order of 3 ignition parts at 20.00 and a valve at 48.30, picked and paid: 108.30."""
    material = order(net, (net["part"], 3), (net["valve"], 1))
    material = picked(net, material)
    pay(net, material, "108.30", reference="HX-1")
    return material


def ship(net, material):
    return parts.material_request_ship(actor=net["cast"].manager, material_request=material)


def test_a_paid_order_is_invoiced_to_its_dealer_as_it_ships(net):
    material = ship(net, paid_order(net))
    invoice = Invoice.objects.get()
    assert (invoice.dealer, invoice.customer, invoice.kind, invoice.total) == (
        net["d1"], None, InvoiceKind.ORDER, Decimal("108.30"))
    assert invoice.party == net["d1"] and invoice.number.startswith("IV2611")
    assert invoice.net + invoice.tax == invoice.total and invoice.tax == Decimal("12.46")
    line = InvoiceLine.objects.get()
    assert (line.order, line.sheet, line.contract, line.amount) == (
        material, None, None, Decimal("108.30"))
    assert line.source_number == material.number and material.number in line.description
    balance = invoice_balances(Invoice.objects.all())[0]
    assert (balance.paid, balance.outstanding) == (Decimal("108.30"), Decimal("0.00"))
    issued = [e for e in event_list(invoice) if e.action == "issue"]
    assert issued[0].data["orders"] == [material.number]
    assert order_invoice_of(material) == invoice
    assert not invoiceable_orders().exists()
    # a dealer's invoice is no customer's receivable
    assert receivables(Invoice.objects.all()) == []


def test_a_free_or_unpaid_order_gets_no_invoice(net):
    material = picked(net, order(net, (net["part"], 1)))
    with pytest.raises(ValidationError):
        ship(net, material)  # not paid: the ship is refused, and no invoice either
    assert not Invoice.objects.exists()
    material.refresh_from_db()
    assert material.status == S.PICKED
    with pytest.raises(ValidationError) as refused:
        order_invoice_issue(actor=net["accountant"], order=material)
    assert "发货" in refused.value.message_dict["order"][0]


def test_a_refused_invoice_leaves_the_order_shipped_and_waiting_to_be_invoiced_once(net):
    with override_settings(INVOICE_ISSUER=REFUSING):
        material = ship(net, paid_order(net))
    material.refresh_from_db()
    assert material.status == S.SHIPPED and material.shipping_number
    assert not Invoice.objects.exists()
    assert list(invoiceable_orders()) == [material]
    invoice = order_invoice_issue(actor=net["accountant"], order=material)
    assert invoice.dealer == net["d1"] and invoice.issued_by == net["accountant"]
    with pytest.raises(ValidationError) as again:
        order_invoice_issue(actor=net["accountant"], order=material)
    assert "已开" in again.value.message_dict["order"][0]
    assert Invoice.objects.count() == 1


def test_a_dealers_invoice_is_corrected_by_a_credit_note_to_the_dealer(net, client):
    ship(net, paid_order(net))
    invoice = Invoice.objects.get()
    with pytest.raises(ValidationError) as wrong:
        credit_note_issue(actor=net["accountant"], customer=net["east"], amount="10",
                          reason="价格错", invoice=invoice)
    assert wrong.value.message_dict["invoice"] == ["该发票不属于此客户。"]
    note = credit_note_issue(actor=net["accountant"], amount="10.00", reason="阀门按新价",
                             kind=CreditKind.CREDIT, invoice=invoice)
    assert (note.dealer, note.customer, note.party) == (net["d1"], None, net["d1"])
    with pytest.raises(ValidationError) as too_much:
        credit_note_issue(actor=net["accountant"], amount="98.31", reason="再退",
                          invoice=invoice)
    assert "98.30" in too_much.value.message_dict["amount"][0]
    balance = invoice_balances(Invoice.objects.all())[0]
    assert (balance.credited, balance.outstanding) == (Decimal("10.00"), Decimal("-10.00"))
    # the credit-note table stays append-only in the database after its migration
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE invoicing_creditnote SET amount = 1")
    client.login(username=net["accountant"].username, password=PASSWORD)
    page = client.get(reverse("invoicing:invoice", args=[invoice.pk])).content.decode()
    assert note.number in page and "data-credit" in page and "data-return" not in page
    listed = client.get(reverse("invoicing:credit_notes"), {"q": "浦东经销"}).content.decode()
    assert note.number in listed and "浦东经销商" in listed
    client.force_login(net["accountant"])
    posted = client.post("/api/v1/credit-notes/", {"invoice": invoice.pk, "amount": "5.00",
                                                   "reason": "运费"},
                         content_type="application/json", headers={"Idempotency-Key": "cn-1"})
    assert posted.status_code == 201, posted.content
    assert (posted.json()["dealer"], posted.json()["customer"]) == (net["d1"].pk, None)
    assert client.get("/api/v1/credit-notes/", {"dealer": net["d1"].pk}).json()["count"] == 2


def test_a_dealers_invoice_takes_no_payment_schedule_or_return(net):
    ship(net, paid_order(net))
    invoice = Invoice.objects.get()
    steps = [
        lambda: return_note_issue(actor=net["accountant"], invoice=invoice, reason="退回",
                                  lines=[("点火针", "20.00", None, 1)]),
        lambda: invoice_payment_record(actor=net["accountant"], invoice=invoice, amount="1",
                                       method="transfer", idempotency_key="k1"),
        lambda: payment_schedule_set(actor=net["accountant"], invoice=invoice,
                                     instalments=[(DAY, "108.30")]),
    ]
    for step in steps:
        with pytest.raises(ValidationError) as refused:
            step()
        assert invoice.number in refused.value.message_dict["invoice"][0]
        assert "经销商" in refused.value.message_dict["invoice"][0]
    assert not invoice.return_notes.exists() and not invoice.payments.exists()


def test_the_pages_show_the_dealers_invoice(net, client):
    material = ship(net, paid_order(net))
    invoice = Invoice.objects.get()
    client.login(username=net["accountant"].username, password=PASSWORD)
    home = client.get(reverse("invoicing:home")).content.decode()
    assert invoice.number in home and "浦东经销商" in home and "data-dealer-invoice" in home
    page = client.get(reverse("invoicing:invoice", args=[invoice.pk])).content.decode()
    assert "data-invoice-dealer" in page and "浦东经销商" in page
    assert reverse("parts:material_request", args=[material.pk]) in page
    assert "HX-1" in page and "data-order-payments" in page
    assert "data-record-payment" not in page and "data-return" not in page
    printed = client.get(reverse("invoicing:invoice_print", args=[invoice.pk])).content.decode()
    assert "浦东经销商" in printed and printed.count("data-order-part") == 2
    assert "配件销售发票" in printed and "服务发票" not in printed
    assert "IGN-1" in printed and "@ ¥20.00" in printed
    found = client.get(reverse("invoicing:home"), {"q": "浦东经销"}).content.decode()
    assert invoice.number in found
    by_dealer = client.get(reverse("invoicing:home"), {"dealer": net["d1"].pk}).content.decode()
    assert invoice.number in by_dealer
    other = client.get(reverse("invoicing:home"), {"dealer": net["d2"].pk}).content.decode()
    assert invoice.number not in other
    order_page = client.get(reverse("parts:material_request", args=[material.pk])).content
    assert reverse("invoicing:invoice", args=[invoice.pk]) in order_page.decode()
    # the dealer's login sees the number on its order, without a link it could not open
    client.login(username=net["u1"].username, password=PASSWORD)
    mine = client.get(reverse("parts:material_request", args=[material.pk])).content.decode()
    assert invoice.number in mine
    assert f'href="{reverse("invoicing:invoice", args=[invoice.pk])}"' not in mine
    assert reverse("invoicing:invoice_print", args=[invoice.pk]) in mine  # its print opens
    # head office finds the invoices on the dealer's page
    client.login(username=net["cast"].manager.username, password=PASSWORD)
    dealer_page = client.get(reverse("dealers:detail", args=[net["d1"].pk])).content.decode()
    assert "data-dealer-invoices-panel" in dealer_page and invoice.number in dealer_page


def test_an_order_is_linked_only_where_its_page_opens(net, client):
    """Every desk reads every invoice, but a centre's desk opens only its own centre's parts
    orders: the invoice, the start page's orders to invoice and the dealer's statement link an
    order for the dealer's centre and show its number alone to another centre."""
    with override_settings(INVOICE_ISSUER=REFUSING):
        waiting = ship(net, paid_order(net))  # paid, shipped, waiting for its invoice
    material = ship(net, paid_order(net))
    invoice = Invoice.objects.get()
    elsewhere = UserFactory(username="sup-elsewhere", role=Role.SUPERVISOR,
                            service_centre=ServiceCentreFactory())
    statement = reverse("invoicing:dealer_statement", args=[net["d1"].pk])
    for user, opens in ((net["cast"].supervisor, True), (elsewhere, False)):
        client.force_login(user)
        links = {o: f'href="{reverse("parts:material_request", args=[o.pk])}"'
                 for o in (material, waiting)}
        assert client.get(reverse("parts:material_request", args=[material.pk])
                          ).status_code == (200 if opens else 404)
        for url, order_shown in ((reverse("invoicing:invoice", args=[invoice.pk]), material),
                                 (reverse("invoicing:home"), waiting),
                                 (statement, material), (statement, waiting)):
            response = client.get(url)
            page = response.content.decode()
            assert response.status_code == 200 and order_shown.number in page, url
            assert (links[order_shown] in page) == opens, (user.username, url)


def test_an_order_shipped_without_invoice_is_invoiced_from_the_start_page(net, client,
                                                                        monkeypatch):
    client.login(username=net["accountant"].username, password=PASSWORD)
    with override_settings(INVOICE_ISSUER=REFUSING):
        material = ship(net, paid_order(net))
        with CaptureQueriesContext(connection) as one_listed:
            client.get(reverse("invoicing:home"))
        later = ship(net, paid_order(net))
    with CaptureQueriesContext(connection) as both_listed:
        client.get(reverse("invoicing:home"))
    # the orders' lines and payments are read once for the list, not once per order
    assert len(both_listed.captured_queries) == len(one_listed.captured_queries)
    monkeypatch.setattr("aftersales.invoicing.views.invoices.ORDERS_SHOWN", 1)
    home = client.get(reverse("invoicing:home")).content.decode()
    assert "data-orders-to-invoice" in home and material.number in home
    assert later.number not in home and "共 2 张订货单" in home  # the oldest first
    monkeypatch.undo()
    panel = client.get(reverse("parts:material_request", args=[material.pk])).content.decode()
    assert "data-order-invoice-now" in panel
    response = client.post(reverse("invoicing:order_invoice", args=[material.pk]))
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("invoicing:invoice", args=[invoice.pk])
    again = client.post(reverse("invoicing:order_invoice", args=[material.pk]),
                        {"next": "https://evil.example/"}, follow=False)
    assert again.status_code == 302 and again.url == reverse("invoicing:home")
    assert Invoice.objects.count() == 1
    home = client.get(reverse("invoicing:home")).content.decode()
    assert f'data-order="{material.pk}"' not in home and f'data-order="{later.pk}"' in home
    assert "data-orders-more" not in home


def test_the_api_reads_and_issues_a_dealers_invoice(net, client):
    with override_settings(INVOICE_ISSUER=REFUSING):
        material = ship(net, paid_order(net))
    client.force_login(net["accountant"])
    url = "/api/v1/invoices/"
    both = client.post(url, {"order": material.pk, "customer": net["east"].pk},
                       content_type="application/json", headers={"Idempotency-Key": "o-1"})
    assert both.status_code == 400 and "order" in both.json()
    created = client.post(url, {"order": material.pk}, content_type="application/json",
                          headers={"Idempotency-Key": "o-2"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["dealer"], body["customer"], body["kind"], body["total"]) == (
        net["d1"].pk, None, "order", "108.30")
    assert body["lines"][0]["order"] == material.pk
    assert body["lines"][0]["order_number"] == material.number
    listed = client.get(url, {"dealer": net["d1"].pk}).json()
    assert [row["number"] for row in listed["results"]] == [body["number"]]
    twice = client.post(url, {"order": material.pk}, content_type="application/json",
                        headers={"Idempotency-Key": "o-3"})
    assert twice.status_code == 400
    # the dealer's own system reads the invoice's number on its order
    client.force_login(net["u1"])
    order_read = client.get(f"/api/v1/material-requests/{material.pk}/").json()
    assert order_read["invoice_number"] == body["number"]
    assert client.get("/api/v1/material-requests/").json()["results"][0]["invoice_number"] \
        == body["number"]


def send_back(net, material, **by_part):
    lines = {str(line.pk): by_part[line.part.code]
             for line in material.lines.select_related("part") if line.part.code in by_part}
    return parts.order_return_receive(actor=net["cast"].manager, material_request=material,
                                      lines=lines, note="SF-9")


def test_parts_sent_back_credit_the_orders_invoice_by_the_refund(net, client):
    material = ship(net, paid_order(net))
    invoice = Invoice.objects.get()
    document = send_back(net, material, **{"IGN-1": "2"})
    note = CreditNote.objects.get()
    assert (note.kind, note.invoice, note.dealer, note.customer, note.amount) == (
        CreditKind.CREDIT, invoice, net["d1"], None, Decimal("40.00"))
    assert (note.source_id, note.source_label) == (document.pk, document.number)
    assert material.number in note.reason and document.number in note.reason
    assert [(line.description, line.amount) for line in note.lines.all()] == [
        (f"IGN-1 {net['part'].name} × 2 退回", Decimal("40.00"))]
    # paid 108.30, refunded 40.00, credited 40.00: nothing outstanding either way
    balance = invoice_balances(Invoice.objects.all())[0]
    assert (balance.paid, balance.credited, balance.outstanding) == (
        Decimal("68.30"), Decimal("40.00"), Decimal("0.00"))
    client.login(username=net["accountant"].username, password=PASSWORD)
    page = client.get(reverse("invoicing:invoice", args=[invoice.pk])).content.decode()
    assert note.number in page and document.number in page


def test_a_credit_the_invoice_cannot_take_refuses_the_return_and_saves_nothing(net):
    material = ship(net, paid_order(net))
    invoice = Invoice.objects.get()
    credit_note_issue(actor=net["accountant"], amount="100.00", reason="折让",
                      kind=CreditKind.CREDIT, invoice=invoice)
    with pytest.raises(ValidationError) as refused:
        send_back(net, material, **{"IGN-1": "1"})
    assert invoice.number in refused.value.message_dict["amount"][0]
    assert not OrderReturn.objects.exists() and CreditNote.objects.count() == 1
    assert parts.order_paid(material) == Decimal("108.30")


def test_an_order_not_invoiced_yet_is_invoiced_for_what_the_dealer_kept(net):
    with override_settings(INVOICE_ISSUER=REFUSING):
        material = ship(net, paid_order(net))
        other = ship(net, paid_order(net))
    send_back(net, material, **{"VLV-1": "1"})
    assert not CreditNote.objects.exists()  # nothing to credit yet
    invoice = order_invoice_issue(actor=net["accountant"], order=material)
    assert invoice.total == Decimal("60.00")
    assert invoice_balances(Invoice.objects.all())[0].outstanding == 0
    # every part of the other came back: it leaves the list, with nothing to invoice
    send_back(net, other, **{"VLV-1": "1", "IGN-1": "3"})
    assert not invoiceable_orders().exists()
    with pytest.raises(ValidationError) as nothing:
        order_invoice_issue(actor=net["accountant"], order=other)
    assert other.number in nothing.value.message_dict["order"][0]


def test_what_a_credit_leaves_owed_to_the_dealer_is_paid_back_on_its_order(net, client):
    material = ship(net, paid_order(net))
    invoice = Invoice.objects.get()
    with pytest.raises(ValidationError) as nothing:
        dealer_refund_record(actor=net["accountant"], invoice=invoice, amount="1.00")
    assert invoice.number in nothing.value.message_dict["amount"][0]
    credit_note_issue(actor=net["accountant"], amount="30.00", reason="阀门降价",
                      kind=CreditKind.CREDIT, invoice=invoice)
    assert invoice_balances(Invoice.objects.all())[0].owed_back == Decimal("30.00")
    with pytest.raises(ValidationError) as too_much:
        dealer_refund_record(actor=net["accountant"], invoice=invoice, amount="30.01")
    assert "30.00" in too_much.value.message_dict["amount"][0]
    with pytest.raises(PermissionDenied):
        dealer_refund_record(actor=net["u1"], invoice=invoice, amount="30.00")
    with pytest.raises(ValidationError) as stale:  # the page showed another balance
        dealer_refund_record(actor=net["accountant"], invoice=invoice, amount="10.00",
                             owed_seen="20.00")
    assert "30.00" in stale.value.message_dict["amount"][0]
    assert not MaterialRequestPayment.objects.filter(method="refund").exists()
    # the page: the amount owed back, the form; sent twice, it pays once
    client.login(username=net["accountant"].username, password=PASSWORD)
    page = client.get(reverse("invoicing:invoice", args=[invoice.pk])).content.decode()
    assert "data-owed-back" in page and "data-dealer-refund" in page and "¥30.00" in page
    url = reverse("invoicing:dealer_refund_new", args=[invoice.pk])
    form = {"amount": "30.00", "reference": "ICBC-R1", "owed": "30.00"}
    assert client.post(url, form).status_code == 302
    again = client.post(url, form, follow=True).content.decode()
    assert "已变更" in again or "发生了变化" in again
    refund = MaterialRequestPayment.objects.get(method="refund")
    assert (refund.material_request, refund.amount, refund.reference, refund.recorded_by) == (
        material, Decimal("-30.00"), "ICBC-R1", net["accountant"])
    balance = invoice_balances(Invoice.objects.all())[0]
    assert (balance.paid, balance.credited, balance.outstanding) == (
        Decimal("78.30"), Decimal("30.00"), Decimal("0.00"))
    assert [e.action for e in event_list(invoice)][-1] == "refund"
    assert [e.action for e in event_list(material)][-1] == "refund"
    page = client.get(reverse("invoicing:invoice", args=[invoice.pk])).content.decode()
    assert "data-owed-back" not in page and "ICBC-R1" in page and "已退款给经销商" in page


def test_the_api_pays_a_dealer_back(net, client):
    ship(net, paid_order(net))
    invoice = Invoice.objects.get()
    credit_note_issue(actor=net["accountant"], amount="8.30", reason="运费",
                      kind=CreditKind.CREDIT, invoice=invoice)
    client.force_login(net["accountant"])
    url = f"/api/v1/invoices/{invoice.pk}/refund/"
    assert client.post(url, {"amount": "8.30"}, content_type="application/json").status_code == 400
    too_much = client.post(url, {"amount": "9.00"}, content_type="application/json",
                           headers={"Idempotency-Key": "r-0"})
    assert too_much.status_code == 400 and "amount" in too_much.json()
    done = client.post(url, {"amount": "8.30", "reference": "T-1"},
                       content_type="application/json", headers={"Idempotency-Key": "r-1"})
    assert done.status_code == 201, done.content
    assert (done.json()["amount"], done.json()["method"]) == ("-8.30", "refund")
    replay = client.post(url, {"amount": "8.30", "reference": "T-1"},
                         content_type="application/json", headers={"Idempotency-Key": "r-1"})
    assert replay.json()["id"] == done.json()["id"]
    assert MaterialRequestPayment.objects.filter(method="refund").count() == 1


def test_a_customers_invoice_is_not_refunded_as_a_dealers(net):
    invoice = Invoice(number="IV-X", customer=net["east"])
    with pytest.raises(ValidationError) as refused:
        dealer_refund_record(actor=net["accountant"], invoice=invoice, amount="1")
    assert "IV-X" in refused.value.message_dict["invoice"][0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_refunds_and_a_return_at_once_pay_back_once_and_never_deadlock(clock_at):
    clock_at(10, 0, day=DAY, tick=False)
    with translation.override("zh-hans"):
        net = _world(Cast(), suffix="-F")
        material = ship(net, paid_order(net))
        invoice = Invoice.objects.get()
        credit_note_issue(actor=net["accountant"], amount="20.00", reason="调价",
                          kind=CreditKind.CREDIT, invoice=invoice)
        ignition = material.lines.get(part=net["part"])
        calls = [
            lambda: dealer_refund_record(actor=net["accountant"], invoice=invoice,
                                         amount="20.00"),
            lambda: dealer_refund_record(actor=net["cast"].manager, invoice=invoice,
                                         amount="20.00"),
            lambda: parts.order_return_receive(actor=net["cast"].manager,
                                               material_request=material,
                                               lines={str(ignition.pk): "1"}),
        ]
        results = at_once(ok(lambda i: calls[i]()), 3)
    # one of the two refunds; the return always (it locks the order first, as refunds do)
    assert sorted(results[:2]) == ["ok", "refused"] and results[2] == "ok"
    refunds = MaterialRequestPayment.objects.filter(method="refund").order_by("amount")
    assert [r.amount for r in refunds] == [Decimal("-20.00"), Decimal("-20.00")]
    balance = invoice_balances(Invoice.objects.all())[0]
    assert balance.outstanding == Decimal("0.00") and balance.credited == Decimal("40.00")
