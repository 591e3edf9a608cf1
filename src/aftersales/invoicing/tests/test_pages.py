"""Invoicing's pages: who may see and do what, filters, Excel, the print view, panels."""

from datetime import datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import PASSWORD, UserFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.tests.factories import Cast

from ..models import CreditNote, Invoice, InvoicingPreference, ReturnNote
from ..services import credit_note_issue, invoice_issue
from .factories import accountant, payment_make, sheet_make

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def customer(cast):
    return CustomerFactory(service_centre=cast.centre, name="海燕物业")


@pytest.fixture
def books(client):
    user = accountant()
    client.login(username=user.username, password=PASSWORD)
    return user


def test_home_lists_work_to_invoice_and_invoice_now_issues_it(client, books, cast, customer):
    sheet = sheet_make(customer, "226", cast=cast)
    page = client.get(reverse("invoicing:home"))
    assert page.status_code == 200
    assert "海燕物业" in page.content.decode() and "226" in page.content.decode()
    month = sheet.issued_at.astimezone(SH).strftime("%Y-%m")
    response = client.post(reverse("invoicing:invoice_now"),
                           {"customer": customer.pk, "period": month})
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response.url == reverse("invoicing:invoice",
                                                                   args=[invoice.pk])
    assert invoice.total == Decimal("226.00") and invoice.kind == "batch"
    detail = client.get(response.url).content.decode()
    assert invoice.number in detail and "200.00" in detail and "26.00" in detail
    listing = client.get(reverse("invoicing:home"), {"q": invoice.number}).content.decode()
    assert invoice.number in listing
    assert invoice.number not in client.get(reverse("invoicing:home"),
                                            {"q": "IV0000"}).content.decode()


def test_print_view_has_company_customer_lines_and_tax(client, books, cast, customer, settings):
    settings.INVOICE_COMPANY = {"name": "上海维娜斯售后服务部", "tax_id": "91310000MA1234567X"}
    invoice = invoice_issue(actor=books, customer=customer,
                            sheet_ids=[sheet_make(customer, "113", cast=cast).pk])
    html = client.get(reverse("invoicing:invoice_print", args=[invoice.pk])).content.decode()
    for text in ("上海维娜斯售后服务部", "91310000MA1234567X", "海燕物业", invoice.number,
                 "100.00", "13.00", "113.00", "invoicing/print.css"):
        assert text in html


def test_credit_and_return_notes_from_the_invoice_page(client, books, cast, customer):
    invoice = invoice_issue(actor=books, customer=customer,
                            sheet_ids=[sheet_make(customer, "300", cast=cast).pk])
    url = reverse("invoicing:credit_note_new", args=[invoice.pk])
    client.post(url, {"kind": "credit", "amount": "100", "reason": "多收上门费"})
    response = client.post(url, {"kind": "credit", "amount": "250", "reason": "再退"},
                           follow=True)
    assert "200.00" in response.content.decode()  # what is left, in the refusal
    assert CreditNote.objects.count() == 1
    client.post(reverse("invoicing:return_note_new", args=[invoice.pk]),
                {"description": "遥控器", "quantity": "1", "amount": "50", "reason": "未使用退回"})
    response = client.post(reverse("invoicing:preference_set", args=[customer.pk]),
                           {"mode": "never", "next": reverse("invoicing:invoice",
                                                             args=[invoice.pk])})
    assert response.url == reverse("invoicing:invoice", args=[invoice.pk])
    assert InvoicingPreference.objects.get(customer=customer).mode == "never"
    note = ReturnNote.objects.get()
    assert note.amount == Decimal("50.00") and CreditNote.objects.count() == 2
    html = client.get(reverse("invoicing:invoice", args=[invoice.pk])).content.decode()
    assert note.number in html and "150.00" in html  # outstanding 300 − 150


def test_desk_staff_read_but_may_not_issue_and_technicians_see_nothing(client, cast, customer):
    sheet = sheet_make(customer, "80", cast=cast)
    invoice = invoice_issue(actor=accountant(), customer=customer,
                            sheet_ids=[sheet_make(customer, "10", cast=cast).pk])
    client.login(username=cast.agent.username, password=PASSWORD)
    assert client.get(reverse("invoicing:home")).status_code == 200
    assert client.get(reverse("invoicing:invoice", args=[invoice.pk])).status_code == 200
    for url, data in ((reverse("invoicing:invoice_now"), {"customer": customer.pk,
                                                          "period": "2026-11"}),
                      (reverse("invoicing:credit_note_new", args=[invoice.pk]),
                       {"kind": "credit", "amount": "1", "reason": "x"}),
                      (reverse("invoicing:preference_set", args=[customer.pk]),
                       {"mode": "never"})):
        assert client.post(url, data).status_code == 403
    assert Invoice.objects.count() == 1 and not CreditNote.objects.exists()
    assert not InvoicingPreference.objects.exists() and not hasattr(sheet, "invoice_line")
    client.login(username=cast.technician.username, password=PASSWORD)
    for name in ("invoicing:home", "invoicing:receivables", "invoicing:figures",
                 "invoicing:credit_notes"):
        assert client.get(reverse(name)).status_code == 403
    customer_user = UserFactory(username="cust", role=Role.CUSTOMER, service_centre=None)
    client.login(username=customer_user.username, password=PASSWORD)
    assert client.get(reverse("invoicing:invoice", args=[invoice.pk])).status_code == 403


