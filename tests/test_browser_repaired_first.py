"""先抢修后补单 (DS-6) in a real browser: the supervisor makes out the paperwork of an emergency
he sent a technician to by phone — on the call screen he ticks "a technician was sent before
this paperwork", says when the call came, who went, when he arrived and why it could not wait;
the request's page shows it on site, its arrival deadline met when he arrived; the
request list finds it with its filter, and the technician's phone lists it so marked.
Screenshots: docs/screenshots/desk-repaired-first.png, desk-repaired-first-request.png,
desk-repaired-first-voucher.png, desk-repaired-first-list.png and desk-repaired-first-phone.png
(SCREENSHOT_DIR)."""

from datetime import timedelta

import pytest
from conftest import login, screenshot
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.dispatch.choices import ClockState
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    screenshot(page, "desk", name)


def _local(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def test_the_supervisor_makes_out_an_emergencys_paperwork_afterwards(page, phone_page,
                                                                     live_server):
    cast = Cast()
    cast.technician.first_name = "李师傅"
    cast.technician.save()
    customer = CustomerFactory(service_centre=cast.centre, name="赵女士", phone="+8613900139001")
    InstalledProductFactory(customer=customer)
    now = timezone.now()
    called, arrived = now - timedelta(hours=3), now - timedelta(hours=2, minutes=20)

    login(page, live_server, cast.supervisor.username)
    page.goto(f"{live_server.url}/requests/new/")
    page.fill("#id_phone", "139 0013 9001")
    expect(page.locator("#customer-area")).to_contain_text("赵女士")
    page.fill("#id_description", "热水器底部大量漏水，已关总阀")
    fields = page.locator(".repaired-fields")
    expect(fields).to_be_hidden()  # nothing to fill in unless a technician was sent
    page.locator("#id_r-on").check()
    expect(fields).to_be_visible()
    page.fill("#id_r-reported_at", _local(called))
    page.select_option("#id_r-technician", str(cast.technician.pk))
    page.fill("#id_r-arrived_at", _local(now + timedelta(hours=1)))  # a slip: in the future
    page.fill("#id_r-repaired_first", "漏水淹到楼下，等不及开单")
    page.locator("#intake-form button[type=submit]").click()
    expect(page.locator("label.field-error")).to_contain_text("技术员的到达时间不能在将来。")
    expect(fields).to_be_visible()  # the part stays open with what was typed
    expect(page.locator("#id_r-repaired_first")).to_have_value("漏水淹到楼下，等不及开单")
    assert not ServiceRequest.objects.exists()
    shot(page, "repaired-first.png")

    page.fill("#id_r-arrived_at", _local(arrived))
    page.locator("#intake-form button[type=submit]").click()
    expect(page.locator("[data-repaired-first]").first).to_be_visible()
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "on_site")
    expect(page.locator("main")).to_contain_text("漏水淹到楼下，等不及开单")
    expect(page.locator("[data-happened-at]")).to_contain_text(_local(arrived))  # the arrival
    shot(page, "repaired-first-request.png")
    request = ServiceRequest.objects.get()
    assert request.status == Status.ON_SITE and request.assigned_technician == cast.technician
    # the printed service voucher says it was made out after the repair
    page.goto(f"{live_server.url}/field/print/{request.pk}/voucher/")
    expect(page.locator("[data-repaired-first]")).to_contain_text("漏水淹到楼下，等不及开单")
    shot(page, "repaired-first-voucher.png")
    # the supervisor's review: the list filtered to the calls repaired first
    page.goto(f"{live_server.url}/requests/")
    page.locator("input[name=repaired_first]").check()
    page.locator("form.filters button[type=submit]").click()
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    expect(page.locator(".msg-error")).to_have_count(0)  # "all" statuses is no wrong choice
    expect(page.locator("table.list [data-repaired-first]")).to_be_visible()
    shot(page, "repaired-first-list.png")
    clock = request.clocks.get()
    assert clock.state == ClockState.MET
    assert _local(clock.met_at) == _local(arrived)

    # the technician's phone: the job on site, marked as made out after the repair
    login(phone_page, live_server, cast.technician.username)
    phone_page.goto(f"{live_server.url}/field/")
    card = phone_page.locator(f"[data-job='{request.number}']")
    expect(card.locator("[data-repaired-first]")).to_be_visible()
    shot(phone_page, "repaired-first-phone.png")
