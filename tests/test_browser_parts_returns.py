"""Faulty parts owed back, in a real browser: a technician fitted a free (warranty) part; on his
phone he records the new and the faulty part's serials and sends the faulty part back; the
service department receives it at the central warehouse. A loan without the confirmation that it
is not a gift (PT-3) is refused with the reason. Screenshot: docs/screenshots/parts-returns.png
(set SCREENSHOT_DIR=docs/screenshots to keep it; by default it goes to /tmp/shots/parts/)."""

import os
from pathlib import Path

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.parts.models import ReturnObligation, ReturnStatus
from aftersales.parts.tests.test_returns import _job
from aftersales.service import services as service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots/parts"))


def test_the_technician_sends_the_faulty_part_back_and_it_is_received(browser, live_server):
    cast, van, central, part, request = _job(chargeable=False)
    service.part_add(actor=cast.technician, request=request, part=part)
    obligation = ReturnObligation.objects.get()
    row = f"tr[data-obligation='{obligation.pk}']"

    phone = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, device_scale_factor=2)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, cast.technician.username)
    page.goto(f"{live_server.url}/parts/returns/")
    expect(page.locator(row)).to_contain_text(part.code)
    page.locator(f"{row} [data-send]").click()
    expect(page.locator(".msg-error")).to_contain_text("旧件序列号")  # not recorded yet
    page.locator(f"{row} input[name=new_serial]").fill("NEW-2026-001")
    page.locator(f"{row} input[name=faulty_serial]").fill("OLD-2019-778")
    page.locator(f"{row} button", has_text="保存").click()
    page.locator(f"{row} input[name=tracking]").fill("SF1234567890")
    page.locator(f"{row} [data-send]").click()
    expect(page.locator(row)).to_contain_text("已寄回")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "parts-returns.png"), full_page=True)
    phone.close()

    desk = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                               viewport={"width": 1280, "height": 800})
    page = desk.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, cast.manager.username)
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_text("配件与费用", exact=True).click()  # the parts area is in this group's menu
    nav.get_by_role("link", name="配件", exact=True).click()
    page.locator("[data-area=returns]").click()
    page.locator(f"{row} [data-receive]").click()
    page.goto(f"{live_server.url}/parts/returns/?status=received")
    expect(page.locator(row)).to_contain_text("OLD-2019-778")
    obligation.refresh_from_db()
    assert obligation.status == ReturnStatus.RECEIVED

    page.goto(f"{live_server.url}/parts/loans/new/")
    expect(page.locator("[data-not-loans]")).to_contain_text("赠品")
    page.select_option("select[name=warehouse]", str(central.pk))
    page.fill("input[name=part]", part.code)
    page.fill("input[name=phone]", request.customer.phone)
    page.fill("input[name=due_on]", "2030-01-10")
    page.get_by_role("button", name="借出").click()
    expect(page.locator("[data-error=confirm]")).to_be_visible()
    desk.close()
