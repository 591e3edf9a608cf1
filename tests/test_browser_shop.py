"""An online order from its platform to the refund, in a real browser (issue 13): the shop's
platform sends the order through the signed webhook; the desk opens a return case for a quality
fault, agrees to take the goods back, receives them with a photo, inspects them (a part
missing: a deduction) and refunds — the refund note for finance shows on the case.
Screenshots: docs/screenshots/shop-*.png (set SCREENSHOT_DIR=docs/screenshots to keep them; by
default they go to /tmp/shots/shop/)."""

import json
import os
import random
import time
import urllib.request
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import login
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.demo.shop_seed import seed_shop
from aftersales.invoicing.selectors import credit_notes_for
from aftersales.service.tests.factories import Cast
from aftersales.shop import services
from aftersales.shop.choices import CaseState
from aftersales.shop.models import Order, ShopCase
from aftersales.shop.services.orders import signature_for
from aftersales.shop.tests.factories import ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots/shop"))


def _send(live_server, shop, payload: dict) -> int:
    body = json.dumps(payload, ensure_ascii=False).encode()
    ts = str(int(time.time()))
    request = urllib.request.Request(
        f"{live_server.url}/shop/webhook/{shop.code}/", data=body, method="POST",
        headers={"Content-Type": "application/json", "X-Shop-Timestamp": ts,
                 "X-Shop-Signature": signature_for(shop.webhook_secret, ts, body)})
    with urllib.request.urlopen(request) as response:
        return response.status


def test_inbound_order_to_an_inspected_return_and_its_refund_note(browser, live_server,
                                                                 tmp_path):
    cast = Cast()
    shop = ShopFactory(name="天猫官方店", code="tmall-official")
    now = timezone.now()
    services.answer_save(actor=cast.agent, kind="return", language="zh-hans", title="质量问题运费说明",
                         body="{buyer}您好,很抱歉!订单{order}质量问题的退货运费由我们承担。")
    assert _send(live_server, shop, {
        "event_id": "evt-100", "type": "order", "order": {
            "number": "TM260001", "buyer": {"name": "王芳", "phone": "13800138000",
                                            "address": "上海市浦东新区张江路1号"},
            "items": [{"sku": "WH-50", "name": "电热水器 50L", "quantity": 1,
                       "price": "1299.00"}],
            "paid_amount": "1299.00", "paid_at": (now - timedelta(days=4)).isoformat(),
            "shipped_at": (now - timedelta(days=3)).isoformat(),
            "delivered_at": (now - timedelta(days=1)).isoformat()}}) == 201
    order = Order.objects.get()

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, cast.agent.username)
    page.goto(f"{live_server.url}/shop/orders/")
    expect(page.locator(f"tr[data-order='{order.pk}']")).to_contain_text("王芳")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "shop-orders.png"), full_page=True)
    page.locator(f"tr[data-order='{order.pk}'] a").first.click()

    form = page.locator("form[data-case-new]")
    form.locator("select[name=kind]").select_option("return")
    form.locator("select[name=reason]").select_option("quality")
    form.locator("textarea[name=description]").fill("加热管漏水,底座有水渍")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-fee-payer]")).to_have_attribute("data-fee-payer", "shop")
    case = ShopCase.objects.get()

    page.locator("[data-step=goods_expect] input[name=shipping_fee]").fill("18.00")
    page.locator("[data-step=goods_expect] input[name=tracking]").fill("SF1234567890")
    page.locator("[data-step=goods_expect] button").click()
    photo = tmp_path / "returned.png"
    Image.new("RGB", (64, 48), (200, 60, 40)).save(photo)
    page.locator("[data-step=goods_receive] input[name=photos]").set_input_files(str(photo))
    page.locator("[data-step=goods_receive] button").click()
    inspect = page.locator("[data-step=goods_inspect]")
    inspect.locator("select[name=result]").select_option("missing")
    inspect.locator("input[name=note]").fill("缺少安装支架")
    inspect.locator("input[name=deduction]").fill("35.50")
    inspect.locator("button").click()
    expect(page.locator("[data-preview]")).to_contain_text("1281.50")

    # a ready answer goes into the reply and the log
    page.locator(".answer [data-insert]").first.click()
    expect(page.locator("#reply")).to_have_value("王芳您好,很抱歉!订单TM260001质量问题的退货运费由我们承担。")
    page.locator("#messages form button[type=submit]").click()

    page.locator("[data-step=refund] button").click()
    expect(page.locator("[data-refund-notes]")).to_be_visible()
    expect(page.locator("[data-refund]")).to_contain_text("1281.50")
    page.screenshot(path=str(SHOTS / "shop-case.png"), full_page=True)

    case.refresh_from_db()
    assert case.state == CaseState.REFUNDED
    assert case.refund_amount == Decimal("1281.50")  # 1299.00 − 35.50 + 18.00 shipping
    notes = list(credit_notes_for(case))
    assert [n.amount for n in notes] == [Decimal("1281.50")] and notes[0].kind == "refund"
    assert case.messages.filter(direction="out").count() == 1

    # the demo's shops beside it, for pages worth a look
    seed_shop(random.Random(5), UserFactory(username="shop-admin", role=Role.ADMIN),
              timezone.now())
    page.goto(f"{live_server.url}/shop/")
    expect(page.locator("tr[data-case]").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "shop-cases.png"), full_page=True)
    page.goto(f"{live_server.url}/shop/metrics/")
    expect(page.locator(f"[data-shop='{shop.code}']")).to_be_visible()
    expect(page.locator("[data-shop='jd-store'] [data-response-rate]")).to_contain_text("%")
    page.wait_for_timeout(1500)  # the charts draw
    page.screenshot(path=str(SHOTS / "shop-metrics.png"), full_page=True)
    context.close()
