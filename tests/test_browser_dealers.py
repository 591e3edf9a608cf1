"""A dealer in a real browser: the supervisor hands a registered job to the dealer of the
customer's region from the request's page; the dealer logs in, sees the job (and only its
region), accepts it and completes it with the customer's confirmation and the part it fitted
from its stock (in warranty: the faulty part is owed back, and the dealer finds it on its returns
page); HQ sees it done.
Screenshots: docs/screenshots/dealers-*.png (set SCREENSHOT_DIR=docs/screenshots to keep them;
by default they go to /tmp/shots/dealers/)."""

import os
from datetime import date
from pathlib import Path

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.dealers.choices import JobState
from aftersales.dealers.models import DealerJob
from aftersales.dealers.services import contract_save
from aftersales.dealers.tests.factories import dealer_login, dealer_make, region_make
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import ReturnObligation, Warehouse
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.services import stock_move
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots/dealers"))


def test_a_dealer_logs_in_and_completes_a_job_handed_to_it(browser, live_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    centre = ServiceCentreFactory()
    supervisor = UserFactory(username="sup-dl", role=Role.SUPERVISOR, service_centre=centre)
    manager = UserFactory(username="mgr-dl", role=Role.MANAGER, service_centre=None)
    east = dealer_make("PD01", "浦东安泰经销商", region_make("PD", "浦东", "浦东新区, 川沙"),
                       centre=centre)
    dealer_make("MH01", "闵行恒通经销商", region_make("MH", "闵行", "闵行区"), centre=centre)
    contract_save(actor=manager, dealer=east, number="HT-2026-PD01",
                  starts_on=date(2026, 1, 1),
                  ends_on=date(2027, 12, 31),
                  terms="接到报修后 24 小时内解决，特殊情况不超过 48 小时。",
                  fees=[("上门服务费", "50"), ("安装调试费", "120")])
    dealer_login(east, "dealer-pd")
    dealer_stock = Warehouse.objects.create(code="PD01-S", name="浦东安泰库",
                                            kind=WarehouseKind.DEALER, dealer=east)
    ignition = PartFactory(code="IGN-20", name="点火针")
    stock_move(actor=manager, warehouse=dealer_stock, part=ignition, kind=MoveKind.RECEIPT,
               quantity=3)
    customer = CustomerFactory(name="王建国", address="上海市浦东新区张江路88号",
                               service_centre=centre)
    CustomerFactory(name="闵行客户", address="上海市闵行区莘庄路2号", service_centre=centre)
    job = services.service_request_create(
        actor=supervisor, customer=customer, description="热水器不点火，有异响",
        installed_product=InstalledProductFactory(customer=customer))

    desk = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                               viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "sup-dl")
    page.goto(f"{live_server.url}/requests/{job.pk}/")
    panel = page.locator("[data-dealer-panel]")
    expect(panel.locator("select[name=dealer] option")).to_have_count(1)  # its region's only
    panel.locator("input[name=note]").fill("客户下午在家")
    panel.locator("[data-hand-over]").click()
    expect(page.locator("[data-dealer-panel] [data-dealer-job]")).to_contain_text("浦东安泰经销商")
    page.locator("[data-dealer-panel]").screenshot(path=str(SHOTS / "dealers-request-panel.png"))

    phone = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                viewport={"width": 1100, "height": 900})
    dealer_page = phone.new_page()
    dealer_page.set_default_timeout(15_000)
    login(dealer_page, live_server, "dealer-pd")
    dealer_page.goto(f"{live_server.url}/dealers/")
    expect(dealer_page.locator("[data-section=jobs]")).to_contain_text(job.number)
    expect(dealer_page.locator("[data-section=customers]")).to_contain_text("王建国")
    expect(dealer_page.locator("[data-section=customers]")).not_to_contain_text("闵行客户")
    dealer_page.screenshot(path=str(SHOTS / "dealers-home.png"), full_page=True)
    dealer_page.get_by_role("link", name=job.number).click()
    dealer_page.locator("[data-accept]").click()
    expect(dealer_page.locator("[data-job-state]")).to_have_attribute("data-job-state", "accepted")
    form = dealer_page.locator("form[data-complete]")
    form.get_by_role("button", name="完工，客户已确认").click()  # nothing filled in: refused
    expect(form.locator("[data-error=fault_found]")).to_be_visible()
    form.locator("textarea[name=fault_found]").fill("热水器不点火")
    form.locator("textarea[name=fault_cause]").fill("点火针积碳")
    form.locator("textarea[name=action_taken]").fill("清洁点火针，试机正常")
    form.locator("input[name=confirmed_by]").fill("王建国")
    form.locator("select[name=rating]").select_option("4")
    form.locator("input[name='parts-0-part']").fill("IGN-20")  # from its stock (a datalist)
    quantity = form.locator("input[name='parts-0-quantity']")
    quantity.fill("1")
    # Enter sends the form: a click by coordinates on the button, low on this long page, can land
    # beside it when Chromium moves the scroll on the mouse press (after a full-page screenshot)
    quantity.press("Enter")
    expect(dealer_page.locator("[data-job-state]")).to_have_attribute("data-job-state",
                                                                      "completed")
    expect(dealer_page.locator("[data-section=work]")).to_contain_text("点火针积碳")
    fitted = dealer_page.locator("[data-section=parts] tr[data-fitted='IGN-20']")
    expect(fitted).to_contain_text("免费")  # in warranty
    expect(fitted.locator("[data-obligation-status=open]")).to_be_visible()
    dealer_page.screenshot(path=str(SHOTS / "dealers-job.png"), full_page=True)
    row = DealerJob.objects.get(request=job)
    assert row.state == JobState.COMPLETED and row.on_time and row.rating == 4
    assert stock_on_hand(warehouse=dealer_stock, part=ignition) == 2
    obligation = ReturnObligation.objects.get(dealer=east)
    dealer_page.get_by_role("link", name="寄回旧件").press("Enter")  # (see above)
    expect(dealer_page.locator(f"tr[data-obligation='{obligation.pk}']")).to_contain_text(
        "浦东安泰经销商")

    # it fitted two, not one: the line is taken off (back into stock) and recorded again
    dealer_page.goto(f"{live_server.url}/dealers/jobs/{row.pk}/")
    take_off = dealer_page.locator("[data-take-off='IGN-20']")
    take_off.locator("summary").click()
    take_off.locator("input[name=reason]").fill("数量录错")
    take_off.locator("input[name=reason]").press("Enter")
    expect(dealer_page.locator("[data-section=parts]")).to_contain_text("未更换配件")
    assert stock_on_hand(warehouse=dealer_stock, part=ignition) == 3
    add = dealer_page.locator("[data-part-add]")
    add.locator("summary").click()
    add.locator("input[name=part]").fill("IGN-20")
    add.locator("input[name=quantity]").fill("2")
    add.locator("input[name=reason]").fill("实际更换了两个点火针")
    add.locator("input[name=reason]").press("Enter")
    expect(fitted.locator("td").nth(1)).to_have_text("2")
    expect(dealer_page.locator(".timeline")).to_contain_text("完工后补记配件")
    dealer_page.locator("[data-part-add] summary").click()
    dealer_page.screenshot(path=str(SHOTS / "dealers-job-corrected.png"), full_page=True)
    dealer_page.set_viewport_size({"width": 390, "height": 844})  # a dealer's fitter on his phone
    dealer_page.locator("[data-take-off='IGN-20'] summary").click()
    dealer_page.screenshot(path=str(SHOTS / "dealers-job-corrected-phone.png"), full_page=True)
    assert dealer_page.evaluate("document.documentElement.scrollWidth") <= 390
    dealer_page.set_viewport_size({"width": 1100, "height": 900})
    assert stock_on_hand(warehouse=dealer_stock, part=ignition) == 1
    assert ReturnObligation.objects.get(dealer=east, status="open").quantity == 2

    desk.close()
    hq = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                             viewport={"width": 1280, "height": 900})
    page = hq.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "mgr-dl")
    page.goto(f"{live_server.url}/dealers/")
    expect(page.locator("tr[data-dealer=PD01]")).to_be_visible()
    page.screenshot(path=str(SHOTS / "dealers-list.png"), full_page=True)
    page.goto(f"{live_server.url}/dealers/{east.pk}/")
    expect(page.locator("[data-fee]")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "dealers-detail.png"), full_page=True)
    page.goto(f"{live_server.url}/dealers/archive/")
    expect(page.locator(f"[data-figures='{east.pk}-{row.completed_at:%Y-%m}']")).to_be_visible()
    page.screenshot(path=str(SHOTS / "dealers-archive.png"), full_page=True)
    hq.close()
    phone.close()
