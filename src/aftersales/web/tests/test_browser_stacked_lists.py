"""On a phone a list's rows stack and its header is hidden: each value but the row's first shows
its column's name before it (web/app.js labels the cells, web/app.css shows the label only on a
narrow screen)."""

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.service.tests.factories import Cast, new_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _label(cell) -> str:
    return cell.evaluate("td => getComputedStyle(td, '::before').content")


def test_a_stacked_row_names_each_value_on_a_phone_and_not_on_a_desk(browser, live_server):
    cast = Cast()
    request = new_request(cast)
    for width, shown in ((390, True), (1280, False)):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                      viewport={"width": width, "height": 800})
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, live_server, cast.agent.username)
        page.goto(f"{live_server.url}/requests/")
        row = page.locator("table.list tbody tr").filter(has_text=request.number)
        expect(row).to_be_visible()
        cells = row.locator("td")
        assert cells.nth(0).get_attribute("data-label") is None  # the number needs no name
        status = row.locator("td[data-label='状态']")
        expect(status).to_have_count(1)
        assert _label(status) == ('"状态"' if shown else "none")
        context.close()
