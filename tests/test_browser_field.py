"""The technician's phone pages and the workshop, in Debian's chromium.

(a) on site: en route → arrived → fault/cause/action → hours and a part → signature → completed;
(b) carry-in: carry back with signature → repair card → supervisor's inspection (desktop) →
    return with signature → completed, receipt cancelled.

Screenshots go to /tmp/shots/field/; set SCREENSHOT_DIR (e.g. docs/screenshots) to keep the
technician's phone page and the printed voucher there too.
"""

import math
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from conftest import login, screenshot
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services
from aftersales.service.choices import Category, Cause, Status
from aftersales.service.models import (
    ProductReceipt,
    RegisterEntry,
    ServiceRequest,
    Signature,
)
from aftersales.service.tests.factories import Cast, drive, new_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name, *, keep_as=None, full_page=True):
    screenshot(page, "field", name, full_page=full_page, keep=keep_as is not None,
               keep_as=keep_as)


def sign(page, pad_id):
    """Draw a signature on the pad with the pointer, as a finger would."""
    pad = page.locator(f"#{pad_id}")
    expect(pad).to_have_attribute("data-ready", "1")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    points = [(0.1 + 0.75 * t / 60, 0.55 - 0.25 * math.sin(t / 4.0) * (1 - t / 90))
              for t in range(61)]
    page.mouse.move(x + w * points[0][0], y + h * points[0][1])
    page.mouse.down()
    for px, py in points[1:]:
        page.mouse.move(x + w * px, y + h * py)
    page.mouse.up()
    target = pad.get_attribute("data-target")
    expect(page.locator(f"#{target}")).to_have_value(re.compile(r"^data:image/png;base64,"))


def test_technician_completes_a_job_on_his_phone(phone_page, page, live_server, settings):
    settings.SITE_URL = live_server.url
    cast = Cast()
    cast.technician.first_name, cast.technician.last_name = "建国", "李"
    cast.technician.save()
    job = new_request(cast, description="燃气热水器打不着火，有咔哒声")
    job.customer.name = "王女士"
    job.customer.save()
    job = drive(job, cast, Status.REGISTERED)
    services.service_request_assign(actor=cast.supervisor, request=job, technician=cast.technician,
                                    appointment_at=timezone.now() + timedelta(hours=2))
    PartFactory(code="IGN-0101", name="点火针", unit_price=Decimal("35.50"))
    PartFactory(code="FAN-2200", name="风机", unit_price=Decimal("260.00"))

    phone = phone_page
    login(phone, live_server, cast.technician.username)
    phone.goto(f"{live_server.url}/field/")
    card = phone.locator(f"[data-job='{job.number}']")
    expect(card).to_be_visible()
    expect(card.locator("a.tel-link")).to_have_attribute("href", f"tel:{job.customer.phone}")
    shot(phone, "jobs-phone.png")
    card.get_by_role("link", name="王女士", exact=True).click()
    phone.wait_for_url(f"**/field/jobs/{job.pk}/")
    phone.locator("#next-step").scroll_into_view_if_needed()
    shot(phone, "job-assigned-phone.png", full_page=False)

    phone.locator("form[action$='/step/depart/'] button").click()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", Status.EN_ROUTE)
    phone.locator("form[action$='/step/arrive/'] button").click()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", Status.ON_SITE)
    shot(phone, "job-on-site-top.png", full_page=False)

    # The technician opens the signature panel early; saving the record afterwards bumps the
    # request's version, and the panel's form must follow (or completing would be refused).
    phone.locator("a[href*='finish=complete']").click()
    expect(phone.locator("#panel-complete")).to_be_visible()
    expect(phone.locator("#panel-complete .msg-warning")).to_be_visible()  # AR-4 not yet

    # 1. fault → cause → action, with a cause that keeps it free (product fault)
    phone.fill("#rec-fault_found", "点火时有火花但不着火")
    phone.fill("#rec-fault_cause", "点火针积碳，间隙过大")
    phone.fill("#rec-action_taken", "更换点火针，调整间隙，试机正常")
    phone.select_option("#rec-cause", Cause.PRODUCT_FAULT)
    phone.locator("#record button[type=submit]").click()
    expect(phone.locator("[data-terms]")).to_be_visible()
    expect(phone.locator("#panel-complete .msg-warning")).to_have_count(0)  # the panel follows

    # 2. hours, 3. a part found by name
    phone.fill("#hrs-hours", "1.5")
    phone.locator("#hours button[type=submit]").click()
    expect(phone.locator("[data-hours-total]")).to_have_text("1.5 h")
    phone.fill("#part-q", "点火")
    pick = phone.locator("#part-results label.pick")
    expect(pick).to_have_count(1)
    pick.click()
    phone.locator("#parts button[type=submit]").click()
    expect(phone.locator("#parts .lines li")).to_have_count(1)
    expect(phone.locator("#parts .lines")).to_contain_text("IGN-0101")
    expect(phone.locator("[data-charge-total]")).to_have_text("¥0.00")  # in warranty: free
    expect(phone.locator("#panel-complete")).to_contain_text("1.5 h")
    phone.evaluate("window.scrollTo(0, 0)")
    shot(phone, "technician-phone.png", keep_as="technician-phone.png")

    # 4. complete: name, opinion, signature
    phone.fill("#done-signer_name", "王女士")
    phone.fill("#done-opinion", "师傅很专业，准时到达")
    sign(phone, "pad-complete")
    shot(phone, "job-sign-phone.png", full_page=False)
    phone.locator("#panel-complete button[type=submit]").click()
    expect(phone.locator("#done")).to_be_visible()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", Status.COMPLETED)

    job.refresh_from_db()
    assert job.status == Status.COMPLETED
    assert job.category == Category.C
    signature = Signature.objects.get(request=job, kind="completion")
    assert signature.signer_name == "王女士"
    assert signature.image.startswith("data:image/png;base64,") and len(signature.image) > 1000
    assert job.labor.get().hours == Decimal("1.5")
    assert job.parts.get().part.code == "IGN-0101"

    # The printed voucher, as the paper looks (desktop browser, print media).
    login(page, live_server, cast.agent.username)
    page.goto(f"{live_server.url}/field/print/{job.pk}/voucher/")
    expect(page.locator("[data-qr] svg")).to_be_visible()
    expect(page.locator("[data-doc-number]")).to_have_text(job.number)
    page.set_viewport_size({"width": 900, "height": 1200})
    page.emulate_media(media="print")
    expect(page.locator(".print-toolbar")).to_be_hidden()
    shot(page, "voucher.png", keep_as="voucher.png")


