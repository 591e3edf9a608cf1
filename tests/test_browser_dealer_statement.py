"""A dealer's statement of account (对账单) in Debian's chromium: the dealer's own login, on its
phone, reads on its start page what it owes on our invoices and which invoices are open, opens
its statement — each movement with the balance after it, its orders paid ahead apart —, prints
it with only the document on paper and opens one of its invoices as printed; head office opens the same statement from the
dealer's page.

Screenshots go to /tmp/shots/invoicing/; set SCREENSHOT_DIR=docs/screenshots to keep them
(invoicing-dealer-*.png)."""

from datetime import timedelta

import pytest
from conftest import PHONE_VIEWPORT, login, screenshot
from django.urls import reverse
from playwright.sync_api import expect

from aftersales.dealers.tests.test_orders import DAY
from aftersales.invoicing.tests.test_dealer_statements import dealer_month

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dealer_reads_its_account_and_statement_and_head_office_finds_it(page, live_server,
                                                                             clock_at):
    month = dealer_month(clock_at)
    clock_at(10, 0, day=DAY + timedelta(days=9))  # ticking again for the browser

    page.set_viewport_size(PHONE_VIEWPORT)
    login(page, live_server, month["u1"].username)
    page.goto(f"{live_server.url}{reverse('dealers:home')}")
    panel = page.locator("[data-dealer-account-panel]")
    expect(panel.locator("[data-dealer-account-owes]")).to_contain_text(
        "您在本公司的发票上尚欠 ¥41.00。")
    expect(panel.locator(f"[data-open-invoice='{month['kept_invoice'].number}']")).to_contain_text(
        "¥41.00")
    expect(panel.locator("[data-open-invoice]")).to_have_count(1)
    panel.scroll_into_view_if_needed()
    screenshot(page, "invoicing", "dealer-home-account-phone.png", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]

    panel.locator("[data-statement-link]").click()
    page.locator("input[name=since]").fill((DAY - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="查看").click()
    statement = page.locator("[data-statement]")
    expect(statement).to_contain_text("对账单")
    expect(page.locator("[data-statement-party]")).to_contain_text("浦东经销商 (D1)")
    rows = page.locator("[data-statement-rows] tbody tr[data-row]")
    expect(rows).to_have_count(8)
    expect(rows.nth(0)).to_contain_text(f"配件订货单 {month['first'].number} 付款（银行转账）")
    expect(rows.nth(0)).to_contain_text("-108.30")
    expect(rows.nth(7)).to_contain_text("41.00")
    expect(page.locator("[data-closing]")).to_have_text("41.00")
    expect(page.locator("[data-statement-says]")).to_contain_text("¥41.00")
    expect(page.locator("[data-statement-paid-ahead]")).to_contain_text(month["ahead"].number)
    expect(page.locator("[data-statement-kept]")).to_contain_text("35.50")
    # its orders open for it, and its invoices as printed; the back office's pages do not
    expect(rows.nth(0).locator("td.wide-only a")).to_have_attribute(
        "href", reverse("parts:material_request", args=[month["first"].pk]))
    expect(rows.nth(2).locator("a")).to_have_count(0)  # a credit note
    expect(rows.nth(1).locator("td.wide-only a")).to_have_attribute(
        "href", reverse("invoicing:invoice_print", args=[month["order_invoice"].pk]))
    page.emulate_media(media="print")
    expect(page.locator(".print-toolbar").first).to_be_hidden()
    expect(statement).to_be_visible()
    page.emulate_media(media="screen")
    rows.nth(1).locator(".narrow-only a").click()  # on the phone the number is in the row's text
    expect(page.locator("[data-buyer]")).to_contain_text("浦东经销商")
    expect(page.locator("[data-total]")).to_have_text("¥108.30")
    page.go_back()

    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.clear_cookies()
    login(page, live_server, month["cast"].manager.username)
    page.goto(f"{live_server.url}{reverse('dealers:detail', args=[month['d1'].pk])}")
    page.locator("[data-dealer-statement]").click()
    page.locator("input[name=since]").fill((DAY - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="查看").click()
    expect(page.locator("[data-closing]")).to_have_text("41.00")
    expect(rows.nth(1).locator("td.wide-only a")).to_have_attribute(
        "href", reverse("invoicing:invoice", args=[month["order_invoice"].pk]))
    screenshot(page, "invoicing", "dealer-statement.png")
