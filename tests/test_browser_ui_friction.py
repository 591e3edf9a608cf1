"""What a new user tripped over, in Debian's chromium: the dispatch queue on a 1024 px screen,
the service voucher, the request list and a request's page on a phone, the final total on the
technician's job page.

Set SCREENSHOT_DIR (e.g. docs/screenshots) to keep the pages the README shows.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from conftest import login, screenshot
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.complaints import services as complaint_services
from aftersales.complaints.choices import Status as ComplaintStatus
from aftersales.complaints.models import Department
from aftersales.complaints.tests.factories import Team, new_complaint
from aftersales.complaints.tests.factories import drive as complaint_drive
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services
from aftersales.service.choices import Cause, Status
from aftersales.service.tests.factories import SIGNATURE, Cast, drive, new_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name, *, keep=False, full_page=True):
    screenshot(page, "friction", name, full_page=full_page, keep=keep, keep_as=name)


def no_horizontal_overflow(page) -> tuple[int, int]:
    """The page's width and the window's. On a phone the browser widens the layout viewport to
    fit content that overflows (innerWidth grows with it), so compare with the device's width."""
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return width, min(inner, page.viewport_size["width"])


# Scrolled to (inside its scroll box if it has one), the button lies inside the window and
# inside its own card, and a click at its middle reaches it (nothing drawn over it).
REACHABLE = """(b) => {
  b.scrollIntoView({block: "center", inline: "nearest"});
  const r = b.getBoundingClientRect(), c = b.closest(".card").getBoundingClientRect();
  const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  return {in_view: r.left >= 0 && r.right <= window.innerWidth,
          in_card: r.left >= c.left - 0.5 && r.right <= c.right + 0.5,
          on_top: hit === b || b.contains(hit)};
}"""


def test_dispatch_queue_is_usable_at_1024_px(browser, live_server):
    cast = Cast()
    cast.centre.name = "上海浦东服务中心"
    cast.centre.save()
    for name in ("孙浩", "张建国", "李强"):
        UserFactory(username=f"t-{name}", first_name=name, last_name="", role=Role.TECHNICIAN,
                    service_centre=cast.centre)
    for i, (who, address) in enumerate([
            ("上海浦江物业管理有限公司", "上海市浦东新区芳甸路642号明珠公寓管理处"),
            ("许立新", "上海市浦东新区陆家嘴环路1018弄仁恒滨江园21号201室"),
            ("赵子轩", "上海市浦东新区陆家嘴银城中路805号")]):
        customer = CustomerFactory(service_centre=cast.centre, name=who, address=address,
                                   phone=f"+86139{i:04d}5165")
        drive(new_request(cast, customer=customer, description="浴霸换气噪音很大，一直在响"),
              cast, Status.REGISTERED)

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, cast.supervisor.username)
    page.goto(f"{live_server.url}/dispatch/")
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(3)
    width, viewport = no_horizontal_overflow(page)
    assert width <= viewport, f"the page is {width} px wide in a {viewport} px window"
    for i in range(3):
        for button in rows.nth(i).locator("form.assign button").all():
            where = button.evaluate(REACHABLE)
            assert where == {"in_view": True, "in_card": True, "on_top": True}, (
                button.text_content(), where)
    # The last column's buttons work where they are: assign the first row by rotation.
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "dispatch-queue.png", keep=True, full_page=False)
    first = rows.nth(0)
    first.locator("select[name=technician]").select_option(index=1)
    first.locator("button.primary").click()
    expect(page.locator("#board .msg-success")).to_be_visible()
    expect(page.locator("#queue tbody tr")).to_have_count(2)
    context.close()


def test_voucher_fits_a_phone(phone_page, live_server):
    cast = Cast()
    cast.centre.name = "上海浦东服务中心"
    cast.centre.phone = "021-58881234"
    cast.centre.save()
    customer = CustomerFactory(service_centre=cast.centre, name="上海浦江物业管理有限公司",
                               address="上海市浦东新区芳甸路642号明珠公寓管理处三楼物业办公室")
    product = InstalledProductFactory(customer=customer)
    job = drive(new_request(cast, customer=customer, product=product,
                            description="燃气热水器打不着火，有咔哒声，显示 E1 故障代码"),
                cast, Status.ON_SITE)
    services.service_request_record_work(
        actor=cast.technician, request=job, fault_found="点火时有火花但不着火",
        fault_cause="点火针积碳，间隙过大", action_taken="更换点火针，调整间隙，试机正常",
        cause=Cause.PRODUCT_FAULT)
    part = PartFactory(code="IGN-0101-LONGCODE", name="点火针组件（含高压线）",
                       unit_price=Decimal("135.50"))
    services.part_add(actor=cast.technician, request=job, part=part, quantity=2)
    services.labor_add(actor=cast.technician, request=job, hours=Decimal("1.5"),
                       note="拆机检查点火系统，清理积碳")
    services.service_request_complete(actor=cast.technician, request=job, signer_name="王女士",
                                      signature=SIGNATURE, opinion="师傅很专业，准时到达")

    login(phone_page, live_server, cast.technician.username)
    phone_page.goto(f"{live_server.url}/field/print/{job.pk}/voucher/")
    expect(phone_page.locator("[data-doc-number]")).to_have_text(job.number)
    width, viewport = no_horizontal_overflow(phone_page)
    shot(phone_page, "voucher-phone.png")
    assert width <= viewport, f"the voucher is {width} px wide on a {viewport} px phone"


