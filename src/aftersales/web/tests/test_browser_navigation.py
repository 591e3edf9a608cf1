"""The grouped main navigation in Debian's chromium: a manager's 22 links fit the top bar in one
line at 1280 px as menus; one menu is open at a time, Escape and a click elsewhere close it, a
link in it leads to its page, where its group is marked. On a phone nothing is wider than the
screen. Set SCREENSHOT_DIR=docs/screenshots to keep the screenshots (nav-*.png)."""

import os
from pathlib import Path

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(tmp_path) -> Path:
    return Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)


def _group(page, key):
    return page.locator(f"details.navgroup[data-navgroup={key}]")


def test_a_managers_navigation_is_one_line_of_menus(browser, live_server, tmp_path):
    UserFactory(username="mgr-nav", role=Role.MANAGER)
    desk = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800}
    )
    page = desk.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "mgr-nav")
    page.goto(f"{live_server.url}/reports/dashboard/")
    nav = page.get_by_role("navigation", name="主导航")

    # one line: the navigation is no taller than one of its links, and the bar holds one row
    line = page.locator(".mainnav > a").first.bounding_box()["height"]
    assert nav.bounding_box()["height"] < 1.5 * line
    rows = {
        round(
            page.locator(sel).bounding_box()["y"] + page.locator(sel).bounding_box()["height"] / 2
        )
        for sel in (".brand", ".mainnav", ".topbar-right")
    }
    assert max(rows) - min(rows) <= 4, rows
    expect(nav.locator("details.navgroup > summary")).to_have_text(
        ["服务", "客户与回访", "配件与费用", "渠道"]
    )
    expect(nav.get_by_role("link", name="派工")).to_be_hidden()  # menus start closed

    service, money = _group(page, "service"), _group(page, "money")
    service.locator("summary").click()
    dispatch = nav.get_by_role("link", name="派工")
    expect(dispatch).to_be_visible()
    menu = service.locator(".navgroup-menu").bounding_box()
    summary = service.locator("summary").bounding_box()
    assert menu["y"] >= summary["y"] + summary["height"]  # below its summary
    assert page.locator(".topbar").bounding_box()["height"] < 2 * line + 16  # the bar did not grow
    # above the page: what is at the link's place is the link
    box = dispatch.bounding_box()
    assert (
        page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).textContent.trim()",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        == "派工"
    )

    money.locator("summary").click()  # opening another closes the first
    expect(nav.get_by_role("link", name="配件", exact=True)).to_be_visible()
    expect(service).not_to_have_attribute("open", "")
    expect(dispatch).to_be_hidden()

    page.keyboard.press("Escape")  # closes it and the focus goes back to its summary
    expect(money).not_to_have_attribute("open", "")
    expect(money.locator("summary")).to_be_focused()
    page.keyboard.press("Enter")  # the summary opens it from the keyboard, as any <details>
    expect(money).to_have_attribute("open", "")
    page.locator("main").click(position={"x": 5, "y": 300})  # a click elsewhere closes it
    expect(money).not_to_have_attribute("open", "")

    money.locator("summary").click()
    nav.get_by_role("link", name="配件", exact=True).click()
    page.wait_for_url(f"{live_server.url}/parts/")
    expect(money).to_have_class("navgroup active")  # where he is, with the menus closed
    expect(money).not_to_have_attribute("open", "")
    expect(service).to_have_class("navgroup")
    color = money.locator("summary").evaluate("e => getComputedStyle(e).borderBottomColor")
    assert color == "rgb(95, 176, 255)"
    money.locator("summary").click()
    expect(nav.get_by_role("link", name="配件", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    page.screenshot(
        path=str(_shots(tmp_path) / "nav-manager-desktop.png"),
        clip={"x": 0, "y": 0, "width": 1280, "height": 360},
    )
    desk.close()


def test_on_a_phone_the_navigation_stays_within_the_screen(phone_page, live_server, tmp_path):
    UserFactory(username="mgr-nav-phone", role=Role.MANAGER)
    UserFactory(username="tech-nav-phone", role=Role.TECHNICIAN)
    page = phone_page
    width = page.viewport_size["width"]
    login(page, live_server, "mgr-nav-phone")
    page.goto(f"{live_server.url}/reports/dashboard/")
    group = _group(page, "follow-up")
    group.locator("summary").click()
    link = page.get_by_role("link", name="客户关怀")
    expect(link).to_be_visible()
    menu = group.locator(".navgroup-menu").bounding_box()
    assert menu["x"] >= 0 and menu["x"] + menu["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(
        path=str(_shots(tmp_path) / "nav-manager-phone.png"),
        clip={"x": 0, "y": 0, "width": width, "height": 520},
    )
    link.click()
    page.wait_for_url(f"{live_server.url}/care/")
    expect(group).to_have_class("navgroup active")

    page.context.clear_cookies()
    login(page, live_server, "tech-nav-phone")
    expect(page.locator(".mainnav > a")).to_have_text(
        ["我的工单", "我的报表", "配件", "维修车间", "收费"]
    )
    expect(page.locator(".mainnav details")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(
        path=str(_shots(tmp_path) / "nav-technician-phone.png"),
        clip={"x": 0, "y": 0, "width": width, "height": 360},
    )
