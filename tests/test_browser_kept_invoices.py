"""Parts a dealer kept, invoiced and paid, in Debian's chromium: a dealer never sent back two
faulty ignition parts; the sweep charged them but the tax platform refused the invoice, so the
accountant finds them on the start page ("未归还件待开票"), invoices them, records the dealer's
transfer for part of it — more than is open is refused by name — and finds the dealer with
what is left on the receivables, and reminds it to pay. The dealer pays the rest; one part came back late after all,
so the accountant credits it, and pays the dealer back what the credit left it owed, in cash.

Screenshots go to /tmp/shots/invoicing/; set SCREENSHOT_DIR=docs/screenshots to keep them
(invoicing-kept*.png)."""

from decimal import Decimal

import pytest
from conftest import login, screenshot
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect

from aftersales.core.models import Notification
from aftersales.dealers.tests.test_job_parts import complete, handed
from aftersales.dealers.tests.test_orders import DAY
from aftersales.invoicing.models import Invoice, InvoiceRefund
from aftersales.invoicing.tests.test_kept_invoices import LATER, REFUSING, _kept_world
from aftersales.parts import services as parts
from aftersales.service.tests.factories import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_accountant_invoices_what_a_dealer_kept_and_records_its_transfer(page, live_server,
                                                                           clock_at):
    clock_at(10, 0, day=DAY)
    net = _kept_world(Cast())
    complete(net, handed(net), (net["part"], 2))
    with override_settings(INVOICE_ISSUER=REFUSING):
        assert parts.obligations_sweep(today=LATER) == 1
    assert not Invoice.objects.exists()
    dealer = net["d1"]

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, net["accountant"].username)
    page.goto(f"{live_server.url}{reverse('invoicing:home')}")
    kept = page.locator(f"[data-kept-to-invoice] tr[data-dealer='{dealer.pk}']")
    expect(kept).to_contain_text("浦东经销商")
    expect(kept).to_contain_text("IGN-1")
    expect(kept).to_contain_text("¥71.00")
    kept.scroll_into_view_if_needed()
    screenshot(page, "invoicing", "kept-home.png", full_page=False)
    kept.locator("[data-kept-invoice-now]").click()

    expect(page.locator(".messages")).to_contain_text("已向 浦东经销商 开具发票")
    invoice = Invoice.objects.get()
    expect(page.locator("[data-invoice-number]")).to_have_text(invoice.number)
    expect(page.locator("[data-invoice-dealer]")).to_contain_text("浦东经销商")
    expect(page.locator("main")).to_contain_text("旧件 IGN-1")
    expect(page.locator("[data-outstanding]")).to_have_text("¥71.00")
    form = page.locator("[data-payment-form]")
    form.locator("input[name=amount]").fill("80")
    form.locator("input[name=reference]").fill("HX-20261110")
    form.locator("[data-record-payment]").click()
    expect(page.locator(".messages")).to_contain_text("71.00")  # only that much is open
    expect(page.locator("[data-outstanding]")).to_have_text("¥71.00")
    form.locator("input[name=amount]").fill("50")
    form.locator("input[name=reference]").fill("HX-20261110")
    form.locator("[data-record-payment]").click()
    expect(page.locator("[data-outstanding]")).to_have_text("¥21.00")
    expect(page.locator("[data-invoice-payments]")).to_contain_text("HX-20261110")
    screenshot(page, "invoicing", "kept-invoice.png")

    page.goto(f"{live_server.url}{reverse('invoicing:receivables')}")
    row = page.locator(f"[data-receivables] tr[data-dealer='{dealer.pk}']")
    expect(row).to_contain_text("经销商")
    expect(row).to_contain_text("21.00")
    expect(row.locator("[data-dealer-invoice]")).to_have_text(invoice.number)
    expect(row.locator("[data-statement-link]")).to_have_attribute(
        "href", f"/invoicing/dealers/{dealer.pk}/statement/")
    # reminded to pay: no mobile, so a notice to its login that opens its statement
    row.locator("[data-remind-dealer] button").click()
    expect(page.locator(".messages")).to_contain_text("已提醒 浦东经销商 付款 ¥21.00（1 个登录账号）")
    expect(row.locator("[data-reminded]")).to_be_visible()
    assert Notification.objects.filter(
        user=net["u1"], link=f"/invoicing/dealers/{dealer.pk}/statement/").count() == 1
    screenshot(page, "invoicing", "kept-receivables.png", full_page=False)
    assert Invoice.objects.get().payments.get().payment.dealer == dealer

    # the rest paid; a part came back late: credited, and what that leaves owed paid back
    page.goto(f"{live_server.url}{reverse('invoicing:invoice', args=[invoice.pk])}")
    form.locator("input[name=amount]").fill("21")
    form.locator("input[name=reference]").fill("HX-20261120")
    form.locator("[data-record-payment]").click()
    expect(page.locator("[data-outstanding]")).to_have_text("¥0.00")
    credit = page.locator("[data-credit-notes] form")
    credit.locator("select[name=kind]").select_option("credit")
    credit.locator("input[name=amount]").fill("35.50")
    credit.locator("input[name=reason]").fill("逾期寄回一件点火针")
    credit.locator("[data-credit]").click()
    expect(page.locator("[data-outstanding]")).to_have_text("¥-35.50")
    expect(page.locator("[data-owed-back]")).to_contain_text("35.50")
    refund = page.locator("[data-dealer-refund]")
    expect(refund.locator("input[name=amount]")).to_have_value("35.50")
    refund.scroll_into_view_if_needed()
    screenshot(page, "invoicing", "kept-owed-back.png", full_page=False, keep=False)
    refund.locator("select[name=method]").select_option("cash")
    refund.locator("input[name=note]").fill("经销商来人领取")
    refund.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("浦东经销商")
    expect(page.locator("[data-outstanding]")).to_have_text("¥0.00")
    expect(page.locator("[data-owed-back]")).to_have_count(0)
    expect(page.locator("[data-invoice-refunds]")).to_contain_text("−¥35.50")
    expect(page.locator("[data-invoice-refunds]")).to_contain_text("经销商来人领取")
    screenshot(page, "invoicing", "kept-refund.png")
    refunded = InvoiceRefund.objects.get()
    assert (refunded.invoice, refunded.amount, refunded.method) == (invoice, Decimal("35.50"), "cash")
