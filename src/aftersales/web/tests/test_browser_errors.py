"""The 404 page in Debian's chromium: the product's look (stylesheet applied), the navigation of
the signed-in user, a way back. Set SCREENSHOT_DIR to keep the screenshot (docs/screenshots/)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from aftersales.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unknown_address_shows_the_products_404_page(page, live_server, tmp_path):
    UserFactory(username="desk.agent")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "desk.agent")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="找不到页面")).to_be_visible()
    expect(page.locator(".mainnav")).to_be_visible()  # the signed-in user's navigation
    background = page.eval_on_selector(".topbar", "e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(18, 38, 63)"  # app.css is served and applied
    assert "URLconf" not in page.content()
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    page.screenshot(path=str(shots / "not-found.png"), full_page=True)
    page.get_by_role("link", name="返回首页").click()
    page.wait_for_url(lambda url: "/no-such-page/" not in url)
