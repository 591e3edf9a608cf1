"""Invoicing in Debian's chromium (issue 11): the accountant invoices a customer's month of
charged work with "invoice now", credits part of it, prints the invoice, reads the receivables
by age and the month's figures with their chart; the service manager sees the customer's balance
on the customer's page and sets how he is invoiced. A contract's fee is paid by transfer, and
another's split into four quarterly instalments.

Screenshots go to /tmp/shots/invoicing/; set SCREENSHOT_DIR=docs/screenshots to keep them
(invoicing-*.png)."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from conftest import login, screenshot
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.customers.services import contract_create
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.invoicing.models import CreditNote, Invoice, InvoicePayment, InvoicingPreference
from aftersales.invoicing.services import invoice_issue, invoicing_preference_set
from aftersales.invoicing.tests.factories import accountant, payment_make, sheet_make
from aftersales.service.tests.factories import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name, *, full_page=True):
    screenshot(page, "invoicing", name, full_page=full_page)


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_invoice_a_month_credit_it_print_it_and_read_the_figures(page, live_server, settings):
    settings.INVOICE_COMPANY = {"name": "海川家电售后服务有限公司", "tax_id": "91310115MA1K3XXXX8",
                                "address": "上海市浦东新区张杨路 500 号", "phone": "021-5888 0000"}
    cast = Cast()
    books = accountant(first_name="周敏")
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=10)
    company = CustomerFactory(service_centre=cast.centre, name="海燕物业管理有限公司",
                              kind="company")
    invoicing_preference_set(actor=books, customer=company, mode="later", note="月结")
    for day, total in ((last_month - timedelta(days=5), "168.00"), (last_month, "245.50")):
        sheet_make(company, total, at=_at(day), cast=cast, lines=[
            ("labour", "80.00", "80.00", False), ("part", str(float(total) - 80), 
             f"{float(total) - 80:.2f}", False), ("part", "35.00", "0.00", True)])
    person = CustomerFactory(service_centre=cast.centre, name="王建国")
    old = sheet_make(person, "320.00", at=_at(today - timedelta(days=75)), cast=cast)
    with time_machine.travel(_at(today - timedelta(days=74), 9), tick=False):
        invoice_issue(actor=books, customer=person, sheet_ids=[old.pk])
    payment_make(old, "100.00", at=_at(today - timedelta(days=75), 11))
    sheet_make(CustomerFactory(service_centre=cast.centre), "0.00", category="C",
               at=_at(last_month), cast=cast,
               lines=[("labour", "80.00", "0.00", True), ("part", "120.00", "0.00", True)])

    # 1. the start page: the company's month waits; "invoice now" issues it
    login(page, live_server, books.username)
    page.goto(f"{live_server.url}/invoicing/")
    row = page.locator(f"[data-to-invoice] [data-customer='{company.pk}']")
    expect(row).to_contain_text("413.50")
    shot(page, "home.png")
    row.locator("[data-invoice-now]").click()
    page.wait_for_url(re.compile(r"/invoicing/\d+/$"))
    invoice = Invoice.objects.get(customer=company)
    assert invoice.total == 413.50 and invoice.lines.count() == 2 and invoice.kind == "batch"
    expect(page.locator("[data-invoice-number]")).to_have_text(invoice.number)

    # 2. a credit note against it, never beyond what is left
    page.locator("[data-credit-notes] input[name=amount]").fill("500")
    page.locator("[data-credit-notes] input[name=reason]").fill("多收")
    page.locator("[data-credit]").click()
    expect(page.locator(".messages")).to_contain_text("413.50")
    assert not CreditNote.objects.exists()
    page.locator("[data-credit-notes] input[name=amount]").fill("30")
    page.locator("[data-credit-notes] input[name=reason]").fill("上门费多收，按规定退还")
    page.locator("[data-credit]").click()
    expect(page.locator("[data-outstanding]")).to_have_text("¥383.50")
    shot(page, "invoice.png")

    # 3. the print view: company, customer, lines, tax at 13 %
    page.locator("[data-print-view]").click()
    expect(page.locator("[data-doc-number]")).to_have_text(invoice.number)
    for text in ("海川家电售后服务有限公司", "海燕物业管理有限公司", "365.93", "47.57", "413.50"):
        expect(page.locator("#invoice")).to_contain_text(text)
    shot(page, "print.png")

    # 4. receivables by age: the company's new invoice, the old one 75 days on
    page.goto(f"{live_server.url}/invoicing/receivables/")
    expect(page.locator(f"[data-receivables] [data-customer='{company.pk}']")).to_contain_text(
        "383.50")
    expect(page.locator(f"[data-receivables] [data-customer='{person.pk}']")).to_contain_text(
        "220.00")
    shot(page, "receivables.png")
    with page.expect_download() as download:
        page.locator("[data-excel]").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # 5. last month's figures with the chart drawn
    page.goto(f"{live_server.url}/invoicing/figures/?month={last_month:%Y-%m}")
    expect(page.locator("[data-revenue]")).to_have_text("¥413.50")
    expect(page.locator("[data-chart='0']")).to_have_attribute("data-rendered", "1")
    shot(page, "figures.png")

    # 6. the customer's page shows his balance; the manager sets how he is invoiced
    page.context.clear_cookies()
    login(page, live_server, cast.manager.username)
    page.goto(f"{live_server.url}/customers/{person.pk}/")
    expect(page.locator("[data-customer-balance]")).to_have_text("¥220.00")
    page.locator("[data-invoicing-panel] select[name=mode]").select_option("later")
    page.locator("[data-preference]").click()
    expect(page.locator("[data-invoicing-panel] select[name=mode]")).to_have_value("later")
    page.locator("[data-invoicing-panel]").scroll_into_view_if_needed()
    shot(page, "customer-panel.png", full_page=False)
    assert InvoicingPreference.objects.get(customer=person).mode == "later"


def test_a_contract_fee_invoiced_from_the_list_paid_by_transfer_and_seen_on_the_contract(
        page, live_server):
    """The accountant invoices a monthly customer's new contract from the start page, records
    the bank transfer against the invoice (the same form sent twice records it once), and the
    manager sees the fee paid on the contract's page."""
    cast = Cast()
    books = accountant(first_name="周敏")
    company = CustomerFactory(service_centre=cast.centre, name="海燕物业管理有限公司",
                              kind="company")
    invoicing_preference_set(actor=books, customer=company, mode="later", note="月结")
    today = timezone.localdate()
    contract = contract_create(
        actor=cast.manager, customer=company,
        products=[InstalledProductFactory(customer=company)],
        starts_on=today + timedelta(days=3), ends_on=today + timedelta(days=367),
        fee=Decimal("1800.00"))

    login(page, live_server, books.username)
    page.goto(f"{live_server.url}/invoicing/")
    row = page.locator(f"[data-contracts-to-invoice] [data-contract='{contract.pk}']")
    expect(row).to_contain_text("1800.00")
    row.locator("[data-contract-invoice-now]").click()
    page.wait_for_url(re.compile(r"/invoicing/\d+/$"))
    invoice = Invoice.objects.get(lines__contract=contract)
    assert invoice.kind == "contract" and invoice.total == Decimal("1800.00")
    expect(page.locator("[data-outstanding]")).to_have_text("¥1800.00")

    form = page.locator("[data-payment-form]")
    form.locator("input[name=amount]").fill("1800.01")
    form.locator("[data-record-payment]").click()
    expect(page.locator(".messages")).to_contain_text("1800.00")
    assert not InvoicePayment.objects.exists()
    form.locator("input[name=amount]").fill("1800.00")
    form.locator("input[name=reference]").fill("工行回单 556677")
    key = form.locator("input[name=key]").input_value()
    form.locator("[data-record-payment]").click()
    expect(page.locator("[data-outstanding]")).to_have_text("¥0.00")
    expect(page.locator("[data-invoice-payments]")).to_contain_text("工行回单 556677")
    expect(page.locator("[data-payment-form]")).to_have_count(0)
    # the same form sent again (a double click, a reload): one payment
    response = page.request.post(
        f"{live_server.url}/invoicing/{invoice.pk}/payment/",
        form={"amount": "1800.00", "method": "transfer", "key": key,
              "csrfmiddlewaretoken": next(c["value"] for c in page.context.cookies()
                                          if c["name"] == "csrftoken")},
        headers={"Referer": page.url})
    assert response.ok
    assert InvoicePayment.objects.filter(invoice=invoice).count() == 1
    shot(page, "payments.png")

    page.context.clear_cookies()
    login(page, live_server, cast.manager.username)
    page.goto(f"{live_server.url}/customers/contracts/{contract.pk}/")
    panel = page.locator("[data-contract-fee-panel]")
    expect(panel.locator("[data-contract-invoice]")).to_have_text(invoice.number)
    expect(panel.locator("[data-contract-outstanding]")).to_have_text("¥0.00")


