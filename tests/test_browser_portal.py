"""The customer portal on a phone, in Debian's chromium: sign in by SMS code, agree to a charge,
report a new problem.

Set SCREENSHOT_DIR to keep the phone screenshot of the request page (docs/screenshots/).
"""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from aftersales.core.models import Event
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.portal.tests.helpers import code_in, sms_messages
from aftersales.service.choices import Channel, Status
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast, new_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def outbox(settings, tmp_path, live_server):
    settings.SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.SITE_URL = live_server.url
    return tmp_path / "sms"


def test_customer_signs_in_by_sms_agrees_and_reports(phone_page, live_server, outbox):
    page = phone_page
    cast = Cast()
    cast.centre.phone = "400-820-1234"
    cast.centre.save()
    customer = CustomerFactory(name="王女士", phone="+8613912345678", service_centre=cast.centre)
    old = InstalledProductFactory(customer=customer, serial="RQ2021-0088",
                                  purchased_on=date.today() - timedelta(days=3 * 365))
    heater = InstalledProductFactory(customer=customer, serial="JSQ24-5521")
    waiting = new_request(cast, customer=customer, product=old,
                          description="热水器出水忽冷忽热，偶尔熄火")
    assert waiting.status == Status.AWAITING_AGREEMENT
    someone_else = new_request(cast)

    # The QR code on the voucher opens the request page: sign in first, then back there.
    page.goto(f"{live_server.url}/portal/requests/{waiting.number}/")
    page.wait_for_url("**/portal/login/**")
    page.fill("input[name=identifier]", "139 1234 5678")
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/portal/login/code/")
    [sms] = [m for m in sms_messages(outbox) if m["to"] == "+8613912345678"]
    page.fill("input[name=code]", code_in(sms["text"]))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**/portal/requests/{waiting.number}/")

    assert page.locator("[data-status]").get_attribute("data-status") == Status.AWAITING_AGREEMENT
    assert page.get_by_text("等待您同意收费").first.is_visible()
    assert page.get_by_text("¥80.00").first.is_visible()
    shots = Path("/tmp/shots/portal")
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "request-awaiting.png"), full_page=True)
    if os.environ.get("SCREENSHOT_DIR"):
        target = Path(os.environ["SCREENSHOT_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target / "portal-phone.png"), full_page=True)

    page.get_by_role("button", name="同意收费，请安排上门").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-status]").get_attribute("data-status") == Status.REGISTERED
    assert page.get_by_text("您已同意收费").first.is_visible()
    waiting.refresh_from_db()
    assert waiting.status == Status.REGISTERED
    agreed = Event.objects.get(object_id=waiting.pk, action="agree")
    assert agreed.actor_id == customer.__class__.objects.get(pk=customer.pk).user_id

    # His list shows his request, not someone else's.
    page.get_by_role("link", name="我的报修").first.click()
    page.wait_for_url("**/portal/")
    assert page.get_by_text(waiting.number).is_visible()
    assert page.get_by_text(someone_else.number).count() == 0
    page.screenshot(path=str(shots / "home.png"), full_page=True)

    # Report a new problem on the heater that is still in warranty.
    page.get_by_role("link", name="我要报修").click()
    page.wait_for_url("**/portal/new/")
    page.get_by_text("JSQ24-5521").click()
    page.fill("textarea[name=description]", "淋浴龙头漏水，关不紧")
    page.screenshot(path=str(shots / "new.png"), full_page=True)
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/portal/requests/SR*/")

    created = ServiceRequest.objects.exclude(pk__in=[waiting.pk, someone_else.pk]).get()
    assert (created.installed_product, created.channel) == (heater, Channel.WEB)
    assert created.in_warranty and created.status == Status.REGISTERED
    assert page.get_by_text(f"您的报修 {created.number} 已登记").is_visible()
    assert page.get_by_text("免费").first.is_visible()
    page.screenshot(path=str(shots / "created.png"), full_page=True)
