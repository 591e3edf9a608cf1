"""A complaint about an online-shop order, in Debian's chromium: the complaint's page shows the
order it names (what was bought, paid, shipped, delivered, its cases) and the order's page the
complaint; at a desk's width and a phone's (390 px).

Screenshots go to /tmp/shots/complaints/; set SCREENSHOT_DIR=docs/screenshots to keep them
(complaints-order*.png)."""

import pytest
from conftest import login, screenshot_both_widths
from django.urls import reverse
from playwright.sync_api import expect

from aftersales.complaints.choices import Channel
from aftersales.complaints.tests.factories import Team, new_complaint
from aftersales.shop import services
from aftersales.shop.tests.factories import ShopFactory, order_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 900}


def test_a_complaint_and_the_online_order_it_names(page, live_server):
    team = Team()
    shop = ShopFactory(name="海川天猫旗舰店")
    order = services.order_create(actor=team.agent, shop=shop, **order_values(number="T1001"))
    services.case_open(actor=team.agent, order=order, kind="return", reason="quality",
                       description="漏水")
    complaint = new_complaint(team, customer=order.customer, channel=Channel.ECOMMERCE,
                              order_ref="T1001", description="收到的热水器漏水，要求整机更换")
    page.set_viewport_size(DESKTOP)
    login(page, live_server, team.agent.username)
    page.goto(f"{live_server.url}{reverse('complaints:detail', args=[complaint.pk])}")
    panel = page.locator("[data-panel=complaint-order]")
    expect(panel.locator("h2")).to_have_text("网店订单")
    expect(panel).to_contain_text("海川天猫旗舰店 · T1001")
    expect(panel).to_contain_text("实付 ¥1299.00")
    panel.scroll_into_view_if_needed()
    screenshot_both_widths(page, "complaints", "order")
    panel.locator(f"a[href='{reverse('shop:order', args=[order.pk])}']").click()
    listed = page.locator("[data-panel=order-complaints]")
    expect(listed).to_contain_text(complaint.number)
    listed.scroll_into_view_if_needed()
    screenshot_both_widths(page, "complaints", "order-shop")
    listed.locator("a").first.click()
    expect(page.locator("h1")).to_contain_text(complaint.number)
