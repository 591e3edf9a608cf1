"""Issue 11 in Debian's chromium: an out-of-warranty call → the part fitted → a quote the customer
signs on the technician's phone → the job completed (the charge sheet issued) → cash taken on
site with a receipt → the accountant confirms the technician's hand-over → the invoice printed.

Screenshots go to /tmp/shots/billing/; set SCREENSHOT_DIR=docs/screenshots to keep them
(billing-*.png)."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from conftest import login, screenshot
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from aftersales.billing.choices import HandoverState, QuoteState
from aftersales.billing.models import Handover, Payment, Quote
from aftersales.billing.selectors import charge_sheet_for
from aftersales.billing.tests.factories import Money, old_product, priced_part
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service import services
from aftersales.service.choices import Category, Status
from aftersales.service.tests.factories import Cast, new_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name, *, full_page=True):
    screenshot(page, "billing", name, full_page=full_page)


def sign(page, pad_id):
    pad = page.locator(f"#{pad_id}")
    expect(pad).to_have_attribute("data-ready", "1")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    for step in range(1, 40):
        page.mouse.move(box["x"] + box["width"] * (0.1 + step * 0.02),
                        box["y"] + box["height"] * (0.6 - 0.3 * ((step % 10) / 10)))
    page.mouse.up()
    target = pad.get_attribute("data-target")
    expect(page.locator(f"#{target}")).to_have_value(re.compile(r"^data:image/png;base64,"))


def test_out_of_warranty_call_to_cash_handed_over_and_invoiced(phone_page, page, live_server,
                                                                 settings):
    settings.SITE_URL = live_server.url
    cast = Cast()
    accountant = Money(cast).accountant
    customer = CustomerFactory(service_centre=cast.centre, name="赵先生")
    product = old_product(customer)
    part = priced_part("IGN-0101", price="35.50", cost="18.00",
                       since=date.today() - timedelta(days=90))
    part.name = "点火针"
    part.save()
    job = new_request(cast, customer=customer, product=product,
                      description="燃气热水器打不着火（已过保修期）")
    assert job.category == Category.A and job.status == Status.AWAITING_AGREEMENT
    # SR-4 at the call: the agent tells the rough charge and the customer agrees to a visit
    services.service_request_agree(actor=cast.agent, request=job)
    services.service_request_assign(actor=cast.supervisor, request=job, technician=cast.technician)

    phone = phone_page
    login(phone, live_server, cast.technician.username)
    phone.goto(f"{live_server.url}/field/jobs/{job.pk}/")
    phone.locator("form[action$='/step/arrive/'] button").click()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", Status.ON_SITE)
    phone.fill("#rec-fault_found", "点火时有火花但不着火")
    phone.fill("#rec-fault_cause", "点火针积碳")
    phone.fill("#rec-action_taken", "更换点火针，试机正常")
    phone.locator("#record button[type=submit]").click()
    expect(phone.locator("[data-terms]")).to_be_visible()
    phone.fill("#part-q", "点火")
    phone.locator("#part-results label.pick").first.click()
    phone.locator("#parts button[type=submit]").click()
    expect(phone.locator("#parts .lines li")).to_have_count(1)
    expect(phone.locator("[data-charge-total]")).to_have_text("¥115.50")  # fee 80 + part 35.50

    # a first quote with a part still to fit (typed by its number): priced before it is fitted
    valve = priced_part("VLV-0202", price="42.00", cost="20.00")
    phone.reload()
    phone.locator("[data-quote-form] details.plan-parts summary").click()
    phone.locator("[data-quote-form] [data-plan-part]").first.fill(valve.code.lower())
    phone.locator("[data-quote-make]").click()
    expect(phone.locator("#quote h3")).to_contain_text("¥157.50")  # 115.50 + the valve 42
    # what the customer signs is the quote's own lines, the part to fit among them
    expect(phone.locator("[data-quote-lines]")).to_contain_text("VLV-0202")
    expect(phone.locator("[data-quote-total]")).to_have_text("¥157.50")
    planned = Quote.objects.get(request=job)
    assert planned.lines.filter(part=valve, amount=Decimal("42.00")).exists()
    # the customer wants only the ignition pin: quoted again from what is on the job
    phone.reload()
    phone.locator("[data-quote-make]").click()
    expect(phone.locator("[data-quote-sign]")).to_be_visible()
    sign(phone, "pad-quote")
    phone.locator("#billing").scroll_into_view_if_needed()
    shot(phone, "quote-phone.png")
    phone.locator("[data-quote-sign] button[type=submit]").click()
    expect(phone.locator("[data-quote-sign]")).to_have_count(0)
    quote = Quote.objects.get(request=job, state=QuoteState.AGREED)
    assert quote.total == Decimal("115.50")
    assert Quote.objects.get(pk=planned.pk).state == QuoteState.SUPERSEDED
    assert quote.signature.startswith("data:image/png")

    # complete: the charge sheet is issued
    phone.locator("a[href*='finish=complete']").click()
    expect(phone.locator("#panel-complete")).to_be_visible()
    phone.fill("#done-signer_name", "赵先生")
    sign(phone, "pad-complete")
    phone.locator("#panel-complete button[type=submit]").click()
    expect(phone.locator("#done")).to_be_visible()
    sheet = charge_sheet_for(job)
    assert sheet is not None and sheet.total == Decimal("115.50")
    expect(phone.locator("#done [data-final-total]")).to_have_text("¥115.50")
    expect(phone.locator("[data-sheet-number]")).to_have_text(sheet.number)

    # cash on site, and its receipt; a double tap records it once
    form = phone.locator("[data-payment-form]")
    expect(form.locator("#pay-amount")).to_have_value("115.50")
    form.scroll_into_view_if_needed()
    shot(phone, "payment-phone.png", full_page=False)
    form.locator("button[type=submit]").dblclick()
    expect(phone.locator("[data-receipt-link]")).to_have_count(1)
    assert Payment.objects.count() == 1
    phone.locator("[data-receipt-link]").click()
    payment = Payment.objects.get()
    expect(phone.locator("[data-receipt-number]")).to_have_text(payment.number)
    shot(phone, "receipt.png")
    phone.goto(f"{live_server.url}/billing/")
    expect(phone.locator("[data-takings-total]")).to_have_text("¥115.50")
    shot(phone, "takings-phone.png")

    # the accountant confirms the day's hand-over
    login(page, live_server, accountant.username)
    page.goto(f"{live_server.url}/billing/")
    row = page.locator(f"[data-handover='{payment.handover_id}']")
    expect(row).to_be_visible()
    shot(page, "handovers.png")
    row.locator("a.btn").click()
    expect(page.locator("[data-taken]")).to_have_text("¥115.50")
    page.locator("[data-confirm-form] button[type=submit]").click()
    expect(page.locator("[data-confirm-form]")).to_have_count(0)
    shot(page, "handover-confirmed.png")
    assert Handover.objects.get().state == HandoverState.CONFIRMED

    # the desk's request page shows the same sheet, the signed quote and the payment
    desk_context = page.context.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    desk = desk_context.new_page()
    login(desk, live_server, cast.agent.username)
    desk.goto(f"{live_server.url}{reverse('service:detail', args=[job.pk])}")
    expect(desk.locator("#final-charge [data-final-total]")).to_have_text("¥115.50")
    desk.locator("#final-charge").scroll_into_view_if_needed()
    shot(desk, "request-desk.png")
    desk_context.close()

    # the invoice: issued at completion for a customer invoiced at once, else "invoice now"
    # (invoicing's pages, issue 11's other half; the part above stands without them)
    from aftersales.invoicing.models import Invoice

    try:
        home = reverse("invoicing:home")
    except NoReverseMatch:
        pytest.skip("invoicing's pages are not in this tree yet")
    page.goto(f"{live_server.url}{home}")
    if not Invoice.objects.filter(customer=customer).exists():
        page.locator(f"[data-customer='{customer.pk}'] [data-invoice-now]").click()
        page.wait_for_url(re.compile(r"/invoicing/\d+/$"))
    invoice = Invoice.objects.get(customer=customer)
    page.goto(f"{live_server.url}{reverse('invoicing:invoice_print', args=[invoice.pk])}")
    expect(page.locator("body")).to_contain_text(invoice.number)
    expect(page.locator("body")).to_contain_text("115.50")
    shot(page, "invoice-print.png")


def test_extra_labour_entered_in_hours_on_the_phone_and_quoted_still_to_do(phone_page,
                                                                           live_server):
    """The expense form asks for hours once "extra labour" is chosen (its script hides the
    amount), the line is hours × the hourly rate; a quote adds labour still to do."""
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre, name="钱女士")
    job = new_request(cast, customer=customer, product=old_product(customer),
                      description="热水器内胆漏水（已过保修期）")
    services.service_request_agree(actor=cast.agent, request=job)
    services.service_request_assign(actor=cast.supervisor, request=job, technician=cast.technician)
    phone = phone_page
    login(phone, live_server, cast.technician.username)
    phone.goto(f"{live_server.url}/field/jobs/{job.pk}/")
    phone.locator("form[action$='/step/arrive/'] button").click()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", Status.ON_SITE)
    form = phone.locator("[data-expense-form]")
    expect(form.locator("[data-expense-hours]")).to_be_hidden()  # travel first: an amount
    form.locator("[name=kind]").select_option("labour")
    expect(form.locator("[data-expense-amount]")).to_be_hidden()
    expect(form.locator("[data-expense-hours]")).to_contain_text("¥80.00/h")
    form.locator("[name=description]").fill("拆机更换内胆")
    form.locator("[name=hours]").fill("1.5")
    form.evaluate("el => el.scrollIntoView({block: 'center'})")
    shot(phone, "extra-labour-form-phone.png", full_page=False)
    form.locator("button[type=submit]").click()
    expect(phone.locator("#expenses [data-expense=labour]")).to_contain_text("1.5 h × ¥80.00")
    expect(phone.locator("[data-charge-total]")).to_have_text("¥200.00")  # fee 80 + 1.5 h

    quote_form = phone.locator("[data-quote-form]")
    quote_form.locator("details.plan-parts summary").click()
    quote_form.locator("[data-plan-labour]").first.fill("二次上门试机")
    quote_form.locator("[data-plan-hours]").first.fill("0.5")
    phone.locator("[data-quote-make]").click()
    expect(phone.locator("[data-quote-total]")).to_have_text("¥240.00")  # + 0.5 h still to do
    expect(phone.locator("[data-quote-lines]")).to_contain_text("二次上门试机")
    phone.locator("#billing").evaluate("el => el.scrollIntoView({block: 'start'})")
    shot(phone, "extra-labour-phone.png", full_page=False)
    quote = Quote.objects.get(request=job)
    assert [line.amount for line in quote.lines.filter(kind="labour")] == [
        Decimal("80.00"), Decimal("40.00"), Decimal("120.00")]