def test_carry_in_repair_inspection_and_return(phone_page, page, live_server):
    cast = Cast()
    job = drive(new_request(cast, description="热水器漏水，现场无法修复"), cast, Status.ON_SITE)
    phone = phone_page
    login(phone, live_server, cast.technician.username)
    phone.goto(f"{live_server.url}/field/jobs/{job.pk}/")

    # Carry back: items, return date, the customer signs; the receipt number shows.
    phone.locator("a[href*='finish=carry_in']").click()
    expect(phone.locator("#panel-carry_in")).to_be_visible()
    phone.fill("#carry-items", "热水器主机一台，外壳轻微划痕，无配件")
    phone.fill("#carry-return_due_on", (timezone.localdate() + timedelta(days=3)).isoformat())
    phone.fill("#carry-signer_name", "张先生")
    sign(phone, "pad-carry")
    phone.locator("#panel-carry_in button[type=submit]").click()
    receipt = phone.locator("#at-workshop [data-receipt]")
    expect(receipt).to_be_visible()
    number = receipt.inner_text()
    assert ProductReceipt.objects.get(request=job).number == number
    assert RegisterEntry.objects.filter(request=job, direction="in").count() == 1

    # Repair card at the bench: hours, work done.
    phone.locator(f"#at-workshop a[href$='/field/workshop/{job.pk}/']").click()
    phone.wait_for_url(f"**/field/workshop/{job.pk}/")
    phone.fill("#hrs-hours", "2")
    phone.locator("#hours button[type=submit]").click()
    expect(phone.locator("[data-hours-total]")).to_have_text("2 h")
    phone.fill("#fix-work_done", "更换进水阀密封圈，打压试验 30 分钟无渗漏")
    phone.locator("#card-finish button[type=submit]").click()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", Status.REPAIRED)
    shot(phone, "repair-card-phone.png")

    # The supervisor inspects on his desktop.
    login(page, live_server, cast.supervisor.username)
    page.goto(f"{live_server.url}/field/workshop/")
    page.locator(f"tr[data-request='{job.number}'] a").first.click()
    page.wait_for_url(f"**/field/workshop/{job.pk}/")
    page.check("#card-inspect input[name=passed][value=pass]")
    page.fill("#insp-note", "试机正常，无渗漏")
    page.locator("#card-inspect button[type=submit]").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", Status.INSPECTED)
    shot(page, "repair-card-desktop.png")
    page.goto(f"{live_server.url}/field/workshop/")
    expect(page.locator(f"tr[data-request='{job.number}']")).to_be_visible()
    shot(page, "workshop-desktop.png")

    # Back to the customer: he signs, the receipt is cancelled.
    phone.reload()
    phone.fill("#ret-signer_name", "张先生")
    phone.fill("#ret-opinion", "修好了，谢谢")
    sign(phone, "pad-return")
    phone.locator("#card-hand-back button[type=submit]").click()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", Status.COMPLETED)
    expect(phone.locator("[data-receipt-cancelled]")).to_be_visible()
    phone.goto(f"{live_server.url}/field/workshop/")
    shot(phone, "workshop-phone.png")

    job = ServiceRequest.objects.get(pk=job.pk)
    assert job.status == Status.COMPLETED
    assert ProductReceipt.objects.get(request=job).cancelled_at is not None
    assert list(RegisterEntry.objects.filter(request=job).order_by("at", "id")
                .values_list("direction", flat=True)) == ["in", "out"]
    assert Signature.objects.filter(request=job, kind="return", signer_name="张先生").exists()

    page.goto(f"{live_server.url}/field/print/{job.pk}/receipt/")
    expect(page.locator("[data-cancelled]")).to_be_visible()
    page.emulate_media(media="print")
    shot(page, "receipt-print.png")
