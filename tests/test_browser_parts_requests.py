"""A material request in a real browser: the technician asks for a part from his job page on his
phone, the centre's supervisor approves, picks and ships it (printable shipping order), the
technician confirms receipt; the part is then in his van. Screenshots go to /tmp/shots/parts/;
set SCREENSHOT_DIR=docs/screenshots to keep them (parts-material-request-*.png)."""

import pytest
from conftest import login, screenshot
from playwright.sync_api import expect

from aftersales.parts import services
from aftersales.parts.models import MaterialRequest
from aftersales.parts.selectors import reserved_quantity, stock_on_hand
from aftersales.parts.tests.test_requests import Stores
from aftersales.service.choices import Status
from aftersales.service.tests.factories import Cast, drive, new_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    screenshot(page, "parts", name, keep_as=name)


def test_request_ship_and_receive_a_part(phone_page, page, live_server):
    world = Stores(Cast())
    cast = world.cast
    job = drive(new_request(cast), cast, Status.ON_SITE)

    phone = phone_page
    login(phone, live_server, cast.technician.username)
    phone.goto(f"{live_server.url}/field/jobs/{job.pk}/")
    phone.locator("[data-request-parts]").click()
    phone.fill("#code_0", "IGN-02")
    phone.fill("#quantity_0", "2")
    shot(phone, "parts-material-request-phone.png")
    phone.locator("form.form button[type=submit]").click()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", "requested")
    material = MaterialRequest.objects.get()
    expect(phone.locator("[data-number]")).to_have_text(material.number)

    login(page, live_server, cast.supervisor.username)
    page.goto(f"{live_server.url}/parts/material-requests/")
    page.locator(f"[data-material-request='{material.number}'] a").first.click()
    page.locator("[data-step=approve]").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "approved")
    page.locator("[data-step=pick]").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "picked")
    page.locator("[data-step=ship]").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "shipped")
    material.refresh_from_db()
    page.goto(f"{live_server.url}/parts/material-requests/{material.pk}/shipping-order/")
    expect(page.locator("[data-doc-number]")).to_have_text(material.shipping_number)
    shot(page, "parts-material-request-shipping-order.png")

    phone.reload()
    phone.locator("[data-step=receive]").click()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", "received")
    assert stock_on_hand(warehouse=world.van, part=world.part) == 2


def test_a_store_approves_a_request_short_and_picks_what_it_holds(phone_page, live_server):
    """On a phone, the supervisor approves a request of 2 when another approved request holds 4
    of the store's 5: the pick form shows the 1 it holds, "short", and offers 1 to pick."""
    world = Stores(Cast())
    cast = world.cast
    jobs = [drive(new_request(cast), cast, Status.ASSIGNED) for _ in range(2)]
    first = services.material_request_create(actor=cast.technician, request=jobs[0],
                                             lines=[{"part": world.part, "quantity": 4}])
    services.material_request_approve(actor=cast.supervisor, material_request=first)
    second = services.material_request_create(actor=cast.technician, request=jobs[1],
                                              lines=[{"part": world.part, "quantity": 2}])

    login(phone_page, live_server, cast.supervisor.username)
    phone_page.goto(f"{live_server.url}/parts/material-requests/{second.pk}/")
    phone_page.locator("[data-step=approve]").click()
    expect(phone_page.locator("[data-status]")).to_have_attribute("data-status", "approved")
    expect(phone_page.locator("[data-reserved]")).to_have_text("1")
    expect(phone_page.locator("[data-free]")).to_contain_text("不足")
    line = second.lines.get()
    expect(phone_page.locator(f"input[name=picked_{line.pk}]")).to_have_value("1")
    expect(phone_page.locator("ul.lines")).to_contain_text("不足 1")
    shot(phone_page, "parts-pick-reserved.png")
    phone_page.locator("[data-step=pick]").click()
    expect(phone_page.locator("[data-status]")).to_have_attribute("data-status", "picked")
    assert reserved_quantity(world.store, world.part) == 5
