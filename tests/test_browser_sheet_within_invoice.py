"""A job's sheet on an invoice takes no more money than the invoice has open, in Debian's
chromium: a customer invoiced per job has his water heater repaired for ¥221.00 and pays ¥100 of
the invoice by bank transfer before the technician comes back for the money. The technician's
phone (390 px) says why and offers only the rest; typing the whole sheet is refused by name,
nothing saved; the rest is taken; the desk's list of sheets with money due no longer lists it;
the customer's portal page then says what was paid on the invoice and that nothing is left to
pay.

Screenshots go to /tmp/shots/invoicing/; set SCREENSHOT_DIR=docs/screenshots to keep them
(invoicing-sheet-within-invoice*.png)."""

from decimal import Decimal

import pytest
from conftest import login, login_as, screenshot
from django.urls import reverse
from playwright.sync_api import expect

from aftersales.billing.models import Payment, ServiceFee
from aftersales.billing.selectors import charge_sheet_for
from aftersales.billing.tests.factories import Cast, complete, job_a, on_site_with_part, priced_part
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.invoicing.models import Invoice
from aftersales.invoicing.selectors import invoice_balances
from aftersales.invoicing.services import invoice_payment_record
from aftersales.invoicing.tests.factories import accountant
from aftersales.portal.tests.helpers import portal_user_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_the_technician_takes_only_what_the_invoice_has_open(page, live_server):
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre, name="李海燕")  # invoiced per job
    ServiceFee.objects.get_or_create(category="water_heater", defaults={"fee": Decimal("150.00")})
    job = complete(cast, on_site_with_part(cast, job_a(cast, customer=customer),
                                           priced_part("IGN-1", price="35.50", cost="10.00"), 2))
    sheet = charge_sheet_for(job)
    invoice = Invoice.objects.get(lines__sheet=sheet)
    invoice_payment_record(actor=accountant(), invoice=invoice, amount="100.00",
                           method="transfer", idempotency_key="bank", reference="工行转账 0417")

    page.set_viewport_size(PHONE)
    login(page, live_server, cast.technician.username)
    page.goto(f"{live_server.url}{reverse('field:job', args=[job.pk])}")
    expect(page.locator("[data-job-money-notice]")).to_contain_text(
        f"收费单 {sheet.number} 最多再收 ¥121.00，其余已付。")
    form = page.locator("[data-payment-form]")
    expect(page.locator("#payment h3")).to_contain_text("应收 ¥121.00")
    expect(form.locator("input[name=amount]")).to_have_value("121.00")
    page.locator("[data-job-money-notice]").scroll_into_view_if_needed()
    screenshot(page, "invoicing", "sheet-within-invoice-phone.png", full_page=False)

    # the whole sheet typed in: refused by name, nothing saved
    form.locator("input[name=amount]").fill("221.00")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(
        f"收费单 {sheet.number} 已开入发票 {invoice.number}，该发票仅余 ¥121.00 未付：收款不得超过此数。")
    assert not Payment.objects.filter(sheet=sheet).exists()
    screenshot(page, "invoicing", "sheet-within-invoice-refused.png", full_page=False)

    # the rest, in cash: the invoice is paid and the form is gone
    page.locator("[data-payment-form] button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("¥121.00")
    expect(page.locator("[data-payment-form]")).to_have_count(0)
    expect(page.locator("[data-job-money-notice]")).to_contain_text("已付清：请勿再收款")
    assert invoice_balances(Invoice.objects.filter(pk=invoice.pk))[0].outstanding == 0
    page.context.clear_cookies()

    # the desk's list of sheets with money due: this one is paid on its invoice, another is not
    other = complete(cast, on_site_with_part(
        cast, job_a(cast, customer=CustomerFactory(service_centre=cast.centre, name="王建国")),
        priced_part("IGN-2", price="35.50", cost="10.00"), 1))
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, cast.agent.username)
    page.goto(f"{live_server.url}{reverse('billing:sheets')}")
    listed = page.locator("[data-sheets]")
    expect(listed).to_contain_text(charge_sheet_for(other).number)
    expect(listed).not_to_contain_text(sheet.number)
    screenshot(page, "invoicing", "sheet-within-invoice-desk-list.png")
    # the request page's charges: paid on site, paid on the invoice, nothing still due
    page.goto(f"{live_server.url}{reverse('service:detail', args=[job.pk])}")
    expect(page.locator("[data-charge-sheet] [data-paid]")).to_have_text("¥121.00")
    expect(page.locator("[data-charge-sheet] [data-settled]")).to_have_text("¥100.00")
    expect(page.locator("[data-charge-sheet] [data-due]")).to_have_text("¥0.00")
    page.locator("[data-charge-sheet]").scroll_into_view_if_needed()
    screenshot(page, "invoicing", "sheet-within-invoice-request.png", full_page=False)
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)

    # the customer's portal: paid on the invoice, nothing left to pay
    login_as(page, live_server, portal_user_for(customer))  # the SMS sign-in: its own tests
    page.goto(f"{live_server.url}{reverse('portal:request', args=[job.number])}")
    expect(page.locator("[data-paid]")).to_contain_text("¥121.00")
    expect(page.locator("[data-settled]")).to_contain_text("已按发票付款或减免")
    expect(page.locator("[data-settled]")).to_contain_text("¥100.00")
    expect(page.locator("[data-due]")).to_contain_text("¥0.00")
    page.locator("[data-settled]").scroll_into_view_if_needed()
    screenshot(page, "invoicing", "sheet-within-invoice-portal.png", full_page=False)
