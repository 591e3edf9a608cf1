"""One job through every hand, in the real browser: the agent takes the call, the supervisor
assigns it, the technician does it on his phone and the customer signs, the clerk closes it, and
the request's page shows the whole timeline."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.parts.tests.factories import PartFactory
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast

from .test_browser_field import sign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_as(browser, live_server, username, phone=False):
    options = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
    if phone:
        options |= {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "secret-pass-1")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
    return context, page


def test_intake_assign_arrive_record_sign_close(browser, live_server):
    cast = Cast()
    customer = CustomerFactory(name="赵先生", phone="+8613900001111", service_centre=cast.centre)
    InstalledProductFactory(customer=customer)
    PartFactory(code="IGN-0101", name="点火针")

    # the agent takes the call: the number finds the customer and his product
    context, desk = open_as(browser, live_server, cast.agent.username)
    desk.goto(f"{live_server.url}/requests/new/")
    desk.keyboard.type("139 0000 1111")
    expect(desk.locator(f"input[name=customer][value='{customer.pk}']")).to_be_checked()
    expect(desk.locator("#terms [data-category=C]")).to_be_visible()
    desk.fill("#id_description", "热水器不点火")
    desk.press("#id_description", "Enter")
    desk.wait_for_url(re.compile(r"/requests/\d+/$"))
    request = ServiceRequest.objects.get()
    assert request.status == Status.REGISTERED
    context.close()

    # the supervisor assigns it from the queue
    context, queue = open_as(browser, live_server, cast.supervisor.username)
    queue.goto(f"{live_server.url}/dispatch/")
    row = queue.locator(f"#row-{request.pk}")
    row.locator("select[name=technician]").select_option(str(cast.technician.pk))
    row.locator("button.primary").click()
    expect(queue.locator(f"#row-{request.pk}")).to_have_count(0)
    context.close()

    # the technician, on his phone: on the way, arrived, record, hours and a part, signature
    context, phone = open_as(browser, live_server, cast.technician.username, phone=True)
    phone.goto(f"{live_server.url}/field/jobs/{request.pk}/")
    phone.locator("form[action$='/step/depart/'] button").click()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", Status.EN_ROUTE)
    phone.locator("form[action$='/step/arrive/'] button").click()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", Status.ON_SITE)
    phone.fill("#rec-fault_found", "点火时有火花但不着火")
    phone.fill("#rec-fault_cause", "点火针积碳")
    phone.fill("#rec-action_taken", "更换点火针，试机正常")
    phone.locator("#record button[type=submit]").click()
    expect(phone.locator("[data-terms]")).to_be_visible()
    phone.fill("#hrs-hours", "1")
    phone.locator("#hours button[type=submit]").click()
    expect(phone.locator("[data-hours-total]")).to_have_text("1 h")
    phone.fill("#part-q", "点火")
    phone.locator("#part-results label.pick").first.click()
    phone.locator("#parts button[type=submit]").click()
    expect(phone.locator("#parts .lines li")).to_have_count(1)
    phone.locator("a[href*='finish=complete']").click()
    phone.fill("#done-signer_name", "赵先生")
    phone.fill("#done-opinion", "满意")
    sign(phone, phone.locator("#panel-complete canvas.sigpad").get_attribute("id"))
    phone.locator("#panel-complete button[type=submit]").click()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", Status.COMPLETED)
    context.close()

    # the clerk closes the job; the page shows the whole story
    context, desk = open_as(browser, live_server, cast.agent.username)
    desk.goto(f"{live_server.url}/requests/{request.pk}/")
    close = desk.locator("#action-close")
    close.locator("button[type=submit]").click()
    expect(desk.locator("[data-status]")).to_have_attribute("data-status", Status.CLOSED)
    timeline = desk.locator("#timeline li")
    for text in ("已登记", "已派工", "在途", "在现场", "已完工", "已结案"):
        expect(desk.locator("#timeline")).to_contain_text(text)
    assert timeline.count() >= 7
    context.close()
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.signatures.count() == 1
    assert request.parts.count() == 1 and request.labor.count() == 1
