"""One transfer for several invoices and money on account, in Debian's chromium: the accountant
records a deposit (预收款) before the contract is invoiced, then one bank transfer that the page
splits over the customer's open invoices oldest due first — she changes one amount and the rest
stays on account; she applies money on account to an invoice from its page, reverses a mistaken
application with a reason, and reads the list of money on account; the service manager sees it
on the customer's page. Each page also at a phone's width (390 px).

Screenshots go to /tmp/shots/invoicing/; set SCREENSHOT_DIR=docs/screenshots to keep them
(invoicing-allocate*.png, invoicing-on-account*.png)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from conftest import login, screenshot, screenshot_both_widths
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.billing.models import Payment
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.invoicing.models import InvoicePayment
from aftersales.invoicing.selectors import customer_on_account, invoice_balances
from aftersales.invoicing.tests.factories import accountant, invoice_make
from aftersales.service.tests.factories import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 900}


def shot(page, name):
    screenshot(page, "invoicing", name)


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _open(invoice):
    return invoice_balances(type(invoice).objects.filter(pk=invoice.pk))[0].outstanding


def test_a_deposit_one_transfer_for_three_invoices_and_a_reversal(page, live_server):
    cast = Cast()
    books = accountant(first_name="周敏")
    today = timezone.localdate()
    company = CustomerFactory(service_centre=cast.centre, name="海燕物业管理有限公司",
                              kind="company")
    page.set_viewport_size(DESKTOP)
    login(page, live_server, books.username)

    # 1. a deposit before there is an invoice: found on "Money on account", recorded as such
    page.goto(f"{live_server.url}/invoicing/on-account/")
    page.fill("[data-on-account-filter] input[name=q]", "海燕")
    page.locator("[data-on-account-filter] button[type=submit]").click()
    page.locator(f"[data-pay-customer='{company.pk}']").click()
    expect(page.locator("h1")).to_have_text("登记收款")
    page.fill("[data-pay-amount]", "3000.00")
    page.fill("input[name=reference]", "合同定金 工行回单 1001")
    expect(page.locator("[data-remainder]")).to_have_text("¥3000.00")
    page.locator("[data-pay-submit]").click()
    expect(page.locator(".messages")).to_contain_text("¥3000.00 计入预收款")
    deposit = Payment.objects.get(customer=company)
    assert customer_on_account(company) == Decimal("3000.00")

    # 2. the invoices come; one transfer of ¥5,000 for them, split oldest due first
    first = invoice_make(company, "1200.00", at=_at(today - timedelta(days=50)))
    second = invoice_make(company, "2400.00", at=_at(today - timedelta(days=20)))
    third = invoice_make(company, "3600.00", at=_at(today - timedelta(days=2)))
    page.goto(f"{live_server.url}/invoicing/{first.pk}/")
    page.locator("[data-pay-several]").click()
    page.fill("[data-pay-amount]", "5000.00")
    rows = page.locator("[data-pay-rows] [data-alloc]")
    expect(rows.nth(0)).to_have_value("1200.00")
    expect(rows.nth(1)).to_have_value("2400.00")
    expect(rows.nth(2)).to_have_value("1400.00")
    expect(page.locator("[data-remainder]")).to_have_text("¥0.00")
    # the customer asks to keep ¥400 on account: the third takes ¥1,000
    rows.nth(2).fill("1000.00")
    expect(page.locator("[data-remainder]")).to_have_text("¥400.00")
    page.fill("input[name=reference]", "工行回单 2002")
    screenshot_both_widths(page, "invoicing", "allocate")
    page.locator("[data-pay-submit]").click()
    expect(page.locator(".messages")).to_contain_text("¥400.00 计入预收款")
    assert (_open(first), _open(second), _open(third)) == (
        Decimal("0.00"), Decimal("0.00"), Decimal("2600.00"))
    transfer = Payment.objects.exclude(pk=deposit.pk).get()
    assert transfer.invoice_allocations.count() == 3

    # 3. the deposit applied to the third invoice from its page — by mistake ¥3,000 …
    page.goto(f"{live_server.url}/invoicing/{third.pk}/")
    page.locator(f"[data-apply-payment='{deposit.pk}']").first.click()
    expect(page.locator("h1")).to_have_text("核销预收款")
    rows = page.locator("[data-pay-rows] [data-alloc]")
    expect(rows.nth(0)).to_have_value("2600.00")
    rows.nth(0).fill("3000.00")
    page.locator("[data-pay-submit]").click()
    expect(page.locator(".messages")).to_contain_text("只剩 ¥2600.00")
    expect(page.locator("[data-pay-rows] [data-alloc]").nth(0)).to_have_value("3000.00")
    page.locator("[data-pay-rows] [data-alloc]").nth(0).fill("2600.00")
    page.locator("[data-pay-submit]").click()
    page.wait_for_url(f"{live_server.url}/invoicing/{third.pk}/")
    expect(page.locator("[data-outstanding]")).to_have_text("¥0.00")
    # … it belonged on a later invoice: reversed with a reason, back on account
    row = InvoicePayment.objects.get(payment=deposit)
    allocation = page.locator(f"[data-allocation='{row.pk}']")
    allocation.locator("summary").click()
    allocation.locator("input[name=reason]").fill("定金应抵下一期合同")
    allocation.locator("[data-reverse]").click()
    expect(page.locator(".messages")).to_contain_text("转回预收款")
    expect(page.locator("[data-outstanding]")).to_have_text("¥2600.00")
    expect(page.locator("[data-invoice-payments]")).to_contain_text("定金应抵下一期合同")
    assert customer_on_account(company) == Decimal("3400.00")
    screenshot_both_widths(page, "invoicing", "allocate-invoice")

    # 4. the list of money on account
    page.goto(f"{live_server.url}/invoicing/on-account/")
    expect(page.locator("[data-on-account-total]")).to_have_text("¥3400.00")
    expect(page.locator(f"[data-on-account-row='{deposit.pk}']")).to_contain_text("3000.00")
    expect(page.locator(f"[data-on-account-row='{transfer.pk}']")).to_contain_text("400.00")
    screenshot_both_widths(page, "invoicing", "on-account")

    # 5. the service manager sees it on the customer's page
    page.context.clear_cookies()
    login(page, live_server, cast.manager.username)
    page.goto(f"{live_server.url}/customers/{company.pk}/")
    panel = page.locator("[data-invoicing-panel]")
    expect(panel.locator("[data-customer-on-account]")).to_contain_text("¥3400.00")
    panel.scroll_into_view_if_needed()
    screenshot_both_widths(page, "invoicing", "on-account-customer")


def test_an_amount_typed_before_the_pages_script_ran_is_split_too(page, live_server):
    """A quick hand (or a slow page) types the amount before the page's script has run: the
    split is made when the script starts, as if it had been typed after. The page's own HTML is
    changed in flight so that the amount holds a value before the script runs — deterministic,
    where a real race is not."""
    cast = Cast()
    books = accountant(first_name="周敏")
    today = timezone.localdate()
    company = CustomerFactory(service_centre=cast.centre, name="快手物业", kind="company")
    first = invoice_make(company, "1200.00", at=_at(today - timedelta(days=50)))
    invoice_make(company, "2400.00", at=_at(today - timedelta(days=20)))
    page.set_viewport_size(DESKTOP)
    login(page, live_server, books.username)

    def typed_early(route):
        html = route.fetch().text()
        typed = ('<script>document.querySelector("[data-pay-amount]").value = "3000.00";'
                 "</script>\n<script>\n(function () {")
        assert "<script>\n(function () {" in html
        route.fulfill(body=html.replace("<script>\n(function () {", typed, 1),
                      headers={"content-type": "text/html; charset=utf-8"})

    page.route("**/invoicing/customers/*/pay/**", typed_early)
    page.goto(f"{live_server.url}/invoicing/{first.pk}/")
    page.locator("[data-pay-several]").click()
    rows = page.locator("[data-pay-rows] [data-alloc]")
    expect(rows.nth(0)).to_have_value("1200.00")
    expect(rows.nth(1)).to_have_value("1800.00")
    expect(page.locator("[data-remainder]")).to_have_text("¥0.00")
