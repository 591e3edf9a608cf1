"""Influence centres and user seminars in a real browser: a supervisor adds a property manager
as an influence centre and notes a prospect it sent; plans a product talk, invites two customers
by phone (their invitations go out), notes one's yes; once it has taken place records who came,
a walk-in and what was said. Screenshots: docs/screenshots/care-seminar*.png and
care-centres.png (SCREENSHOT_DIR=docs/screenshots keeps them; by default /tmp/shots/care/)."""

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.care.models import InfluenceCentre, Referral, Seminar
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.tests.factories import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots/care"))
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 10, 9, 0, tzinfo=SH)


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_an_influence_centre_and_a_seminar_from_plan_to_held(page, live_server, time_machine,
                                                            settings, tmp_path):
    settings.SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    time_machine.move_to(NOW)
    cast = Cast()
    li = CustomerFactory(name="李先生", phone="+8613911110001", service_centre=cast.centre)
    CustomerFactory(name="王女士", phone="+8613911110002", service_centre=cast.centre)
    walk_in = CustomerFactory(name="赵阿姨", phone="+8613911110003", service_centre=cast.centre)
    login(page, live_server, cast.supervisor.username)

    # an influence centre and the prospect it sent
    page.goto(f"{live_server.url}/care/centres/")
    page.locator("[data-section=centre-form] summary").click()
    form = page.locator("[data-centre-form]")
    form.locator("input[name=name]").fill("东湖物业")
    form.locator("select[name=kind]").select_option("property")
    form.locator("input[name=contact_name]").fill("钱经理")
    form.locator("input[name=phone]").fill("13800021000")
    form.locator("[data-save-centre]").click()
    centre = InfluenceCentre.objects.get()
    page.wait_for_url(f"**/care/centres/{centre.pk}/")
    page.locator("[data-refer]").click()
    page.fill("input[name=prospect_name]", "东湖花园3栋业主")
    page.locator("[data-save-referral]").click()
    expect(page.locator("[data-referral] [data-centre]")).to_contain_text("东湖物业")
    assert Referral.objects.get().centre == centre
    page.goto(f"{live_server.url}/care/centres/")
    expect(page.locator(f"tr[data-centre='{centre.pk}']")).to_contain_text("东湖物业")
    _shot(page, "care-centres.png")

    # a product talk planned and two customers invited by phone
    page.goto(f"{live_server.url}/care/seminars/")
    page.locator("[data-new-seminar]").click()
    form = page.locator("[data-seminar-form]")
    form.locator("input[name=title]").fill("净水器使用与保养讲座")
    form.locator("select[name=kind]").select_option("talk")
    form.locator("input[name=starts_at]").fill("2026-06-13T10:00")
    form.locator("input[name=place]").fill("东湖花园会所")
    form.locator("input[name=capacity]").fill("12")
    form.locator("[data-save-seminar]").click()
    seminar = Seminar.objects.get()
    page.wait_for_url(f"**/care/seminars/{seminar.pk}/")
    invite = page.locator("[data-invite-form]")
    invite.locator("textarea[name=phones]").fill("139 1111 0001\n13911110002")
    invite.locator("[data-invite]").click()
    expect(page.locator("[data-guest]")).to_have_count(2)
    expect(page.locator("[data-section=guests]")).to_contain_text("已发送")
    row = page.locator(f"tr[data-guest='{seminar.guests.get(customer=li).pk}']")
    row.locator("input[name=note]").fill("带家人一起来")
    row.locator("[data-confirm-guest]").click()
    expect(page.locator("[data-status=confirmed]")).to_contain_text("带家人一起来")
    expect(page.locator("[data-seats]")).to_contain_text("11")
    _shot(page, "care-seminar.png")

    # after it began: who came, a walk-in, what was said
    time_machine.move_to(datetime(2026, 6, 13, 12, 0, tzinfo=SH))
    page.reload()
    hold = page.locator("[data-hold-form]")
    expect(hold.locator("[data-attended-guest]:checked")).to_have_count(1)
    hold.locator("textarea[name=walk_ins]").fill("13911110003")
    hold.locator("textarea[name=summary]").fill("用户希望增加滤芯更换提醒")
    hold.locator("[data-hold]").click()
    expect(page.locator("[data-state=held]")).to_be_visible()
    expect(page.locator("[data-attended]")).to_contain_text("2")
    seminar.refresh_from_db()
    assert seminar.state == "held" and seminar.summary == "用户希望增加滤芯更换提醒"
    assert seminar.guests.get(customer=walk_in).walk_in
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "care-seminar-held-phone.png")
