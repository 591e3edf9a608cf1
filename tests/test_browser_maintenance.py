"""Installation and preventive maintenance in Debian's chromium (issue 12).

(a) an installation job on the technician's phone: completing is refused while the checklist is
    open; photos uploaded, checklist ticked, the customer signs → the product's installation
    date is set and its phase moves from unboxing to in warranty; the desk sees the photos;
(b) a manager writes a maintenance plan and generates next month's visits: the due visit is
    listed, is a maintenance request in the dispatch queue, and the plan can be edited.

Screenshots go to /tmp/shots/maintenance/; set SCREENSHOT_DIR=docs/screenshots to keep them
(docs/screenshots/maintenance-*.png).
"""

import math
import re

import pytest
from conftest import login, screenshot
from playwright.sync_api import expect

from aftersales.core.dates import add_months, local_today
from aftersales.customers.choices import Phase
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.maintenance.models import MaintenancePlan, MaintenanceVisit
from aftersales.maintenance.tests.factories import checklist_items, png_bytes
from aftersales.service import services
from aftersales.service.choices import Kind, Status
from aftersales.service.tests.factories import Cast, drive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name, *, keep=False, full_page=True):
    screenshot(page, "maintenance", name, full_page=full_page, keep=keep)


def sign(page, pad_id):
    pad = page.locator(f"#{pad_id}")
    expect(pad).to_have_attribute("data-ready", "1")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.5)
    page.mouse.down()
    for t in range(1, 50):
        page.mouse.move(x + w * (0.1 + 0.7 * t / 50), y + h * (0.5 - 0.2 * math.sin(t / 4)))
    page.mouse.up()
    target = pad.get_attribute("data-target")
    expect(page.locator(f"#{target}")).to_have_value(re.compile(r"^data:image/png;base64,"))


def test_installation_with_photos_and_checklist_sets_the_phase(phone_page, page, live_server,
                                                               settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    cast = Cast()
    checklist_items()
    customer = CustomerFactory(service_centre=cast.centre, name="赵先生")
    product = InstalledProductFactory(customer=customer, installed_on=None,
                                      model=ProductModelFactory(code="WH-INST", name="燃气热水器"))
    job = services.service_request_create(actor=cast.agent, customer=customer,
                                          installed_product=product, kind=Kind.INSTALLATION,
                                          description="新购热水器上门安装调试")
    job = drive(job, cast, Status.ON_SITE)
    services.service_request_record_work(actor=cast.technician, request=job,
                                         fault_found="新机安装", fault_cause="—",
                                         action_taken="挂墙安装，接通水电气，试机正常")
    assert product.phase == Phase.UNBOXING

    phone = phone_page
    login(phone, live_server, cast.technician.username)
    phone.goto(f"{live_server.url}/field/jobs/{job.pk}/")
    expect(phone.locator("#installation")).to_be_visible()

    # Completing before the checklist is refused, and nothing moves.
    phone.locator("a[href*='finish=complete']").click()
    phone.fill("#done-signer_name", "赵先生")
    sign(phone, "pad-complete")
    phone.locator("#panel-complete button[type=submit]").click()
    expect(phone.locator(".msg-error")).to_be_visible()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", Status.ON_SITE)

    # Two photos (unboxing, installed), then the checklist with the commissioning reading.
    phone.goto(f"{live_server.url}/field/jobs/{job.pk}/")
    form = phone.locator("[data-photo-form]")
    form.locator("input[type=file]").set_input_files([
        {"name": "unboxing.png", "mimeType": "image/png", "buffer": png_bytes((90, 140, 200))},
        {"name": "installed.png", "mimeType": "image/png", "buffer": png_bytes((60, 160, 90))},
    ])
    form.locator("button[type=submit]").click()
    expect(phone.locator("#installation .attachments li")).to_have_count(2)
    checklist = phone.locator("[data-checklist]")
    for box in checklist.locator("input[type=checkbox]").all():
        box.check()
    checklist.locator("input[name^=value-]").first.fill("0.02 MPa")
    checklist.locator("button[type=submit]").click()
    expect(phone.locator("[data-checklist] input[type=checkbox]:not(:checked)")).to_have_count(0)
    phone.locator("#installation").scroll_into_view_if_needed()
    shot(phone, "phone-installation.png", keep=True, full_page=False)

    phone.locator("a[href*='finish=complete']").click()
    phone.fill("#done-signer_name", "赵先生")
    sign(phone, "pad-complete")
    phone.locator("#panel-complete button[type=submit]").click()
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", Status.COMPLETED)

    product.refresh_from_db()
    assert product.installed_on == local_today()
    assert product.phase == Phase.IN_WARRANTY

    login(page, live_server, cast.agent.username)
    page.goto(f"{live_server.url}/requests/{job.pk}/")
    panel = page.locator("#installation")
    expect(panel.locator("[data-phase]")).to_have_attribute("data-phase", Phase.IN_WARRANTY)
    expect(panel.locator(".attachments img")).to_have_count(2)
    src = panel.locator(".attachments img").first.get_attribute("src")
    assert page.request.get(f"{live_server.url}{src}").status == 200
    panel.scroll_into_view_if_needed()
    shot(page, "desk-installation.png", keep=True, full_page=False)


def test_a_maintenance_plan_generates_next_months_visits(page, live_server):
    cast = Cast()
    model = ProductModelFactory(code="WH-PM", name="商用热水器")
    month = add_months(local_today().replace(day=1), 1)
    installed = add_months(month, -6).replace(day=10)
    customer = CustomerFactory(service_centre=cast.centre, name="钱女士")
    product = InstalledProductFactory(customer=customer, model=model, purchased_on=installed,
                                      installed_on=installed)

    login(page, live_server, cast.supervisor.username)
    page.goto(f"{live_server.url}/maintenance/")
    expect(page.locator(".empty").first).to_be_visible()
    page.locator("[data-new-plan]").click()
    form = page.locator("[data-plan-form]")
    form.locator("select[name=product_model]").select_option(str(model.pk))
    form.locator("input[name=name]").fill("半年保养")
    form.locator("select[name=basis]").select_option("time")
    form.locator("input[name=interval_months]").fill("6")
    form.locator("textarea[name=items]").fill("清洗燃烧器\n检查烟道密封\n测试熄火保护")
    shot(page, "plan-form.png", keep=True)
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-plan]")).to_have_count(1)

    page.locator("[data-generate]").click()
    row = page.locator("[data-visit]")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-state", "due")
    visit = MaintenanceVisit.objects.select_related("request").get()
    assert visit.installed_product == product
    assert visit.due_on == month.replace(day=10)
    assert visit.request.kind == Kind.MAINTENANCE and visit.request.status == Status.REGISTERED
    expect(row).to_contain_text(visit.request.number)
    shot(page, "home.png", keep=True)

    # a second click creates nothing
    page.locator("[data-generate]").click()
    expect(page.locator("[data-visit]")).to_have_count(1)
    assert MaintenanceVisit.objects.count() == 1

    # the visit waits in the dispatch queue like any request
    page.goto(f"{live_server.url}/dispatch/")
    expect(page.get_by_text(visit.request.number).first).to_be_visible()

    # the request's page shows the visit
    page.goto(f"{live_server.url}/requests/{visit.request.pk}/")
    expect(page.locator("#maintenance")).to_contain_text("半年保养")
    assert MaintenancePlan.objects.get().interval_months == 6
