"""Complaints in Debian's chromium (issue 15): a phoned-in complaint is registered at the desk,
goes through the GM office, QA and manufacturing, R&D, sales' negotiation, the GM office's
review and approval; QA's step runs late — the urge note and, after closing, the inquiry to QA
appear; it closes with an allowance (a credit note) and shows in the month's statistics.

Screenshots go to /tmp/shots/complaints/; set SCREENSHOT_DIR=docs/screenshots to keep them
(docs/screenshots/complaints-*.png).
"""

from datetime import timedelta

import pytest
from conftest import login, screenshot
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.complaints.choices import AlertKind
from aftersales.complaints.models import Complaint
from aftersales.complaints.services.route import step_alert_fire
from aftersales.complaints.tests.factories import Team
from aftersales.customers.tests.factories import CustomerFactory, ProductModelFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name, *, keep=False, full_page=True):
    screenshot(page, "complaints", name, full_page=full_page, keep=keep)


def step(page, opinion, **fields):
    form = page.locator("form[data-step-form]")
    for name, value in fields.items():
        control = form.locator(f"[name='step-{name}']")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("[name='step-opinion']").fill(opinion)
    form.locator("button[type=submit]").click()
    expect(page.locator(".msg-success")).to_be_visible()


def test_phoned_in_complaint_through_qa_and_manufacturing_to_an_allowance(page, live_server):
    team = Team()
    model = ProductModelFactory(code="JSQ25-13", name="燃气热水器 13 升")
    customer = CustomerFactory(name="刘女士", phone="+8613812345678", service_centre=team.centre)

    # the desk takes the call
    login(page, live_server, team.agent.username)
    page.goto(f"{live_server.url}/complaints/new/")
    page.select_option("[name=channel]", "phone")
    page.select_option("[name=kind]", "quality")
    page.fill("[name=customer_phone]", customer.phone)
    page.select_option("[name=product_model]", str(model.pk))
    page.fill("[name=order_ref]", "SO-2611-0087")
    page.fill("[name=quantity]", "1")
    page.fill("[name=defective_quantity]", "1")
    page.fill("[name=description]", "新装热水器三天内两次熄火，出热水忽冷忽热")
    page.fill("[name=customer_request]", "上门检查并补偿")
    shot(page, "new.png", keep=True)
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "registered")
    complaint = Complaint.objects.get(customer=customer)
    url = f"{live_server.url}/complaints/{complaint.pk}/"

    # the head office's people do the route
    page.context.clear_cookies()
    login(page, live_server, team.approver.username)
    page.goto(url)
    step(page, "已登记，送质量管理部")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "qa")

    # QA runs late: its deadline passes and the worker sends the urge note
    qa = complaint.steps.get(code="qa")
    complaint.steps.filter(pk=qa.pk).update(due_at=timezone.now() - timedelta(hours=2))
    assert step_alert_fire(step_id=qa.pk, kind=AlertKind.URGE)
    page.goto(url)
    expect(page.locator("[data-alert='urge']")).to_be_visible()
    expect(page.locator("tr[data-step='qa'] [data-late]")).to_be_visible()
    shot(page, "detail-late.png", keep=True)
    step(page, "点火针位置偏移导致熄火，属制造装配问题", cause="spec", upheld="yes")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "manufacturing")
    step(page, "装配线增加点火针位置检验")
    step(page, "点火针支架改为定位结构")
    step(page, "客户同意折让 500 元并上门更换点火组件", proposed_outcome="allowance",
         proposed_amount="500")
    step(page, "同意业务意见，折让 500 元")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "approval")
    step(page, "核准")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "decided")
    page.locator("form[data-close-form] button[type=submit]").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "closed")
    expect(page.locator("[data-inquiry='qa']")).to_be_visible()
    complaint.refresh_from_db()
    assert complaint.outcome == "allowance" and complaint.credit_document
    shot(page, "detail-closed.png", keep=True)

    # the month's statistics
    page.goto(f"{live_server.url}/complaints/monthly/?month={timezone.localdate():%Y-%m}")
    expect(page.locator("[data-closed]")).to_have_text("1")
    expect(page.locator("body")).to_contain_text(complaint.number)
    page.wait_for_timeout(500)
    shot(page, "monthly.png", keep=True)
    page.goto(f"{live_server.url}/complaints/")
    expect(page.locator(f"[data-complaint='{complaint.number}']")).to_be_visible()
    shot(page, "list.png", keep=True)
    page.goto(f"{url}aid/")
    shot(page, "aid.png", keep=True)
    page.goto(f"{url}print/")
    shot(page, "print.png", keep=True, full_page=False)