def test_receivables_page_filters_and_excel(client, books, cast, customer):
    other = CustomerFactory(service_centre=cast.centre, name="李先生")
    sheet = sheet_make(customer, "500", cast=cast)
    invoice_issue(actor=books, customer=customer, sheet_ids=[sheet.pk])
    payment_make(sheet, "120")
    paid = sheet_make(other, "90", cast=cast)
    invoice_issue(actor=books, customer=other, sheet_ids=[paid.pk])
    payment_make(paid, "90")
    html = client.get(reverse("invoicing:receivables")).content.decode()
    assert "海燕物业" in html and "380.00" in html and "李先生" not in html
    assert "李先生" in client.get(reverse("invoicing:receivables"), {"open": "0"}).content.decode()
    assert "海燕物业" not in client.get(reverse("invoicing:receivables"),
                                    {"bucket": "over_90"}).content.decode()
    response = client.get(reverse("invoicing:receivables_excel"))
    book = load_workbook(BytesIO(response.content))
    rows = list(book.worksheets[0].values)
    assert rows[2][0] == "海燕物业" and rows[2][5] == 380


def test_figures_page_with_chart_and_excel(client, books, cast, customer):
    sheet_make(customer, "150", cast=cast, at=datetime(2026, 11, 5, 10, tzinfo=SH))
    html = client.get(reverse("invoicing:figures"), {"month": "2026-11"}).content.decode()
    assert "report-charts" in html and "150.00" in html and "echarts" in html
    response = client.get(reverse("invoicing:figures_excel"), {"month": "2026-11"})
    book = load_workbook(BytesIO(response.content))
    summary = {row[0]: row[1] for row in book.worksheets[0].values}
    assert float(list(summary.values())[2]) == 150.0


def test_customer_page_panel_shows_balance_and_sets_preference(client, cast, customer):
    invoice_issue(actor=accountant(), customer=customer,
                  sheet_ids=[sheet_make(customer, "66", cast=cast).pk])
    client.login(username=cast.manager.username, password=PASSWORD)
    url = reverse("customers:detail", args=[customer.pk])
    html = client.get(url).content.decode()
    assert "data-customer-balance" in html and "¥66.00" in html
    response = client.post(reverse("invoicing:preference_set", args=[customer.pk]),
                           {"mode": "later", "note": "月结", "next": url})
    assert response.status_code == 302 and response.url == url
    assert InvoicingPreference.objects.get(customer=customer).mode == "later"


def test_reports_start_page_has_the_money_card(client, cast):
    manager = UserFactory(username="boss", role=Role.MANAGER, service_centre=None)
    client.login(username=manager.username, password=PASSWORD)
    html = client.get(reverse("reports:index")).content.decode()
    assert reverse("invoicing:figures") in html and reverse("invoicing:receivables") in html


def test_credit_notes_list_and_excel(client, books, customer):
    from ..services import credit_note_issue

    credit_note_issue(actor=books, customer=customer, amount="30", reason="投诉补偿",
                      kind="allowance")
    html = client.get(reverse("invoicing:credit_notes"), {"kind": "allowance"}).content.decode()
    assert "投诉补偿" in html
    assert "投诉补偿" not in client.get(reverse("invoicing:credit_notes"),
                                    {"kind": "refund"}).content.decode()
    book = load_workbook(BytesIO(client.get(reverse("invoicing:credit_notes_excel")).content))
    assert list(book.worksheets[0].values)[1][6] == "投诉补偿"


def test_lists_take_as_many_queries_for_many_rows_as_for_few(client, books, cast):

    def counts():
        result = []
        for name in ("invoicing:home", "invoicing:receivables", "invoicing:credit_notes"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            result.append(len(queries))
        return result

    def add(n):
        for _ in range(n):
            customer = CustomerFactory(service_centre=cast.centre)
            invoice = invoice_issue(actor=books, customer=customer,
                                    sheet_ids=[sheet_make(customer, "50", cast=cast).pk])
            sheet_make(customer, "20", cast=cast)  # waits for an invoice
            credit_note_issue(actor=books, customer=customer, amount="5", reason="x",
                              invoice=invoice)

    add(2)
    few = counts()
    add(8)
    assert counts() == few
