"""Key accounts and customer care in a real browser: a supervisor marks a customer as a key
account on the customer's page, which makes the visit after the new installation due (FB-6);
the account manager records it from the care calendar; a referral is noted; the KPIs, the
80/20 analysis and the calendar open. Screenshots: docs/screenshots/care-*.png (set
SCREENSHOT_DIR=docs/screenshots to keep them; by default they go to /tmp/shots/care/)."""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.care.models import CareVisit, KeyAccount, Referral
from aftersales.core.dates import local_today
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.service.tests.factories import Cast, new_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots/care"))


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_a_key_account_is_marked_visited_and_referred(page, live_server):
    today = local_today()
    cast = Cast()
    manager = UserFactory(username="km-zhao", role=Role.SUPERVISOR, first_name="赵",
                          last_name="敏", service_centre=cast.centre)
    customer = CustomerFactory(name="华东酒店集团", service_centre=cast.centre,
                               birthday=date(1975, today.month, min(today.day, 28)))
    InstalledProductFactory(customer=customer, purchased_on=today - timedelta(days=28),
                            installed_on=today - timedelta(days=26))
    for n in range(8):
        small = CustomerFactory(name=f"散户{n}", service_centre=cast.centre)
        InstalledProductFactory(customer=small)
    for _ in range(5):
        new_request(cast, customer=customer)

    login(page, live_server, cast.supervisor.username)
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    panel = page.locator("[data-panel=key-account]")
    panel.locator("select[name=manager]").select_option(str(manager.pk))
    panel.locator("[data-mark-key-account]").click()
    account = KeyAccount.objects.get(customer=customer)
    page.wait_for_url(f"**/care/key-accounts/{account.pk}/")
    expect(page.locator("[data-manager]")).to_contain_text("赵")
    expect(page.locator("[data-section=equipment]")).to_contain_text(str(today - timedelta(days=26)))
    _shot(page, "care-key-account.png")

    page.goto(f"{live_server.url}/care/referrals/?referrer={customer.pk}")
    page.fill("input[name=prospect_name]", "江南宾馆")
    page.fill("input[name=prospect_phone]", "13912345678")
    page.locator("[data-save-referral]").click()
    expect(page.locator("[data-referral]")).to_contain_text("江南宾馆")
    assert Referral.objects.get().referrer == customer
    _shot(page, "care-referrals.png")

    page.context.clear_cookies()
    login(page, live_server, manager.username)
    page.goto(f"{live_server.url}/care/")
    row = page.locator(f"tr[data-due-customer='{customer.pk}']")
    expect(row).to_be_visible()
    expect(page.locator("[data-section=today], [data-section=week]").first).to_be_visible()
    _shot(page, "care-home.png")
    row.locator("input[name=note]").fill("设备运行正常，客户满意")
    row.locator("[data-record-visit]").click()
    expect(page.locator(f"tr[data-due-customer='{customer.pk}']")).to_have_count(0)
    visit = CareVisit.objects.get(customer=customer)
    assert visit.visited_on == today and visit.note == "设备运行正常，客户满意"

    page.goto(f"{live_server.url}/care/key-accounts/kpis/")
    expect(page.locator(f"tr[data-manager='{manager.username}']")).to_contain_text("1")
    _shot(page, "care-kpis.png")
    page.goto(f"{live_server.url}/care/value/")
    expect(page.locator("[data-summary]")).to_be_visible()
    _shot(page, "care-value.png")
