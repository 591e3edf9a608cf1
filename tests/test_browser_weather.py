"""Bad weather in a real browser (DS-6): from the dispatch queue the supervisor opens "Bad
weather", sees the day's visits and how each customer will be told, says what the weather is
and tells them; the notice's page lists the customer to call first. Screenshots:
docs/screenshots/dispatch-weather.png and dispatch-weather-notice.png (SCREENSHOT_DIR keeps them)."""

import json
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from conftest import login, screenshot
from playwright.sync_api import expect

from aftersales.core.dates import local_today
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.dispatch.models import WeatherNotice
from aftersales.service import services
from aftersales.service.tests.factories import Cast, new_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    screenshot(page, "dispatch", name)


def test_the_supervisor_tells_the_days_customers_and_calls_the_one_without_a_mobile(
        page, live_server, settings, tmp_path):
    settings.SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    cast = Cast()
    today = local_today()
    for name, phone, hour in (("张先生", "+8613800138001", 10), ("李女士", "+862150005678", 15)):
        request = new_request(cast, customer=CustomerFactory(service_centre=cast.centre,
                                                             name=name, phone=phone))
        services.service_request_assign(
            actor=cast.supervisor, request=request, technician=cast.technician,
            appointment_at=datetime.combine(today, time(hour), ZoneInfo("Asia/Shanghai")))

    login(page, live_server, cast.supervisor.username)
    page.goto(f"{live_server.url}/dispatch/")
    page.locator("[data-weather-link]").click()
    expect(page.locator("#weather-visits")).to_have_attribute("data-untold", "2")
    expect(page.locator("#weather-visits")).to_contain_text("李女士")
    form = page.locator("[data-weather-form]")
    form.locator("input[name=reason]").fill("台风“海葵”")
    shot(page, "weather.png")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-to-call]")).to_have_attribute("data-to-call", "1")
    expect(page.locator("#weather-recipients tbody tr").first).to_have_attribute(
        "data-channel", "call")
    expect(page.locator("a[href='tel:+862150005678']")).to_be_visible()
    shot(page, "weather-notice.png")
    notice = WeatherNotice.objects.get()
    assert notice.recipients.count() == 2 and notice.reason == "台风“海葵”"
    [text] = [json.loads(line)["text"] for line in
              (tmp_path / "sms" / "outbox.jsonl").read_text(encoding="utf-8").splitlines()]
    assert "台风“海葵”" in text
    # back on the page: nobody is left to tell that day
    page.goto(f"{live_server.url}/dispatch/weather/?centre={cast.centre.pk}")
    expect(page.locator("[data-nothing-to-tell]")).to_be_visible()
    expect(page.locator("#weather-notices tbody tr")).to_have_count(1)
