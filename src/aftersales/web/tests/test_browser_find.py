"""Quick find in Debian's chromium: "/" puts the cursor in the top bar's box, a whole number read
aloud opens its request, a phone lists the customer and his requests; on a phone the page is no
wider than the screen. Set SCREENSHOT_DIR=docs/screenshots to keep the screenshots
(find-*.png)."""

import os
from pathlib import Path

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.tests.factories import Cast, new_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(tmp_path) -> Path:
    return Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)


def test_an_agent_finds_a_request_and_a_caller(browser, live_server, tmp_path):
    cast = Cast()
    cast.agent.set_password("secret-pass-1")
    cast.agent.save()
    customer = CustomerFactory(service_centre=cast.centre, name="陆晓峰", phone="+8613916660001")
    sr = new_request(cast, customer=customer)
    new_request(cast, customer=customer)
    desk = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                               viewport={"width": 1280, "height": 800})
    page = desk.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, cast.agent.username)

    # a page without a search box of its own: "/" goes to the top bar's box
    page.goto(f"{live_server.url}/notifications/")
    page.keyboard.press("/")
    box = page.locator("[data-quickfind]")
    expect(box).to_be_focused()
    spoken = f"{sr.number[:6].lower()} {sr.number[6:]}"  # "sr2612 0001", as read out
    box.fill(spoken)
    box.press("Enter")
    page.wait_for_url(f"{live_server.url}/requests/{sr.pk}/")
    expect(page.locator("h1")).to_contain_text(sr.number)

    page.locator("[data-quickfind]").fill("139 1666 0001")
    page.locator("[data-quickfind]").press("Enter")
    page.wait_for_url("**/find/?q=*")
    sections = page.locator("[data-find-section]")
    expect(sections.locator("h2")).to_have_text(["服务单", "客户"])
    expect(sections.first.locator("li")).to_have_count(2)
    expect(page.locator("[data-search]")).to_have_value("139 1666 0001")
    page.screenshot(path=str(_shots(tmp_path) / "find-desk.png"), full_page=True)
    sections.nth(1).get_by_role("link", name="陆晓峰").click()
    page.wait_for_url(f"{live_server.url}/customers/{customer.pk}/")

    phone = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                viewport={"width": 390, "height": 844}, is_mobile=True)
    small = phone.new_page()
    small.set_default_timeout(15_000)
    login(small, live_server, cast.agent.username)
    small.goto(f"{live_server.url}/find/?q=陆晓")
    expect(small.locator("[data-find-section] h2")).to_have_text(["服务单", "客户"])
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    small.screenshot(path=str(_shots(tmp_path) / "find-phone.png"), full_page=True)
    phone.close()
    desk.close()
