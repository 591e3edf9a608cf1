"""A part's whole journey in a real browser (issue 10): the technician asks for a part from his
job on his phone; the centre's supervisor approves, picks and ships it; the technician confirms
receipt, fits it on the job (it leaves his van), records the new and the faulty part's serials
and sends the faulty part back; the service department receives it at the central warehouse.
(The stock-take with one deficit is tests/test_browser_parts_count.py.)"""

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.parts.models import MaterialRequest, ReturnObligation, ReturnStatus, StockMove
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.tests.test_requests import Stores
from aftersales.service.choices import Status
from aftersales.service.models import PartUsage
from aftersales.service.tests.factories import Cast, drive, new_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_ship_fit_return_and_receive_a_part(phone_page, page, live_server):
    world = Stores(Cast())
    cast = world.cast
    job = drive(new_request(cast), cast, Status.ON_SITE)  # in warranty: parts are free
    assert not job.chargeable

    # 1. the technician asks for the part from his job
    phone = phone_page
    login(phone, live_server, cast.technician.username)
    phone.goto(f"{live_server.url}/field/jobs/{job.pk}/")
    phone.locator("[data-request-parts]").click()
    phone.fill("#code_0", world.part.code)
    phone.fill("#quantity_0", "1")
    phone.locator("form.form button[type=submit]").click()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", "requested")
    material = MaterialRequest.objects.get()

    # 2. the store approves, picks and ships it
    login(page, live_server, cast.supervisor.username)
    page.goto(f"{live_server.url}/parts/material-requests/{material.pk}/")
    for step, state in (("approve", "approved"), ("pick", "picked"), ("ship", "shipped")):
        page.locator(f"[data-step={step}]").click()
        expect(page.locator("[data-status]")).to_have_attribute("data-status", state)

    # 3. he confirms receipt: it is in his van
    phone.reload()
    phone.locator("[data-step=receive]").click()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", "received")
    assert stock_on_hand(warehouse=world.van, part=world.part) == 1

    # 4. he fits it on the job: it leaves the van with the usage line
    phone.goto(f"{live_server.url}/field/jobs/{job.pk}/")
    phone.fill("#part-q", world.part.code)
    expect(phone.locator("#part-results input[type=radio]").first).to_be_attached()
    phone.locator("#part-results input[type=radio]").first.check()
    phone.locator("#parts button[type=submit]").click()
    expect(phone.locator("#parts ul.lines")).to_contain_text(world.part.code)
    usage = PartUsage.objects.get(request=job)
    assert stock_on_hand(warehouse=world.van, part=world.part) == 0
    assert StockMove.objects.filter(kind="issue", reference=f"usage:{usage.pk}").count() == 1

    # 5. the faulty part is owed back: on the same job page he writes down both serials and
    #    the waybill and sends it, and is back on the job
    obligation = ReturnObligation.objects.get(usage=usage)
    phone.reload()
    item = f"#faulty-parts [data-obligation='{obligation.pk}']"
    phone.locator(f"{item} input[name=new_serial]").fill("NEW-2026-100")
    phone.locator(f"{item} input[name=faulty_serial]").fill("OLD-2021-555")
    phone.locator(f"{item} input[name=tracking]").fill("SF0000000001")
    phone.locator(f"{item} [data-send]").click()
    expect(phone.locator(item)).to_contain_text("已寄回")
    expect(phone.locator(item)).to_contain_text("OLD-2021-555")
    assert phone.url.endswith(f"/field/jobs/{job.pk}/#faulty-parts")
    row = f"tr[data-obligation='{obligation.pk}']"

    # 6. the service department receives it at the central warehouse
    page.context.clear_cookies()
    login(page, live_server, cast.manager.username)
    page.goto(f"{live_server.url}/parts/returns/")
    page.locator(f"{row} [data-receive]").click()
    page.goto(f"{live_server.url}/parts/returns/?status=received")
    expect(page.locator(row)).to_contain_text("OLD-2021-555")
    obligation.refresh_from_db()
    assert obligation.status == ReturnStatus.RECEIVED
    assert obligation.faulty_serial == "OLD-2021-555"
