"""The parts price list in a real browser: a service manager finds the price list from the
navigation, searches it, sets a new price on a part's page (a negative amount is refused first),
adds a model the part fits, imports the yearly price list from Excel (preview, then confirm) and
sees the prices waiting for their day; a supervisor reads the list on a phone, without costs.
Screenshots: docs/screenshots/parts-prices*.png (set SCREENSHOT_DIR=docs/screenshots to keep
them; by default they go to /tmp/shots/parts/)."""

import os
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from conftest import login
from openpyxl import Workbook
from playwright.sync_api import expect

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.customers.tests.factories import ProductModelFactory
from aftersales.parts import services
from aftersales.parts.models import PartPrice
from aftersales.parts.tests.factories import PartFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots/parts"))
DAY = date(2026, 6, 15)
NEW_YEAR = date(2027, 1, 1)


def _price_list_file() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["配件编号", "配件名称", "客户价", "成本价", "生效日期"])
    sheet.append(["IGN-01", "点火针", 39, 23, NEW_YEAR])
    sheet.append(["FAN-02", "风机", 135, 88, NEW_YEAR])
    sheet.append(["VAL-05", "燃气阀", 60, 40, "2027-01-01"])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_manager_keeps_the_price_list_and_a_supervisor_reads_it(browser, live_server,
                                                                    clock_at):
    clock_at(10, 0, day=DAY, tick=False)
    centre = ServiceCentreFactory()
    manager = UserFactory(username="mgr-prices", role=Role.MANAGER, service_centre=None,
                          first_name="经理", last_name="王")
    UserFactory(username="sup-prices", role=Role.SUPERVISOR, service_centre=centre)
    ign = PartFactory(code="IGN-01", name="点火针", category="water_heater",
                      unit_price=Decimal("30.00"))
    fan = PartFactory(code="FAN-02", name="风机", category="hood", unit_price=Decimal("120.00"))
    PartFactory(code="VAL-05", name="燃气阀", category="water_heater", unit_price=Decimal("55"))
    PartFactory(code="SCR-09", name="自攻螺钉", category="", unit_price=Decimal("0.50"))
    services.part_price_set(actor=manager, part=ign, cost="20.00", price="35.50",
                            valid_from=DAY - timedelta(days=90))
    services.part_price_set(actor=manager, part=fan, cost="80.00", price="128.00",
                            valid_from=DAY - timedelta(days=20))
    ProductModelFactory(code="JSQ20-A", name="燃气热水器 20L")

    desk = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                               viewport={"width": 1280, "height": 800})
    page = desk.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "mgr-prices")
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_text("配件与费用", exact=True).click()
    nav.get_by_role("link", name="配件", exact=True).click()
    page.locator("[data-area=prices]").click()
    expect(page.get_by_role("heading", name="零部件价格表")).to_be_visible()
    expect(page.locator("tr[data-part]")).to_have_count(4)
    expect(page.locator("tr[data-part=IGN-01] [data-price]")).to_have_text("¥35.50")
    expect(page.locator("tr[data-part=IGN-01] [data-cost]")).to_have_text("¥20.00")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "parts-prices.png"), full_page=True)

    # search as one types (htmx), then open the part
    page.fill("[data-price-filters] input[name=q]", "点火")
    expect(page.locator("tr[data-part]")).to_have_count(1)
    assert "q=" in page.url
    page.get_by_role("link", name="IGN-01").click()
    expect(page.locator("[data-current-price]")).to_have_text("¥35.50")

    # a negative price is refused in Chinese; nothing saved
    page.fill("input[name=valid_from]", "2026-07-01")
    page.fill("input[name=price]", "-3")
    page.fill("input[name=cost]", "21")
    page.get_by_role("button", name="设定价格").click()
    expect(page.locator("[data-error=price]")).to_contain_text("负")
    assert PartPrice.objects.filter(part=ign).count() == 1
    page.fill("input[name=price]", "36.80")
    page.get_by_role("button", name="设定价格").click()
    expect(page.locator("[data-next]").first).to_contain_text("¥36.80")
    expect(page.locator("tr[data-valid-from]")).to_have_count(2)

    # the part fits a model now (htmx: the panel comes back)
    page.select_option("select[name=product_model]", label="JSQ20-A 燃气热水器 20L")
    page.get_by_role("button", name="添加机型").click()
    expect(page.locator("[data-fit=JSQ20-A]")).to_be_visible()
    assert list(ign.fits.values_list("code", flat=True)) == ["JSQ20-A"]
    page.screenshot(path=str(SHOTS / "parts-prices-part.png"), full_page=True)

    # the yearly price list: preview, then confirm
    page.get_by_role("link", name="导入价格表").click()
    page.set_input_files("input[name=file]", files=[{
        "name": "2027年价格表.xlsx", "buffer": _price_list_file(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="预览").click()
    expect(page.locator("[data-count=change] b")).to_have_text("3")
    expect(page.locator("[data-count=error] b")).to_have_text("0")
    page.screenshot(path=str(SHOTS / "parts-prices-import.png"), full_page=True)
    assert PartPrice.objects.filter(valid_from=NEW_YEAR).count() == 0
    page.locator("[data-confirm]").click()
    expect(page.locator(".msg-success")).to_contain_text("3 个新价格")
    assert PartPrice.objects.filter(valid_from=NEW_YEAR).count() == 3
    expect(page.locator("tr[data-part=VAL-05] [data-next]")).to_contain_text("2027-01-01")
    desk.close()

    phone = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, device_scale_factor=2)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "sup-prices")
    page.goto(f"{live_server.url}/parts/prices/")
    expect(page.locator("tr[data-part]")).to_have_count(4)
    expect(page.locator("[data-cost]")).to_have_count(0)  # no cost prices for a supervisor
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "parts-prices-phone.png"), full_page=True)
    page.get_by_role("link", name="FAN-02").click()
    expect(page.locator("[data-price-form]")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "parts-prices-part-phone.png"), full_page=True)
    phone.close()
