"""Back-office pages of this wave in a real browser: the service manager records a training on a
dealer's page (DL-1) and finds it in the archive figures; head-office finance opens the month's
penalty deductions for payroll from its navigation (CP-13) and reads them on a phone too."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.complaints import services as complaints
from aftersales.complaints.choices import Status
from aftersales.complaints.models import Department
from aftersales.complaints.tests.factories import Team, drive, new_complaint
from aftersales.core.dates import local_today
from aftersales.dealers.tests.factories import dealer_make, region_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_training_is_recorded_on_the_dealers_page_and_counted(page, live_server):
    centre = ServiceCentreFactory()
    UserFactory(username="mgr-tr", role=Role.MANAGER, service_centre=None)
    dealer = dealer_make("PD01", "浦东安泰经销商", region_make("PD", "浦东", "浦东新区"),
                         centre=centre)
    held = local_today() - timedelta(days=2)
    login(page, live_server, "mgr-tr")
    page.goto(f"{live_server.url}/dealers/{dealer.pk}/")
    section = page.locator("#trainings")
    expect(section).to_contain_text("尚无培训记录")
    form = section.locator("[data-training-form]")
    form.locator("input[name=held_on]").fill(held.isoformat())
    form.locator("input[name=topic]").fill("燃气热水器新机型安装调试")
    form.locator("input[name=attendees]").fill("7")
    form.locator("input[name=trainer]").fill("技术部 王工")
    form.locator("[data-record-training]").click()
    expect(page.locator(".msg-success")).to_contain_text("培训已登记")
    expect(section.locator("tbody tr")).to_have_count(1)
    expect(section.locator("tbody tr")).to_contain_text("燃气热水器新机型安装调试")
    month = held.strftime("%Y-%m")
    page.goto(f"{live_server.url}/dealers/archive/?from={month}&to={month}&dealer={dealer.pk}")
    expect(page.locator(f"tr[data-figures='{dealer.pk}-{month}']")).to_contain_text("7")


def test_finance_opens_the_months_deductions_from_its_navigation(browser, live_server,
                                                                 clock_at):
    clock_at(10, 0, day=date(2026, 12, 1), tick=False)
    team = Team(tag="bo")
    c = drive(new_complaint(team), team, Status.DECIDED, amount=Decimal("500.00"))
    complaints.responsibility_set(
        actor=team.manager, complaint=c, loss_actual="1500",
        lines=[{"department": Department.objects.get(code="QA"), "person": team.people["QA"],
                "ratio": "100", "grade": "warning"}])
    complaints.complaint_close(actor=team.people["SALES"], complaint=c)
    UserFactory(username="finance-hq", role=Role.ACCOUNTANT, service_centre=None)
    for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                      viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, live_server, "finance-hq")
        page.goto(f"{live_server.url}/invoicing/")
        page.locator("header a", has_text="处罚扣款").first.click()
        page.wait_for_url("**/complaints/deductions/")  # this month's: the case closed in it
        expect(page.locator("[data-period]")).to_have_text("2026-12")
        expect(page.locator("[data-total]")).to_have_text("¥1400.00")
        expect(page.locator("[data-table=lines]")).to_contain_text(c.number)
        expect(page.locator("[data-table=lines] a")).to_have_count(0)  # finance does not open cases
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"] + 1, width  # nothing runs off a phone's screen
        # beside it, what technicians kept of the faulty parts they owed back: none this month
        page.locator("header a", has_text="旧件扣款").first.click()
        page.wait_for_url("**/parts/returns/deductions/")
        expect(page.locator("[data-deductions-empty]")).to_contain_text("2026-12")
        context.close()
