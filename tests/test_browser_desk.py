"""The service desk in a real browser: an agent registers a call with the keyboard only
(new customer, new product), sees the terms, submits; the supervisor assigns it in the queue;
the request's page shows it assigned with its timeline.

Screenshots of the pages (1280×800) go to /tmp/shots/desk/; set SCREENSHOT_DIR=docs/screenshots
to keep the call screen's (intake.png).
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from conftest import screenshot
from playwright.sync_api import expect

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import ProductModelFactory
from aftersales.service.choices import Category, Status
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast


def shot(page, name, *, keep_as=None):
    screenshot(page, "desk", f"{name}.png", full_page=False, keep=keep_as is not None,
               keep_as=keep_as)


def desk_page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def login(page, live_server, username, password="secret-pass-1"):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login/" not in url)


def focused(page) -> str:
    return page.evaluate("document.activeElement.name || document.activeElement.id")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_call_to_assignment_with_the_keyboard(browser, live_server):
    cast = Cast()
    cast.agent.first_name, cast.agent.last_name = "陈芳", ""
    cast.agent.save()
    cast.technician.first_name = "李师傅"
    cast.technician.save()
    UserFactory(username="tech-2", first_name="周师傅", role=Role.TECHNICIAN,
                service_centre=cast.centre)
    ProductModelFactory(code="JSQ25-13", name="燃气热水器 13 升", warranty_months=36,
                        service_fee=Decimal("120.00"))
    ProductModelFactory(code="LD-60", name="电热水器 60 升", warranty_months=24)

    context, page = desk_page(browser)
    login(page, live_server, cast.agent.username)
    page.goto(f"{live_server.url}/requests/new/")
    assert focused(page) == "phone"  # autofocus

    # 1. the caller's number: nobody has it, so "new customer" is offered and chosen
    page.keyboard.type("138 0013 8000")
    expect(page.locator("input[name=customer][value=new]")).to_be_checked()
    expect(page.locator("#product-area input[name=installed_product][value=new]")).to_be_checked()
    page.keyboard.press("Tab")
    assert focused(page) == "customer"
    page.keyboard.press("Tab")
    assert focused(page) == "c-name"
    page.keyboard.type("王建国")
    page.keyboard.press("Tab")
    page.keyboard.type("上海市闵行区莘庄镇沁春路 88 弄 3 号 502 室")
    page.keyboard.press("Tab")  # region: urban → suburban
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # kind: individual
    page.keyboard.press("Tab")
    assert focused(page) == "c-language"  # his language of messages: the company's default
    # 2. the product, registered now: bought six years ago, so out of warranty
    page.keyboard.press("Tab")
    assert focused(page) == "installed_product"
    page.keyboard.press("Tab")
    assert focused(page) == "p-model"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("JS2019A08811")
    page.keyboard.press("Tab")
    assert focused(page) == "p-purchased_on"
    bought = date(date.today().year - 6, 3, 15)
    page.keyboard.type(f"{bought.year}-{bought.month}-{bought.day}")
    page.keyboard.press("Tab")
    assert focused(page) == "p-installed_on"
    page.keyboard.type(bought.replace(day=18).strftime("%Y%m%d"))
    page.keyboard.press("Tab")  # installed elsewhere? (closed: one stop, nothing to fill in)
    assert focused(page) == "p-place"
    # 3. the problem
    page.keyboard.press("Tab")
    assert focused(page) == "description"
    page.keyboard.type("打开热水阀后点火三次都不着，显示 E1。")

    # the terms appear without leaving the keyboard: out of warranty, A, chargeable, agreement
    terms = page.locator("#terms")
    expect(terms.locator("[data-category=A]")).to_be_visible()
    expect(terms).to_contain_text("已过保修期")
    expect(terms).to_contain_text("120.00")
    expect(terms.locator(".needs-agreement")).to_be_visible()
    agreement = page.locator("#id_customer_agreed")
    expect(agreement).to_be_visible()
    for name in ("urgency", "cause", "channel", "kind", "customer_agreed"):
        page.keyboard.press("Tab")
        assert focused(page) == name
    page.keyboard.press("Space")
    expect(agreement).to_be_checked()
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "intake", keep_as="intake.png")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    sr = ServiceRequest.objects.get()
    assert sr.customer.name == "王建国" and sr.customer.region_kind == "suburban"
    assert sr.installed_product.serial == "JS2019A08811"
    assert sr.installed_product.installed_on == bought.replace(day=18)
    assert sr.category == Category.A and sr.status == Status.REGISTERED
    assert sr.customer_agreed_at is not None
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "registered")
    expect(page.locator(".messages")).to_contain_text(sr.number)

    # a repeat caller: the number finds him and his only product; Enter in the description
    page.goto(f"{live_server.url}/requests/new/")
    page.keyboard.type("13800138000")
    expect(page.locator(f"input[name=customer][value='{sr.customer_id}']")).to_be_checked()
    expect(page.locator(f"input[name=installed_product][value='{sr.installed_product_id}']")
           ).to_be_checked()
    expect(page.locator("#terms [data-category=A]")).to_be_visible()
    page.locator("#id_description").focus()
    page.keyboard.type("又不点火了")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    second = ServiceRequest.objects.latest("id")
    assert second.pk != sr.pk and second.status == Status.AWAITING_AGREEMENT  # not agreed yet
    context.close()

    # the supervisor assigns the first one in today's queue
    context, page = desk_page(browser)
    login(page, live_server, cast.supervisor.username)
    page.goto(f"{live_server.url}/dispatch/")
    row = page.locator(f"#row-{sr.pk}")
    expect(row).to_contain_text(sr.number)
    expect(page.locator("#board")).to_contain_text(second.number)  # awaiting agreement
    row.locator("select[name=technician]").select_option(str(cast.technician.pk))
    shot(page, "queue")
    row.locator("button.primary").click()
    expect(page.locator("#board .msg-success")).to_contain_text(sr.number)
    expect(page.locator(f"#row-{sr.pk}")).to_have_count(0)
    expect(page.locator(".techs")).to_contain_text(sr.number)
    sr.refresh_from_db()
    assert sr.status == Status.ASSIGNED and sr.assigned_technician == cast.technician

    # the request's page: assigned, and the whole timeline
    page.goto(f"{live_server.url}/requests/{sr.pk}/")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "assigned")
    timeline = page.locator("#timeline li")
    expect(timeline).to_have_count(2)
    expect(timeline.nth(0)).to_contain_text("已登记")
    expect(timeline.nth(0)).to_contain_text(str(cast.agent))
    expect(timeline.nth(1)).to_contain_text("已派工")
    expect(timeline.nth(1)).to_contain_text(str(cast.supervisor))
    shot(page, "request")
    context.close()
