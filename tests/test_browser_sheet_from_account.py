"""Money on account paying a job's charge sheet, in Debian's chromium: a customer paid ¥300 in
advance and is invoiced with the month's batch; his water heater is repaired for ¥221.00. The
technician's phone tells him to ask the office before taking money; the accountant pays the sheet
from the deposit on the customer's payment page; the service manager undoes it on the request
page (a reason required) and pays it again from the request page's card. Pages at a desk's width
and at a phone's (390 px).

Screenshots go to /tmp/shots/invoicing/; set SCREENSHOT_DIR=docs/screenshots to keep them
(invoicing-sheet-from-account*.png)."""

from decimal import Decimal

import pytest
from conftest import login, login_as, screenshot, screenshot_both_widths
from django.urls import reverse
from playwright.sync_api import expect

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.billing.models import Payment, ServiceFee
from aftersales.billing.selectors import charge_sheet_for, sheet_due
from aftersales.billing.tests.factories import Cast, complete, job_a, on_site_with_part, priced_part
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.invoicing.choices import InvoicingMode
from aftersales.invoicing.selectors import customer_on_account
from aftersales.invoicing.services import customer_payment_record, invoicing_preference_set
from aftersales.invoicing.tests.factories import accountant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def test_a_deposit_pays_the_jobs_sheet_and_a_mistake_is_undone(page, live_server):
    cast = Cast()
    books = accountant(first_name="周敏")
    customer = CustomerFactory(service_centre=cast.centre, name="李海燕")
    invoicing_preference_set(actor=cast.manager, customer=customer, mode=InvoicingMode.LATER)
    ServiceFee.objects.get_or_create(category="water_heater", defaults={"fee": Decimal("150.00")})
    job = complete(cast, on_site_with_part(cast, job_a(cast, customer=customer),
                                           priced_part("IGN-1", price="35.50", cost="10.00"), 2))
    sheet = charge_sheet_for(job)
    deposit, _ = customer_payment_record(actor=books, customer=customer, amount="300.00",
                                         method="transfer", idempotency_key="deposit",
                                         reference="年度保养预付款")
    assert sheet.total == Decimal("221.00")

    # 1. the technician's phone: the customer has money on account, ask before taking money
    page.set_viewport_size(PHONE)
    login(page, live_server, cast.technician.username)
    page.goto(f"{live_server.url}{reverse('field:job', args=[job.pk])}")
    notice = page.locator("[data-job-money-notice]")
    expect(notice).to_contain_text("客户有预收款")
    expect(notice).to_contain_text(f"收费单 {sheet.number}（未收 ¥221.00）")
    notice.scroll_into_view_if_needed()
    screenshot(page, "invoicing", "sheet-from-account-technician.png", full_page=False)
    page.context.clear_cookies()

    # 2. the accountant pays the sheet from the deposit on the customer's payment page
    page.set_viewport_size(DESKTOP)
    login(page, live_server, books.username)
    page.goto(f"{live_server.url}/invoicing/on-account/")
    row = page.locator(f"[data-on-account-row='{deposit.pk}']")
    expect(row.locator("[data-can-pay]")).to_have_text("1 个未开票工单")
    screenshot(page, "invoicing", "sheet-from-account-list.png")
    row.locator(f"[data-apply-payment='{deposit.pk}']").click()
    section = page.locator("[data-sheets-from-account]")
    expect(section.locator("h2")).to_have_text("未开票的工单")
    row = section.locator(f"[data-sheet-row='{sheet.pk}']")
    expect(row).to_contain_text("¥221.00")
    expect(row.locator("input[name=amount]")).to_have_value("221.00")
    screenshot_both_widths(page, "invoicing", "sheet-from-account")
    row.locator(f"[data-pay-sheet='{sheet.pk}']").click()
    expect(page.locator(".messages")).to_contain_text(
        f"收费单 {sheet.number}：已从预收款（收款 {deposit.number}）支付 ¥221.00")
    expect(page.locator("[data-money-total]")).to_have_text("¥79.00")
    expect(section.locator("[data-sheet-row]")).to_have_count(0)
    expect(section).to_contain_text("该客户没有未开票的待付款工单")
    drawn = Payment.objects.get(sheet=sheet)
    assert drawn.drawn_from == deposit and sheet_due(sheet) == 0
    assert customer_on_account(customer) == Decimal("79.00")
    page.goto(f"{live_server.url}{reverse('billing:receipt', args=[drawn.pk])}")
    expect(page.locator("body")).to_contain_text(f"来自收款 {deposit.number}")
    screenshot(page, "invoicing", "sheet-from-account-receipt.png")
    page.goto(f"{live_server.url}{reverse('billing:sheet', args=[sheet.pk])}")  # printed sheet
    expect(page.locator("body")).to_contain_text(f"预收款 {deposit.number}")
    screenshot(page, "invoicing", "sheet-from-account-sheet-print.png")
    page.context.clear_cookies()

    # the technician's phone: the sheet paid, the payment named, no notice left
    page.set_viewport_size(PHONE)
    login(page, live_server, cast.technician.username)
    page.goto(f"{live_server.url}{reverse('field:job', args=[job.pk])}")
    expect(page.locator("body")).to_contain_text(f"预收款 {deposit.number}")
    expect(page.locator("[data-job-money-notice]")).to_have_count(0)
    screenshot(page, "invoicing", "sheet-from-account-technician-paid.png")
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)

    # 3. the service manager undoes it on the request page and pays it again from the card
    login(page, live_server, cast.manager.username)
    page.goto(f"{live_server.url}{reverse('service:detail', args=[job.pk])}")
    expect(page.locator("[data-request-on-account]")).to_have_count(0)  # nothing is due
    paid = page.locator(f"[data-payment='{drawn.number}']")
    expect(paid).to_contain_text(f"预收款 {deposit.number}")
    paid.locator("summary").click()
    paid.locator("input[name=reason]").fill("应由质保承担，先冲销")
    paid.locator("[data-reverse-payment] button").click()
    expect(page.locator("body")).to_contain_text(f"冲销 {drawn.number}：应由质保承担，先冲销")
    card = page.locator("[data-request-on-account]")
    expect(card).to_contain_text("李海燕 有预收款 ¥300.00")
    expect(card.locator("input[name=amount]")).to_have_value("221.00")
    assert sheet_due(sheet) == Decimal("221.00")
    card.scroll_into_view_if_needed()
    screenshot_both_widths(page, "invoicing", "sheet-from-account-request")
    card.locator("input[name=amount]").fill("200.00")
    card.locator("button[type=submit]").click()
    expect(page.locator("[data-request-on-account]")).to_contain_text("¥100.00")
    assert sheet_due(sheet) == Decimal("21.00")
    assert customer_on_account(customer) == Decimal("100.00")
    page.locator("#final-charge").scroll_into_view_if_needed()
    screenshot(page, "invoicing", "sheet-from-account-request-paid.png", full_page=False)

    # 4. the desk agent sees the card but not the button
    page.context.clear_cookies()
    agent = UserFactory(role=Role.AGENT, service_centre=cast.centre, username="agent-2")
    login(page, live_server, agent.username)
    page.goto(f"{live_server.url}{reverse('service:detail', args=[job.pk])}")
    expect(page.locator("[data-request-on-account]")).to_contain_text("财务可从预收款中支付")
    expect(page.locator("[data-pay-from-account]")).to_have_count(0)