def test_request_list_search_fits_a_phone(phone_page, live_server):
    """The list's filters wrap within a phone's width: the search box (30 characters wide on a
    desk) narrows to the screen instead of widening the page."""
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre, name="王晓明")
    drive(new_request(cast, customer=customer, description="热水器不出热水"), cast, Status.REGISTERED)
    login(phone_page, live_server, cast.supervisor.username)
    phone_page.goto(f"{live_server.url}/requests/?q=%E7%8E%8B")
    expect(phone_page.locator("main input[name=q]")).to_have_value("王")
    expect(phone_page.get_by_text("王晓明")).to_be_visible()
    width, viewport = no_horizontal_overflow(phone_page)
    shot(phone_page, "request-list-phone.png")
    assert width <= viewport, f"the request list is {width} px wide on a {viewport} px phone"


def test_request_page_fits_a_phone(phone_page, live_server):
    """A request's page on a phone: the facts and the charges table narrow to the screen. The
    page's column took the width its widest table wanted (the charges' four columns with their
    desk padding and a free line's badge), which pushed every card past the screen's edge."""
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre, address="上海市浦东新区祝桥镇金闻路1670号")
    product = InstalledProductFactory(
        customer=customer, purchased_on=timezone.localdate() - timedelta(days=2000))
    # a follow-up visit: the charges show the service fee as free, with its reason's badge
    drive(new_request(cast, customer=customer, product=product, customer_agreed=True), cast,
          Status.COMPLETED)
    request = new_request(cast, customer=customer, product=product, customer_agreed=True)
    phone_page.set_viewport_size({"width": 360, "height": 780})  # a common Android width
    login(phone_page, live_server, cast.agent.username)
    phone_page.goto(f"{live_server.url}/requests/{request.pk}/")
    expect(phone_page.locator("table.charges .badge.free")).to_be_visible()
    width, viewport = no_horizontal_overflow(phone_page)
    shot(phone_page, "request-page-phone.png")
    assert width <= viewport, f"the request's page is {width} px wide on a {viewport} px phone"


def test_complaint_pages_fit_a_phone_in_english(browser, live_server):
    """A complaint's page and the month's complaint statistics on a 360 px phone in English,
    whose labels are the longest. The complaint's column took the width of its route table, and
    the statistics' responsibility table (five columns of figures) was wider than its card: the
    pages were 459 and 386 px wide. Now the facts' labels wrap beside their values and a table
    wider than the screen scrolls inside its card."""
    team = Team()
    model = ProductModelFactory(code="F60-21A5", name="电热水器 60升 双胆速热")
    complaint = new_complaint(team, product_model=model, order_ref="SO-2611-276",
                              description="客户不接受不成立的结论，要求主管上门，技术员上门迟到两小时且未提前告知")
    complaint = complaint_drive(complaint, team, ComplaintStatus.NEGOTIATION)
    qa, mfg = (Department.objects.get(code=code) for code in ("QA", "MFG"))
    complaint_services.responsibility_set(
        actor=team.manager, complaint=complaint, loss_actual="4200",
        lines=[{"department": mfg, "ratio": "70"}, {"department": qa, "ratio": "30"}])
    complaint = complaint_drive(complaint, team, ComplaintStatus.CLOSED)
    context = browser.new_context(locale="en-US", timezone_id="Asia/Shanghai", is_mobile=True,
                                  viewport={"width": 360, "height": 780}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, team.manager.username)
    month = timezone.localdate().strftime("%Y-%m")
    for path, name in ((f"/complaints/{complaint.pk}/", "complaint-phone-en.png"),
                       (f"/complaints/monthly/?month={month}", "complaints-monthly-phone-en.png")):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("table.list").first).to_be_visible()
        width, viewport = no_horizontal_overflow(page)
        shot(page, name)
        assert width <= viewport, f"{path} is {width} px wide on a {viewport} px phone"
    context.close()
