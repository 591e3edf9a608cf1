"""The staff log-in page in a browser after too many wrong passwords (issue 9 item 10): the
page says so in the user's language, with status 429, and the right password does not get in.

Set SCREENSHOT_DIR to keep the screenshot (docs/screenshots/login-locked.png)."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache

from aftersales.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _forget_counts():
    yield
    cache.clear()  # the cache table outlives a transactional test's flush


def _try(page, live_server, password):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "agent-locked")
    page.fill("input[name=password]", password)
    with page.expect_response(lambda r: r.url.endswith("/login/")
                              and r.request.method == "POST") as answer:
        page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    return answer.value.status


def test_the_log_in_page_locks_out_after_five_failures(page, live_server, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    UserFactory(username="agent-locked")
    assert [_try(page, live_server, "wrong") for _ in range(5)] == [200] * 5
    assert _try(page, live_server, PASSWORD) == 429
    assert "/login/" in page.url
    assert page.locator(".errors").inner_text().startswith("登录失败次数过多")
    if os.environ.get("SCREENSHOT_DIR"):
        target = Path(os.environ["SCREENSHOT_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target / "login-locked.png"), full_page=True)