def test_money_on_account_paid_back_to_the_customer(page, live_server):
    books = accountant(first_name="周敏")
    customer = CustomerFactory(name="海燕物业管理有限公司", kind="company")
    deposit, _ = customer_payment_record(actor=books, customer=customer, amount="1000.00",
                                         method="transfer", idempotency_key="deposit",
                                         reference="合同定金")
    page.set_viewport_size(DESKTOP)
    login(page, live_server, books.username)
    page.goto(f"{live_server.url}/invoicing/on-account/")
    page.locator(f"[data-apply-payment='{deposit.pk}']").click()
    card = page.locator("[data-deposit-refund]")
    expect(card.locator("h2")).to_have_text("退还给客户")
    form = card.locator("[data-refund-form]")
    expect(form.locator("input[name=amount]")).to_have_value("1000.00")  # open: nothing to pay
    form.locator("input[name=amount]").fill("400.00")
    form.locator("input[name=reference]").fill("工行回单 8801")
    form.locator("input[name=reason]").fill("合同取消，退还部分订金")
    form.locator("button[type=submit]").click()
    # the slip to print for the customer to sign
    expect(page.locator(".messages")).to_contain_text("¥400.00 已退还给 海燕物业管理有限公司")
    expect(page.locator("[data-refund-amount]")).to_have_text("¥400.00")
    screenshot(page, "invoicing", "deposit-refund-slip.png")
    page.locator("[data-back]").click()
    expect(page.locator("[data-money-total]")).to_have_text("¥600.00")
    expect(card.locator("[data-refund]")).to_contain_text("合同取消，退还部分订金")
    screenshot_both_widths(page, "invoicing", "deposit-refund")
    assert customer_on_account(customer) == Decimal("600.00")


def test_the_customer_sees_his_money_paid_in_advance_on_his_phone(phone_page, live_server):
    """The portal: his start page says what is left of his deposit, the job's page what was
    paid from it and what is still to pay."""
    from aftersales.invoicing.services import sheet_pay_from_account
    from aftersales.portal.tests.helpers import portal_user_for

    cast = Cast()
    books = accountant()
    customer = CustomerFactory(service_centre=cast.centre, name="李海燕")
    invoicing_preference_set(actor=cast.manager, customer=customer, mode=InvoicingMode.LATER)
    ServiceFee.objects.get_or_create(category="water_heater", defaults={"fee": Decimal("150.00")})
    job = complete(cast, on_site_with_part(cast, job_a(cast, customer=customer),
                                           priced_part("IGN-1", price="35.50", cost="10.00"), 2))
    deposit, _ = customer_payment_record(actor=books, customer=customer, amount="300.00",
                                         method="transfer", idempotency_key="deposit")
    sheet_pay_from_account(actor=books, payment=deposit, sheet=charge_sheet_for(job),
                           amount="200.00", idempotency_key="draw")
    login_as(phone_page, live_server, portal_user_for(customer))  # the SMS sign-in: its own tests
    phone_page.goto(f"{live_server.url}{reverse('portal:home')}")
    expect(phone_page.locator("[data-on-account]")).to_contain_text("您有预付款 ¥100.00 尚未使用")
    screenshot(phone_page, "invoicing", "portal-on-account.png", full_page=False)
    phone_page.goto(f"{live_server.url}{reverse('portal:request', args=[job.number])}")
    expect(phone_page.locator("[data-paid]")).to_contain_text("其中 ¥200.00 由预付款支付")
    expect(phone_page.locator("[data-due]")).to_contain_text("¥21.00")
    phone_page.locator("[data-paid]").scroll_into_view_if_needed()
    screenshot(phone_page, "invoicing", "portal-paid-from-account.png", full_page=False)
