"""A dealer's parts order in a real browser (PT-1): the dealer orders two parts for its stock; the
service department approves and picks it; shipping is refused while it is unpaid; the accountant
finds it among the orders to be paid and records the bank transfer; the service department ships
it — which invoices it to the dealer — and the dealer confirms it arrived: the parts are then in
the dealer's stock, and the accountant opens the dealer's invoice from the order. Then the
dealer sends a part back (PT-3): the store receives it on the order's page, it is refunded, and
the invoice is credited by as much; a credit note by hand leaves the dealer owed, and the
accountant records the refund on the invoice.
Screenshots: docs/screenshots/dealers-order-*.png, invoicing-dealer-*.png (set SCREENSHOT_DIR=docs/screenshots to keep
them; by default they go to /tmp/shots/dealers/)."""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.core.dates import local_today
from aftersales.dealers.tests.factories import dealer_login, dealer_make, region_make
from aftersales.invoicing.models import Invoice
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import MaterialRequest, MaterialRequestPayment, Warehouse
from aftersales.parts.models import MaterialRequestStatus as S
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.services import part_price_set, stock_move
from aftersales.parts.tests.factories import PartFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots/dealers"))


def _context(browser, width=1280):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_a_dealer_orders_parts_pays_and_receives_them(browser, live_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    centre = ServiceCentreFactory()
    manager = UserFactory(username="mgr-do", role=Role.MANAGER, service_centre=None)
    UserFactory(username="acct-do", role=Role.ACCOUNTANT, service_centre=None)
    dealer = dealer_make("PD01", "浦东安泰经销商", region_make("PD", "浦东", "浦东新区"),
                         centre=centre)
    dealer_login(dealer, "dealer-do")
    central = Warehouse.objects.create(code="C-DO", name="总仓", kind=WarehouseKind.CENTRAL)
    stock = Warehouse.objects.create(code="PD01-S", name="浦东安泰库", kind=WarehouseKind.DEALER,
                                     dealer=dealer)
    ignition = PartFactory(code="IGN-20", name="点火针", unit_price=Decimal("35.50"))
    valve = PartFactory(code="VLV-20", name="进水阀", unit_price=Decimal("80.00"))
    for part, cost in ((ignition, "20.00"), (valve, "48.30")):
        part_price_set(actor=manager, part=part, cost=Decimal(cost), price=part.unit_price,
                       valid_from=local_today() - timedelta(days=30))
        stock_move(actor=manager, warehouse=central, part=part, kind=MoveKind.RECEIPT,
                   quantity=20)

    dealer_page = _context(browser, 390)  # the dealer's clerk on a phone
    login(dealer_page, live_server, "dealer-do")
    dealer_page.goto(f"{live_server.url}/parts/material-requests/")
    expect(dealer_page.locator(".empty")).to_contain_text("还没有订货")
    dealer_page.get_by_role("link", name="订购库存配件").click()
    expect(dealer_page.locator("[data-order-terms]")).to_contain_text("按成本价收费")
    dealer_page.locator("input[name='parts-0-part']").fill("IGN-20")
    dealer_page.locator("input[name='parts-0-quantity']").fill("5")
    dealer_page.locator("input[name='parts-1-part']").fill("VLV-20")
    dealer_page.locator("input[name='parts-1-quantity']").fill("2")
    dealer_page.screenshot(path=str(SHOTS / "dealers-order-new.png"), full_page=True)
    assert dealer_page.evaluate("document.documentElement.scrollWidth") <= 390
    dealer_page.get_by_role("button", name="提交订货").click()
    expect(dealer_page.locator("[data-total]")).to_have_text("¥196.60")  # 5 × 20 + 2 × 48.30
    order = MaterialRequest.objects.get()
    assert (order.dealer, order.source, order.destination) == (dealer, central, stock)

    hq = _context(browser)
    login(hq, live_server, "mgr-do")
    hq.goto(f"{live_server.url}/parts/material-requests/{order.pk}/")
    hq.locator("[data-step=approve]").click()
    hq.locator(f"input[name='picked_{order.lines.get(part=ignition).pk}']").fill("4")
    hq.locator("[data-step=pick]").click()
    expect(hq.locator("[data-due]")).to_have_text("¥176.60")  # only 4 ignition pins picked
    expect(hq.locator("[data-unpaid]")).to_be_visible()
    hq.locator("[data-step=ship]").click()
    expect(hq.locator(".msg-error")).to_contain_text("付清")
    order.refresh_from_db()
    assert order.status == S.PICKED

    accountant = _context(browser)
    login(accountant, live_server, "acct-do")
    accountant.get_by_role("link", name="经销商订货").first.click()
    accountant.locator("select[name=status]").select_option("unpaid")
    accountant.get_by_role("button", name="筛选").click()
    row = accountant.locator(f"tr[data-material-request='{order.number}']")
    expect(row.locator("[data-owed]")).to_contain_text("¥176.60")
    row.get_by_role("link", name=order.number).click()
    pay = accountant.locator("form[data-pay]")
    expect(pay.locator("input[name=amount]")).to_have_value("176.60")
    pay.locator("input[name=reference]").fill("ICBC-20261110-001")
    accountant.screenshot(path=str(SHOTS / "dealers-order-payment.png"), full_page=True)
    pay.get_by_role("button", name="记录收款").click()
    expect(accountant.locator("[data-payments]")).to_contain_text("ICBC-20261110-001")
    expect(accountant.locator("[data-owed]")).to_have_text("¥0.00")
    assert MaterialRequestPayment.objects.get().amount == Decimal("176.60")

    hq.reload()
    expect(hq.locator("[data-order-invoice-panel]")).to_contain_text("发货时")
    hq.locator("[data-step=ship]").click()
    expect(hq.locator("[data-status]")).to_have_attribute("data-status", "shipped")
    invoice = Invoice.objects.get()
    assert (invoice.dealer, invoice.total) == (dealer, Decimal("176.60"))
    expect(hq.locator("[data-order-invoice]")).to_have_text(invoice.number)

    dealer_page.goto(f"{live_server.url}/parts/material-requests/{order.pk}/")
    expect(dealer_page.locator("[data-order-invoice]")).to_have_text(invoice.number)
    # the dealer opens its invoice as printed, not the back office's page
    expect(dealer_page.locator("[data-order-invoice-panel] a")).to_have_attribute(
        "href", f"/invoicing/{invoice.pk}/print/")
    dealer_page.locator("[data-step=receive]").click()
    expect(dealer_page.locator("[data-status]")).to_have_attribute("data-status", "received")
    dealer_page.screenshot(path=str(SHOTS / "dealers-order-received.png"), full_page=True)
    assert dealer_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert stock_on_hand(warehouse=stock, part=ignition) == 4
    assert stock_on_hand(warehouse=stock, part=valve) == 2
    assert stock_on_hand(warehouse=central, part=ignition) == 16

    accountant.goto(f"{live_server.url}/parts/material-requests/{order.pk}/")
    accountant.locator("[data-order-invoice-panel] a").click()
    expect(accountant.locator("[data-invoice-number]")).to_have_text(invoice.number)
    expect(accountant.locator("[data-invoice-dealer]")).to_contain_text("浦东安泰经销商")
    expect(accountant.locator("[data-order-payments]")).to_contain_text("ICBC-20261110-001")
    expect(accountant.locator("[data-outstanding]")).to_have_text("¥0.00")
    assert accountant.locator("[data-return], [data-record-payment]").count() == 0
    accountant.screenshot(path=str(SHOTS / "invoicing-dealer-invoice.png"), full_page=True)
    accountant.locator("[data-print-view]").click()
    expect(accountant.locator("[data-buyer]")).to_contain_text("浦东安泰经销商")
    expect(accountant.locator("[data-order-part]")).to_have_count(2)

    # PT-3: the dealer sends one valve back unused; the store receives it on the order's page
    hq.goto(f"{live_server.url}/parts/material-requests/{order.pk}/")
    form = hq.locator("form[data-send-back]")
    form.locator(f"input[name='back_{order.lines.get(part=valve).pk}']").fill("1")
    form.locator("input[name=note]").fill("顺丰 SF1001，包装未拆")
    hq.screenshot(path=str(SHOTS / "dealers-order-send-back.png"), full_page=True)
    form.locator("[data-step=send-back]").click()
    expect(hq.locator(".msg-success")).to_contain_text("总仓")
    back = hq.locator("[data-order-return]")
    expect(back).to_contain_text("顺丰 SF1001")
    expect(back.locator("[data-refund]")).to_have_text("¥48.30")
    expect(hq.locator("[data-due]")).to_have_text("¥128.30")
    assert stock_on_hand(warehouse=stock, part=valve) == 1
    assert stock_on_hand(warehouse=central, part=valve) == 19
    dealer_page.reload()
    expect(dealer_page.locator("[data-order-return]")).to_contain_text("¥48.30")
    assert dealer_page.locator("form[data-send-back]").count() == 0
    dealer_page.locator("[data-section=returns]").scroll_into_view_if_needed()
    dealer_page.screenshot(path=str(SHOTS / "dealers-order-sent-back.png"), full_page=True)
    assert dealer_page.evaluate("document.documentElement.scrollWidth") <= 390
    # the invoice is credited by the refund: still nothing outstanding
    accountant.goto(f"{live_server.url}/invoicing/{invoice.pk}/")
    expect(accountant.locator("[data-credit-notes]")).to_contain_text("退回")
    expect(accountant.locator("[data-outstanding]")).to_have_text("¥0.00")
    # a credit note by hand (the valve's price was lowered): the dealer is paid back on the page
    credit = accountant.locator("[data-credit-notes] form")
    credit.locator("input[name=amount]").fill("10.00")
    credit.locator("input[name=reason]").fill("进水阀调价")
    credit.locator("[data-credit]").click()
    expect(accountant.locator("[data-owed-back]")).to_contain_text("¥10.00")
    refund = accountant.locator("form[data-dealer-refund]")
    expect(refund.locator("input[name=amount]")).to_have_value("10.00")
    refund.locator("input[name=reference]").fill("ICBC-R-001")
    accountant.screenshot(path=str(SHOTS / "invoicing-dealer-refund.png"), full_page=True)
    refund.get_by_role("button", name="记录退给经销商的款项").click()
    expect(accountant.locator(".msg-success")).to_contain_text("浦东安泰经销商")
    expect(accountant.locator("[data-order-payments]")).to_contain_text("ICBC-R-001")
    expect(accountant.locator("[data-outstanding]")).to_have_text("¥0.00")
    assert accountant.locator("[data-owed-back]").count() == 0
