"""Stock-take in a real browser, on a phone: a supervisor opens a count sheet for the centre's
store, enters the counted quantities (one part short, one as expected; each saved with htmx as
it is entered), finishes counting and approves: the shortage becomes an adjustment move.
Screenshot: docs/screenshots/parts-count.png (set SCREENSHOT_DIR=docs/screenshots to keep it; by
default it goes to /tmp/shots/parts/)."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.parts import services
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import StockBalance, StockCount, StockMove, Warehouse
from aftersales.parts.tests.factories import PartFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots/parts"))


def test_a_stock_take_with_one_deficit_is_approved(phone_page, live_server):
    centre = ServiceCentreFactory()
    supervisor = UserFactory(username="sup-count", role=Role.SUPERVISOR, service_centre=centre,
                             first_name="主管", last_name="王")
    store = Warehouse.objects.create(code="SH-STORE", name="上海中心库", kind=WarehouseKind.CENTRE,
                                     service_centre=centre)
    needle = PartFactory(code="IGN-01", name="点火针", unit_price=Decimal("35.50"))
    valve = PartFactory(code="VALVE-3", name="燃气比例阀", unit_price=Decimal("80.00"))
    for part, quantity in ((needle, 10), (valve, 3)):
        services.stock_move(actor=supervisor, warehouse=store, part=part, kind=MoveKind.RECEIPT,
                            quantity=quantity)

    page = phone_page
    login(page, live_server, "sup-count")
    page.goto(f"{live_server.url}/parts/counts/")
    page.select_option("select[name=warehouse]", str(store.pk))
    page.get_by_role("button", name="开盘点单").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "open")
    number = StockCount.objects.get().number
    expect(page.locator("[data-number]")).to_have_text(number)
    # The sheet is a new page: its lines answer a change only once htmx has processed them, at
    # DOMContentLoaded. Filling in before then leaves the change unheard (seen as a flake at load).
    page.wait_for_load_state("load")

    needle_line = page.locator("li[data-line=IGN-01]")
    needle_line.get_by_role("spinbutton").fill("8")
    needle_line.get_by_role("spinbutton").press("Tab")
    expect(page.locator("li[data-line=IGN-01] [data-diff]")).to_contain_text("盘亏 -2 · ¥-71.00")
    valve_line = page.locator("li[data-line=VALVE-3]")
    valve_line.get_by_role("spinbutton").fill("3")
    valve_line.get_by_role("spinbutton").press("Tab")
    expect(page.locator("li[data-line=VALVE-3] [data-diff]")).to_have_text("账实相符")
    expect(page.locator("[data-summary=deficit]")).to_have_text("1 · ¥71.00")
    expect(page.locator("[data-summary=counted]")).to_have_text("2 / 2")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "parts-count.png"), full_page=True)

    page.locator("[data-step=counted]").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "counted")
    page.locator("[data-step=approve]").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "approved")
    expect(page.locator("li[data-line=IGN-01]")).to_contain_text("8")

    assert StockBalance.objects.get(warehouse=store, part=needle).quantity == 8
    assert StockBalance.objects.get(warehouse=store, part=valve).quantity == 3
    move = StockMove.objects.get(kind=MoveKind.ADJUSTMENT)
    assert (move.part, move.quantity, move.reference) == (needle, -2, f"count:{number}")
