"""Parts stock in a real browser: a supervisor receives 5 units into the centre's store and
transfers 2 to a technician's van; the technician logs in and sees 2 in his van (and only his
van). Screenshot: docs/screenshots/parts-stock.png (set SCREENSHOT_DIR=docs/screenshots to keep
it; by default it goes to /tmp/shots/parts/)."""

import os
from pathlib import Path

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.parts.choices import WarehouseKind
from aftersales.parts.models import Warehouse
from aftersales.parts.tests.factories import PartFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots/parts"))


def test_receive_transfer_and_the_technician_sees_his_van(browser, live_server):
    centre = ServiceCentreFactory()
    UserFactory(username="sup-parts", role=Role.SUPERVISOR, service_centre=centre)
    tech = UserFactory(username="tech-parts", role=Role.TECHNICIAN, service_centre=centre,
                       first_name="师傅", last_name="张")
    store = Warehouse.objects.create(code="SH-STORE", name="上海中心库", kind=WarehouseKind.CENTRE,
                                     service_centre=centre)
    van = Warehouse.objects.create(code="SH-VAN-01", name="张师傅车载库", kind=WarehouseKind.VAN,
                                   technician=tech)
    Warehouse.objects.create(code="SH-VAN-02", name="李师傅车载库", kind=WarehouseKind.VAN,
                             technician=UserFactory(username="tech-parts-2", role=Role.TECHNICIAN,
                                                    service_centre=centre))
    PartFactory(code="IGN-01", name="点火针")

    desk = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                               viewport={"width": 1280, "height": 800})
    page = desk.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "sup-parts")
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_text("配件与费用", exact=True).click()  # the parts area is in this group's menu
    nav.get_by_role("link", name="配件", exact=True).click()
    page.locator("[data-area=stock]").click()
    page.get_by_role("link", name="入库", exact=True).click()
    page.select_option("select[name=place]", str(store.pk))
    page.fill("input[name=part]", "IGN-01")
    page.fill("input[name=quantity]", "5")
    page.get_by_role("button", name="配件入库").click()
    expect(page.locator("tr[data-part=IGN-01] [data-on-hand]")).to_have_text("5")

    page.get_by_role("link", name="调拨", exact=True).click()
    expect(page.locator("select[name=source]")).to_have_value(str(store.pk))
    page.select_option("select[name=target]", str(van.pk))
    page.fill("input[name=part]", "IGN-01")
    page.fill("input[name=quantity]", "9")
    page.get_by_role("button", name="配件调拨").click()
    expect(page.locator("[data-error=quantity]")).to_contain_text("IGN-01")  # only 5 there
    page.fill("input[name=quantity]", "2")
    page.get_by_role("button", name="配件调拨").click()
    expect(page.locator("tr[data-part=IGN-01] [data-on-hand]")).to_have_text("3")
    desk.close()

    phone = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, device_scale_factor=2)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "tech-parts")
    page.goto(f"{live_server.url}/parts/stock/")
    expect(page.locator("tr[data-place]")).to_have_count(1)
    page.get_by_role("link", name="SH-VAN-01").click()
    expect(page.locator("tr[data-part=IGN-01] [data-on-hand]")).to_have_text("2")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "parts-stock.png"), full_page=True)
    # the store is not his
    assert page.goto(f"{live_server.url}/parts/stock/{store.pk}/").status == 404
    phone.close()
