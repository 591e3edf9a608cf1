"""A product notice in a real browser (CR-1): the service manager writes it for a model's
recent buyers, sees how many it reaches and what they will read, sends it after confirming, and
watches it finish while the worker sends (the page polls and reloads itself). Screenshot:
docs/screenshots/care-notice.png (SCREENSHOT_DIR=docs/screenshots keeps it)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.care import services
from aftersales.care.models import ProductNotice
from aftersales.core.dates import local_today
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.service.tests.factories import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots/care"))


def test_a_notice_is_written_checked_sent_and_finished(page, live_server, settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path / "sms"
    today = local_today()
    cast = Cast()
    heater = ProductModelFactory(code="JSQ24-13", name="恒温燃气热水器")
    for n, name in enumerate(("王芳", "张伟", "李娜")):
        InstalledProductFactory(customer=CustomerFactory(name=name), model=heater,
                                serial=f"JSQ-{n:04d}", purchased_on=today - timedelta(days=20 + n))
    InstalledProductFactory(customer=CustomerFactory(name="赵磊"), model=heater,
                            purchased_on=today - timedelta(days=400))  # bought long ago

    login(page, live_server, cast.manager.username)
    page.goto(f"{live_server.url}/care/notices/")
    expect(page.locator("[data-empty]")).to_be_visible()
    page.locator("[data-new-notice]").click()
    form = page.locator("[data-notice-form]")
    form.locator("select[name=product_model]").select_option(str(heater.pk))
    form.locator("input[name=purchased_from]").fill(str(today - timedelta(days=90)))
    form.locator("input[name=subject]").fill("燃烧器免费升级")
    form.locator("textarea[name=text]").fill(
        "{customer}您好：您的{product}（序列号 {serial}）可免费升级燃烧器，请拨打热线预约。{company}")
    form.locator("[data-save-notice]").click()
    notice = ProductNotice.objects.get()
    page.wait_for_url(f"**/care/notices/{notice.pk}/")
    expect(page.locator("[data-audience]")).to_have_attribute("data-audience", "3")
    expect(page.locator("[data-preview]")).to_contain_text("您好：您的恒温燃气热水器（序列号 JSQ-")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "care-notice.png"), full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-send-notice]").click()
    expect(page.locator("#notice-progress")).to_be_visible()
    expect(page.locator("h1 [data-state]")).to_have_attribute("data-state", "sending")
    assert services.product_notice_deliver(notice_id=notice.pk) == 3  # the worker's part
    expect(page.locator("[data-sent]")).to_have_attribute("data-sent", "3", timeout=15_000)
    expect(page.locator("[data-section=messages] tbody tr")).to_have_count(3)
    page.goto(f"{live_server.url}/care/notices/")
    expect(page.locator(f"tr[data-notice='{notice.pk}']")).to_contain_text("3 / 3")
