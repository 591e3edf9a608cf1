"""A list that stacks its rows on a phone keeps a value of several lines beside its label: the
parts of a material request, one under the other, not wrapping back under the label."""

from datetime import timedelta
from decimal import Decimal

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.core.dates import local_today
from aftersales.dealers.services import dealer_parts_order
from aftersales.dealers.tests.factories import dealer_login, dealer_make, region_make
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import Warehouse
from aftersales.parts.services import part_price_set, stock_move
from aftersales.parts.tests.factories import PartFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cell_of_several_lines_stays_beside_its_label_on_a_phone(browser, live_server):
    manager = UserFactory(username="mgr-sl", role=Role.MANAGER, service_centre=None)
    dealer = dealer_make("SL01", "松江经销商", region_make("SJ", "松江", "松江区"),
                         centre=ServiceCentreFactory())
    central = Warehouse.objects.create(code="C-SL", name="总仓", kind=WarehouseKind.CENTRAL)
    Warehouse.objects.create(code="SL01-S", name="松江库", kind=WarehouseKind.DEALER,
                             dealer=dealer)
    parts = [PartFactory(code=f"SL-{n}", unit_price=Decimal("30.00")) for n in (1, 2, 3)]
    for part in parts:
        part_price_set(actor=manager, part=part, cost=Decimal("20.00"), price=part.unit_price,
                       valid_from=local_today() - timedelta(days=30))
        stock_move(actor=manager, warehouse=central, part=part, kind=MoveKind.RECEIPT,
                   quantity=5)
    order = dealer_parts_order(actor=dealer_login(dealer, "dealer-sl"), job=None,
                               lines=[{"part": part, "quantity": "1"} for part in parts])

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 390, "height": 900})
    page = context.new_page()
    login(page, live_server, "mgr-sl")
    page.goto(f"{live_server.url}/parts/material-requests/")
    row = page.locator("table.list.stack tbody tr").filter(has_text=order.number)
    cell = row.locator("td[data-label='配件']")
    value = cell.locator(".stack-value")
    expect(value).to_contain_text("SL-3")
    label_box, value_box = cell.bounding_box(), value.bounding_box()
    assert value_box["x"] > label_box["x"] + 40  # beside the label, not under it
    assert value_box["height"] > 2.5 * 16  # its three lines one under the other
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.reload()  # labelled once however often the script runs
    assert cell.locator(".stack-value").count() == 1
