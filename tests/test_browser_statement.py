"""A customer's statement of account (对账单) in Debian's chromium: the accountant finds the
customer on the receivables, opens his statement (from the first of last month to today by
default) — and reminds another who owes to pay, by a text —, reads the opening balance, each movement with the balance after it and what the
customer has in credit, prints it (only the document on paper), mails it to the customer (a
real SMTP server receives it with the Excel attached), and asks for a period that ends before it
starts — refused by name. The customer reads his own on his phone in the portal.

Screenshots go to /tmp/shots/invoicing/; set SCREENSHOT_DIR=docs/screenshots to keep them
(invoicing-statement*.png)."""

from datetime import date, timedelta

import pytest
from conftest import PHONE_VIEWPORT, login, login_as, screenshot
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.invoicing.services import payment_reminder_send, statement_send
from aftersales.invoicing.tests.factories import accountant, autumn_of, invoice_make
from aftersales.portal.tests.helpers import portal_user_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_accountant_reads_prints_and_mails_a_customers_statement(page, live_server,
                                                                     clock_at, smtp_server,
                                                                     sms_outbox):
    books = accountant()
    customer = CustomerFactory(name="海燕物业", email="caiwu@haiyan.example")
    history = autumn_of(customer, books=books, clock_at=clock_at)
    owing = CustomerFactory(name="王建国", phone="13912345678")
    invoice_make(owing, "260.00", at=timezone.now() - timedelta(days=40))

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, books.username)
    page.goto(f"{live_server.url}{reverse('invoicing:receivables')}?open=0")
    expect(page.locator("[data-statements-sent]")).to_contain_text("2026-11：目前已发送 0 份。")
    # a customer who owes is reminded to pay by a text, once today
    page.locator(f"[data-remind='{owing.pk}'] button").click()
    expect(page.locator(".messages")).to_contain_text("已提醒 王建国 付款 ¥260.00（13912345678）。")
    expect(page.locator(f"[data-customer='{owing.pk}'] [data-reminded]")).to_have_text(
        "已于 12-01 催款")
    [text] = sms_outbox.messages
    assert text["to"] == "13912345678" and "尚有 ¥260.00 未付" in text["text"]
    screenshot(page, "invoicing", "statement-receivables.png", full_page=False)
    page.locator(f"[data-customer='{customer.pk}'] [data-statement-link]").click()

    statement = page.locator("[data-statement]")
    expect(statement).to_contain_text("对账单")
    expect(statement).to_contain_text("2026-11-01 – 2026-12-01")
    expect(page.locator("[data-opening]")).to_have_text("80.00")
    rows = page.locator("[data-statement-rows] tbody tr[data-row]")
    expect(rows).to_have_count(7)
    expect(rows.nth(1)).to_contain_text(history["november"].number)
    expect(rows.nth(1)).to_contain_text("280.00")
    expect(rows.nth(5)).to_contain_text("冲销预收款支付收费单")
    expect(page.locator("[data-closing]")).to_have_text("-200.00")
    expect(page.locator("[data-statement-says]")).to_have_text(
        "截至 2026-12-01，贵方在我方尚有余款 ¥200.00。")
    expect(page.locator("[data-statement-pending]")).to_contain_text(history["unbilled"].number)
    screenshot(page, "invoicing", "statement.png")

    # on paper: the document alone, without the period's form and the buttons
    page.emulate_media(media="print")
    expect(page.locator("[data-statement-period]")).to_be_hidden()
    expect(statement).to_be_visible()
    screenshot(page, "invoicing", "statement-print.png")
    page.emulate_media(media="screen")

    # mailed to the customer's address, the Excel attached; the page says when and to whom
    page.locator("[data-statement-send] button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(
        "2026-11-01 – 2026-12-01 的对账单已发送至 caiwu@haiyan.example。")
    expect(page.locator("[data-statement-sent]")).to_contain_text("caiwu@haiyan.example")
    [message] = smtp_server.messages
    assert message["To"] == "caiwu@haiyan.example"
    assert "截至 2026-12-01，贵方在我方尚有余款 ¥200.00。" in message.get_body(("plain",)).get_content()
    assert [a.get_filename() for a in message.iter_attachments()] == [
        f"statement-{customer.pk}-2026-11-01-2026-12-01.xlsx"]
    screenshot(page, "invoicing", "statement-sent.png", full_page=False)

    # a period that ends before it starts
    page.locator("[data-statement-period] input[name=since]").fill("2026-11-30")
    page.locator("[data-statement-period] input[name=until]").fill("2026-11-01")
    page.locator("[data-statement-period] button[type=submit]").click()
    expect(page.locator("[data-statement-errors]")).to_have_text("对账期间的开始晚于结束。")
    expect(page.locator("[data-statement]")).to_have_count(0)


def test_the_customer_reads_his_statement_on_his_phone(page, live_server, clock_at):
    customer = CustomerFactory(name="海燕物业")
    history = autumn_of(customer, books=accountant(), clock_at=clock_at)
    page.set_viewport_size(PHONE_VIEWPORT)
    login_as(page, live_server, portal_user_for(customer))
    page.goto(f"{live_server.url}{reverse('portal:home')}")
    page.locator("[data-statement-link]").click()
    expect(page.locator("[data-statement-says]")).to_have_text(
        "截至 2026-12-01，贵方在我方尚有余款 ¥200.00。")
    rows = page.locator("[data-statement-rows] tr[data-row]")
    expect(rows).to_have_count(7)
    expect(rows.nth(2)).to_contain_text("−500.00")
    expect(page.locator("[data-statement-pending]")).to_contain_text(
        history["unbilled"].request.number)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_VIEWPORT["width"] + 1, f"{width}px wide at 390px"
    screenshot(page, "invoicing", "statement-portal.png")


def test_the_customers_page_says_what_was_sent(page, live_server, clock_at, sms_outbox):
    books = accountant()
    customer = CustomerFactory(name="海燕物业", email="caiwu@haiyan.example")
    autumn_of(customer, books=books, clock_at=clock_at)
    invoice_make(customer, "260.00")
    payment_reminder_send(actor=books, customer=customer)
    statement_send(actor=books, customer=customer, since=date(2026, 11, 1),
                   until=date(2026, 11, 30))
    manager = UserFactory(username="manager-li", role=Role.MANAGER,
                          service_centre=customer.service_centre)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, manager.username)
    page.goto(f"{live_server.url}{reverse('customers:detail', args=[customer.pk])}")
    panel = page.locator("[data-invoicing-panel]")
    expect(panel.locator("[data-customer-contacted]")).to_have_text(
        "已于 2026-12-01 催款 ¥60.00。 2026-11-01 – 2026-11-30 的对账单已于 2026-12-01 发送。")
    panel.scroll_into_view_if_needed()
    screenshot(page, "invoicing", "statement-customer-panel.png", full_page=False)
    panel.locator("[data-statement-link]").click()
    expect(page.locator("[data-statement]")).to_contain_text("对账单")