def test_a_contract_fee_split_into_four_quarterly_instalments(page, live_server):
    """The accountant splits a yearly contract's invoice into four quarterly instalments from
    the contract's first day, saves them, records the first quarter's transfer and sees it
    paid; the manager sees the next instalment on the contract's page."""
    from aftersales.core.dates import add_months
    from aftersales.invoicing.models import PaymentSchedule

    cast = Cast()
    books = accountant(first_name="周敏")
    company = CustomerFactory(service_centre=cast.centre, name="东方酒店管理有限公司",
                              kind="company")
    today = timezone.localdate()
    starts = today + timedelta(days=3)
    contract = contract_create(
        actor=cast.manager, customer=company, products=[InstalledProductFactory(customer=company)],
        starts_on=starts, ends_on=add_months(starts, 12) - timedelta(days=1),
        fee=Decimal("12000.00"))
    invoice = Invoice.objects.get(lines__contract=contract)  # invoiced at signing
    quarters = [add_months(starts, 3 * n) for n in range(4)]

    login(page, live_server, books.username)
    page.goto(f"{live_server.url}/invoicing/{invoice.pk}/")
    schedule = page.locator("[data-schedule]")
    schedule.locator("summary").first.click()
    split = schedule.locator("[data-split-form]")
    split.locator("input[name=split-count]").fill("4")
    split.locator("select[name=split-every]").select_option("3")
    expect(split.locator("input[name=split-first]")).to_have_value(starts.isoformat())
    split.locator("[data-split]").click()
    rows = page.locator("[data-schedule-form] [data-schedule-row]")
    expect(rows).to_have_count(4)
    for n, day in enumerate(quarters):
        expect(rows.nth(n).locator("input[name=due_on]")).to_have_value(day.isoformat())
        expect(rows.nth(n).locator("input[name=amount]")).to_have_value("3000.00")
    page.locator("[data-schedule]").scroll_into_view_if_needed()
    shot(page, "schedule-split.png", full_page=False)
    page.locator("[data-save-schedule]").click()
    instalments = page.locator("[data-instalments] tbody tr")
    expect(instalments).to_have_count(4)
    expect(page.locator("[data-instalments] [data-state=due]")).to_have_count(4)
    assert [i.amount for i in PaymentSchedule.objects.get(invoice=invoice).instalments.all()] \
        == [Decimal("3000.00")] * 4

    form = page.locator("[data-payment-form]")
    form.locator("input[name=amount]").fill("3000.00")
    form.locator("input[name=reference]").fill("建行回单 1001")
    form.locator("[data-record-payment]").click()
    expect(page.locator("[data-instalment='1']")).to_have_attribute("data-state", "paid")
    expect(page.locator("[data-instalment='2']")).to_have_attribute("data-state", "due")
    expect(page.locator("[data-outstanding]")).to_have_text("¥9000.00")
    page.locator("[data-schedule]").scroll_into_view_if_needed()
    shot(page, "schedule.png", full_page=False)

    # whom to call: the second quarter falls due within the next 100 days
    page.goto(f"{live_server.url}/invoicing/instalments/?days=100")
    expect(page.locator(f"[data-instalment-due='{invoice.pk}-2']")).to_contain_text("3000.00")
    expect(page.locator(f"[data-instalment-due='{invoice.pk}-1']")).to_have_count(0)  # paid
    shot(page, "instalments-due.png")

    page.context.clear_cookies()
    login(page, live_server, cast.manager.username)
    page.goto(f"{live_server.url}/customers/contracts/{contract.pk}/")
    next_due = page.locator("[data-contract-fee-panel] [data-next-instalment]")
    expect(next_due).to_contain_text(quarters[1].isoformat())
    expect(next_due).to_contain_text("3000.00")
