"""A dealer's statement of account (对账单): every invoice to it, what it paid for its parts
orders and against its invoices, credits and what was paid back, by date with the balance after
each, closing at what its invoices have open; its orders paid ahead and the parts it kept that
wait for their invoice apart. The back office reads any dealer's, the dealer its own — on the
page, in Excel, through the API."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from aftersales.accounts.tests.factories import PASSWORD
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.dealers.tests.test_job_parts import complete, handed
from aftersales.dealers.tests.test_orders import DAY, order, pay, picked
from aftersales.parts import services as parts
from aftersales.service.tests.factories import Cast

from ..choices import CreditKind
from ..models import Invoice
from ..selectors import invoice_balances
from ..services import credit_note_issue, dealer_refund_record, invoice_payment_record
from ..statements import dealer_statement
from .factories import invoice_make
from .test_kept_invoices import LATER, _kept_world

REFUSING = "aftersales.invoicing.tests.test_invoices.RefusingIssuer"
SINCE = DAY - timedelta(days=1)


def at(clock_at, days: int, hh: int = 10):
    """The wall clock ``days`` after DAY at ``hh``:00, standing still."""
    clock_at(hh, 0, day=DAY + timedelta(days=days), tick=False)


def dealer_month(clock_at) -> dict:
    """Dealer D1's month: a parts order paid (108.30) and shipped (invoiced), two ignition parts
    of it sent back (credited and paid back 40.00), a credit of 8.30 paid back too; two faulty
    parts it kept (invoiced 71.00) of which it paid 30.00; a second order paid ahead (48.30),
    not shipped; and one more kept part whose invoice the tax platform refused. The clock
    stands at DAY + 9, 10:00."""
    at(clock_at, 0)
    with translation.override("zh-hans"):
        net = _kept_world(Cast())
        first = picked(net, order(net, (net["part"], 3), (net["valve"], 1)))
        pay(net, first, "108.30", reference="HX-1")
        at(clock_at, 1)
        parts.material_request_ship(actor=net["cast"].manager, material_request=first)
        at(clock_at, 2)
        lines = {str(line.pk): "2" for line in first.lines.select_related("part")
                 if line.part == net["part"]}
        parts.order_return_receive(actor=net["cast"].manager, material_request=first,
                                   lines=lines, note="SF-9")
        at(clock_at, 3)
        order_invoice = Invoice.objects.get(dealer=net["d1"])
        credit_note_issue(actor=net["accountant"], amount="8.30", reason="阀门降价",
                          kind=CreditKind.CREDIT, invoice=order_invoice)
        at(clock_at, 4)
        dealer_refund_record(actor=net["accountant"], invoice=order_invoice, amount="8.30")
        at(clock_at, 5)
        complete(net, handed(net), (net["part"], 2))
        parts.obligations_sweep(today=LATER)
        kept_invoice = Invoice.objects.exclude(pk=order_invoice.pk).get(dealer=net["d1"])
        at(clock_at, 6)
        invoice_payment_record(actor=net["accountant"], invoice=kept_invoice, amount="30.00",
                               method="transfer", idempotency_key="d1-1", reference="银行回单7")
        at(clock_at, 7)
        ahead = picked(net, order(net, (net["valve"], 1)))
        pay(net, ahead, "48.30", reference="HX-2")
        at(clock_at, 8)
        with override_settings(INVOICE_ISSUER=REFUSING):
            complete(net, handed(net), (net["part"], 1))
            parts.obligations_sweep(today=LATER + timedelta(days=10))
    at(clock_at, 9)
    return {**net, "first": first, "ahead": ahead, "order_invoice": order_invoice,
            "kept_invoice": kept_invoice}


@pytest.fixture
def history(db, clock_at):
    return dealer_month(clock_at)


def statement(net, since=SINCE, until=None):
    return dealer_statement(net["d1"], since=since, until=until or DAY + timedelta(days=9))


def test_every_movement_by_date_with_the_balance_after_it(history):
    s = statement(history)
    first = history["first"].number
    assert [(r.kind, r.number, r.debit, r.credit, r.balance) for r in s.rows] == [
        ("order", first, Decimal("0.00"), Decimal("108.30"), Decimal("-108.30")),
        ("invoice", history["order_invoice"].number, Decimal("108.30"), Decimal("0.00"),
         Decimal("0.00")),
        ("credit", s.rows[2].number, Decimal("0.00"), Decimal("40.00"), Decimal("-40.00")),
        ("order", first, Decimal("40.00"), Decimal("0.00"), Decimal("0.00")),
        ("credit", s.rows[4].number, Decimal("0.00"), Decimal("8.30"), Decimal("-8.30")),
        ("order", first, Decimal("8.30"), Decimal("0.00"), Decimal("0.00")),
        ("invoice", history["kept_invoice"].number, Decimal("71.00"), Decimal("0.00"),
         Decimal("71.00")),
        ("received", s.rows[7].number, Decimal("0.00"), Decimal("30.00"), Decimal("41.00")),
    ]
    assert s.opening == 0 and s.closing == Decimal("41.00")
    assert (s.debits, s.credits) == (Decimal("227.60"), Decimal("186.60"))
    # what its invoices have open, as the receivables count it
    open_amounts = invoice_balances(Invoice.objects.filter(dealer=history["d1"]))
    assert s.closing == sum(b.outstanding for b in open_amounts)
    with translation.override("zh-hans"):
        described = statement(history).rows
    assert first in described[0].description and "转账" in described[0].description
    assert "退" in described[3].description
    assert described[7].url == reverse("invoicing:invoice", args=[history["kept_invoice"].pk])
    # what is not invoiced yet: the order paid ahead, the part whose invoice was refused
    assert [(a.order, a.paid) for a in s.paid_ahead] == [(history["ahead"], Decimal("48.30"))]
    assert [(k.part, k.charge_amount) for k in s.kept_waiting] == [
        (history["part"], Decimal("35.50"))]
    # another dealer's statement is its own: empty
    other = dealer_statement(history["d2"], since=SINCE, until=DAY + timedelta(days=9))
    assert (other.rows, other.paid_ahead, other.kept_waiting, other.closing) == ([], [], [], 0)


def test_any_period_closes_where_the_next_opens(history):
    whole = statement(history)
    for cut in range(0, 9):
        middle = DAY + timedelta(days=cut)
        before = statement(history, until=middle)
        after = statement(history, since=middle + timedelta(days=1))
        assert before.closing == after.opening
        assert after.closing == whole.closing
        assert len(before.rows) + len(after.rows) == len(whole.rows)
    # the day it paid for the order, before it shipped: in credit by what it paid (the order is
    # invoiced now, so its payment is a row, not an order paid ahead)
    early = statement(history, until=DAY)
    assert [r.kind for r in early.rows] == ["order"] and early.closing == Decimal("-108.30")
    assert early.paid_ahead == []


def test_reads_do_not_grow_with_the_rows(history):
    with CaptureQueriesContext(connection) as before:
        statement(history)
    for n in range(3):  # three more credits and payments
        credit_note_issue(actor=history["accountant"], amount="1.00", reason=f"折让{n}",
                          kind=CreditKind.CREDIT, invoice=history["kept_invoice"])
        invoice_payment_record(actor=history["accountant"], invoice=history["kept_invoice"],
                               amount="1.00", method="transfer", idempotency_key=f"more-{n}")
    with CaptureQueriesContext(connection) as after:
        grown = statement(history)
    assert len(grown.rows) == 14
    assert len(after.captured_queries) == len(before.captured_queries)


def test_the_back_office_and_the_dealer_read_it_on_the_page_and_in_excel(history, client):
    url = reverse("invoicing:dealer_statement", args=[history["d1"].pk])
    period = {"since": SINCE.isoformat(), "until": (DAY + timedelta(days=9)).isoformat()}
    client.login(username=history["accountant"].username, password=PASSWORD)
    page = client.get(url, period).content.decode()
    assert "浦东经销商" in page and "data-statement-party" in page
    assert page.count('data-row="order"') == 3 and page.count('data-row="invoice"') == 2
    assert 'data-closing>41.00<' in page and "¥41.00" in page
    assert "data-statement-paid-ahead" in page and history["ahead"].number in page
    assert "data-statement-kept" in page and "经销商确认（签字、盖章）" in page
    assert "data-statement-send" not in page  # nothing to mail: the dealer signs the print
    assert reverse("invoicing:invoice", args=[history["kept_invoice"].pk]) in page
    excel = client.get(reverse("invoicing:dealer_statement_excel", args=[history["d1"].pk]),
                       period)
    assert excel.status_code == 200
    assert 'filename="statement-dealer-D1-' in excel["Content-Disposition"]
    cells = [c for row in load_workbook(BytesIO(excel.content)).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert "浦东经销商" in cells and Decimal("41") in [Decimal(str(c)) for c in cells
                                                     if isinstance(c, int | float)]
    assert history["ahead"].number in cells
    # the dealer's own login: its statement, with its orders linked and our invoices' pages not
    client.login(username=history["u1"].username, password=PASSWORD)
    mine = client.get(url, period)
    assert mine.status_code == 200 and "data-closing>41.00<" in mine.content.decode()
    text = mine.content.decode()
    assert reverse("parts:material_request", args=[history["first"].pk]) in text
    assert f'href="{reverse("invoicing:invoice", args=[history["kept_invoice"].pk])}"' not in text
    printed = reverse("invoicing:invoice_print", args=[history["kept_invoice"].pk])
    assert printed in text  # its invoices open as printed
    invoice = client.get(printed)
    assert invoice.status_code == 200
    assert "浦东经销商" in invoice.content.decode() and url in invoice.content.decode()  # back
    home = client.get(reverse("dealers:home")).content.decode()
    assert "data-dealer-account-panel" in home and "¥41.00" in home and url in home
    assert history["kept_invoice"].number in home  # open: 41.00 of it
    assert history["order_invoice"].number not in home  # nothing open on it
    # another dealer's login: as if there were no such statement
    client.login(username=history["u2"].username, password=PASSWORD)
    assert client.get(url).status_code == 404
    assert client.get(reverse("invoicing:dealer_statement_excel",
                              args=[history["d1"].pk])).status_code == 404
    assert client.get(printed).status_code == 404
    assert client.get(reverse("invoicing:invoice", args=[history["kept_invoice"].pk])
                      ).status_code == 403  # the back office's page is not a dealer's
    other_home = client.get(reverse("dealers:home")).content.decode()
    assert "data-dealer-account-panel" in other_home and "您在本公司的发票上无欠款" in other_home
    # a dealer's login linked to no dealer: no dealer's statement, no invoice at all (a
    # customer's neither)
    from aftersales.accounts.tests.factories import UserFactory

    unlinked = UserFactory(username="dealer-unlinked", role="dealer", service_centre=None)
    customer_invoice = invoice_make(CustomerFactory(), "10.00")
    client.force_login(unlinked)
    assert client.get(url).status_code == 404
    for invoice_pk in (customer_invoice.pk, history["kept_invoice"].pk):
        assert client.get(reverse("invoicing:invoice_print", args=[invoice_pk])
                          ).status_code == 404
    # a technician reads no statement
    client.login(username=history["cast"].technician.username, password=PASSWORD)
    assert client.get(url).status_code == 403
    assert client.get(printed).status_code == 403


def test_head_office_finds_it_from_the_dealer_and_the_receivables(history, client):
    client.login(username=history["cast"].manager.username, password=PASSWORD)
    url = reverse("invoicing:dealer_statement", args=[history["d1"].pk])
    dealer_page = client.get(reverse("dealers:detail", args=[history["d1"].pk])).content.decode()
    assert "data-dealer-statement" in dealer_page and url in dealer_page
    assert "data-dealer-account-panel" not in dealer_page  # the dealer's own home has that
    receivables = client.get(reverse("invoicing:receivables")).content.decode()
    assert url in receivables


def test_a_wrong_period_is_refused_by_name(history, client):
    client.login(username=history["accountant"].username, password=PASSWORD)
    url = reverse("invoicing:dealer_statement", args=[history["d1"].pk])
    later = client.get(url, {"until": (DAY + timedelta(days=10)).isoformat()})
    assert later.status_code == 400 and "对账单的截止日不能晚于今天" in later.content.decode()
    excel = client.get(reverse("invoicing:dealer_statement_excel", args=[history["d1"].pk]),
                       {"since": "2026-11-20", "until": "2026-11-12"})
    assert excel.status_code == 400
    assert client.get(reverse("invoicing:dealer_statement", args=[999999])).status_code == 404


def test_the_api_gives_it_to_the_back_office_and_to_the_dealers_own_system(history, client):
    url = f"/api/v1/dealer-statements/{history['d1'].pk}/"
    period = {"since": SINCE.isoformat(), "until": (DAY + timedelta(days=9)).isoformat()}
    client.force_login(history["accountant"])
    body = client.get(url, period).json()
    assert (body["dealer_code"], body["opening"], body["closing"]) == ("D1", "0.00", "41.00")
    assert [row["kind"] for row in body["rows"]] == [
        "order", "invoice", "credit", "order", "credit", "order", "invoice", "received"]
    assert body["paid_ahead"] == [{"order": history["ahead"].number,
                                   "status": history["ahead"].status, "paid": "48.30"}]
    assert [(k["part"], k["charge"], k["loan"]) for k in body["kept_waiting"]] == [
        (history["part"].code, "35.50", None)]
    client.force_login(history["u1"])
    assert client.get(url, period).json()["closing"] == "41.00"
    client.force_login(history["u2"])
    assert client.get(url).status_code == 404
    client.force_login(history["cast"].technician)
    assert client.get(url).status_code == 403
    client.force_login(history["accountant"])
    wrong = client.get(url, {"since": "2026-11-20", "until": "2026-11-12"})
    assert wrong.status_code == 400 and "since" in wrong.json()


def test_a_dealer_owed_back_is_told_so_on_its_home(db, clock_at, client):
    clock_at(10, 0, day=date(2026, 11, 10), tick=False)
    with translation.override("zh-hans"):
        net = _kept_world(Cast())
        first = picked(net, order(net, (net["valve"], 1)))
        pay(net, first, "48.30")
        parts.material_request_ship(actor=net["cast"].manager, material_request=first)
        credit_note_issue(actor=net["accountant"], amount="8.30", reason="阀门降价",
                          kind=CreditKind.CREDIT, invoice=Invoice.objects.get())
    client.login(username=net["u1"].username, password=PASSWORD)
    home = client.get(reverse("dealers:home")).content.decode()
    assert "本公司应退还您" in home and "¥8.30" in home
