"""Pages: the maintenance home (plans, due/overdue visits, filters, Excel, generate button),
plan create/edit, the phone's installation panel, the desk's photos, the certificate."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.maintenance.models import ChecklistAnswer, MaintenancePlan, MaintenanceVisit
from aftersales.maintenance.services import maintenance_visits_generate
from aftersales.service import services
from aftersales.service.choices import Kind, Status
from aftersales.service.tests.factories import Cast, drive

from .factories import PNG, PlanFactory, checklist_items

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_home_lists_plans_and_visits_filters_and_exports(clock_at):
    clock_at(10, 0, day=date(2026, 11, 20))
    cast = Cast()
    plan = PlanFactory(interval_months=1)
    InstalledProductFactory(customer=CustomerFactory(service_centre=cast.centre),
                            model=plan.product_model, purchased_on=date(2026, 9, 5),
                            installed_on=date(2026, 9, 5))
    client = _client(cast.supervisor)
    empty = client.get("/maintenance/")
    assert empty.status_code == 200 and plan.name in empty.content.decode()
    response = client.post("/maintenance/generate/", follow=True)
    assert MaintenanceVisit.objects.filter(due_on=date(2026, 12, 5)).count() == 1
    assert "2026-12" in response.content.decode()
    maintenance_visits_generate(month=date(2026, 11, 1))
    overdue = client.get("/maintenance/?state=overdue").content.decode()
    assert 'data-state="overdue"' in overdue and 'data-state="due"' not in overdue
    export = client.get("/maintenance/?export=xlsx")
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet.max_row == 3  # header + two open visits
    assert _client(cast.agent).post("/maintenance/generate/").status_code == 403


def test_plan_form_creates_and_edits_with_clear_errors():
    cast = Cast()
    plan = PlanFactory()
    client = _client(cast.manager)
    bad = client.post("/maintenance/plans/new/", {"product_model": plan.product_model.pk,
                                                   "name": "按小时", "basis": "meter",
                                                   "lead_meter": 0, "active": "on"})
    assert bad.status_code == 200 and MaintenancePlan.objects.count() == 1
    ok = client.post("/maintenance/plans/new/", {"product_model": plan.product_model.pk,
                                                  "name": "按小时", "basis": "meter",
                                                  "interval_meter": 500, "meter_unit": "hours",
                                                  "lead_meter": 50, "active": "on"})
    assert ok.status_code == 302 and MaintenancePlan.objects.count() == 2
    edit = client.post(f"/maintenance/plans/{plan.pk}/", {
        "product_model": plan.product_model.pk, "name": plan.name, "basis": "time",
        "interval_months": 24, "lead_meter": 0, "active": "on", "version": plan.version})
    assert edit.status_code == 302
    plan.refresh_from_db()
    assert plan.interval_months == 24
    assert _client(cast.agent).get("/maintenance/plans/new/").status_code == 403


def test_phone_panel_uploads_photos_ticks_the_checklist_and_desk_sees_them(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    cast = Cast()
    checklist_items()
    customer = CustomerFactory(service_centre=cast.centre)
    product = InstalledProductFactory(customer=customer, installed_on=None)
    job = drive(services.service_request_create(
        actor=cast.agent, customer=customer, installed_product=product, description="安装",
        kind=Kind.INSTALLATION), cast, Status.ON_SITE)
    phone = _client(cast.technician)
    page = phone.get(f"/field/jobs/{job.pk}/").content.decode()
    assert "data-checklist" in page and "data-photo-form" in page
    phone.post(f"/maintenance/jobs/{job.pk}/photo/",
               {"photo": SimpleUploadedFile("done.png", PNG, "image/png")})
    form = {}
    from aftersales.maintenance.selectors import checklist_items_for

    for item in checklist_items_for(job):
        form[f"item-{item.pk}"] = "on"
        form[f"value-{item.pk}"] = "0.02MPa" if item.needs_value else ""
    phone.post(f"/maintenance/jobs/{job.pk}/checklist/", form)
    assert ChecklistAnswer.objects.filter(request=job, done=True).count() == len(
        checklist_items_for(job))
    desk = _client(cast.agent).get(f"/requests/{job.pk}/").content.decode()
    assert "done.png" in desk and 'data-phase="unboxing"' in desk
    # another centre's technician gets nothing
    other = _client(Cast().technician)
    assert other.post(f"/maintenance/jobs/{job.pk}/photo/",
                      {"photo": SimpleUploadedFile("x.png", PNG, "image/png")}).status_code == 404


def test_certificate_prints_for_a_done_visit_only(clock_at):
    clock_at(10, 0, day=date(2026, 11, 20))
    cast = Cast()
    plan = PlanFactory(interval_months=1)
    InstalledProductFactory(customer=CustomerFactory(service_centre=cast.centre),
                            model=plan.product_model, purchased_on=date(2026, 9, 5),
                            installed_on=date(2026, 9, 5))
    maintenance_visits_generate(month=date(2026, 11, 1))
    visit = MaintenanceVisit.objects.get()
    client = _client(cast.agent)
    assert client.get(f"/maintenance/visits/{visit.pk}/certificate/").status_code == 404
    drive(visit.request, cast, Status.COMPLETED)
    page = client.get(f"/maintenance/visits/{visit.pk}/certificate/").content.decode()
    assert visit.request.number in page and "清洗燃烧器" in page and "2026-11-20" in page


def test_reports_page_has_the_maintenance_card():
    cast = Cast()
    page = _client(cast.manager).get("/reports/").content.decode()
    assert 'data-panel="maintenance-reports"' in page


def test_customer_sends_a_meter_reading_from_the_portal():
    from aftersales.accounts.choices import Role
    from aftersales.accounts.tests.factories import UserFactory
    from aftersales.maintenance.choices import Basis, MeterUnit
    from aftersales.maintenance.models import MeterReading

    cast = Cast()
    plan = PlanFactory(basis=Basis.METER, interval_months=None, interval_meter=500,
                       meter_unit=MeterUnit.HOURS)
    user = UserFactory(username="owner-1", role=Role.CUSTOMER)
    customer = CustomerFactory(service_centre=cast.centre, user=user)
    product = InstalledProductFactory(customer=customer, model=plan.product_model)
    other = InstalledProductFactory(model=plan.product_model)
    client = _client(user)
    home = client.get("/portal/").content.decode()
    assert f'data-meter="{product.pk}"' in home and f'data-meter="{other.pk}"' not in home
    sent = client.post("/maintenance/portal/reading/",
                       {"product": product.pk, "value": "520", "next": "/portal/"})
    assert sent.status_code == 302 and sent["Location"].startswith("/portal/")
    reading = MeterReading.objects.get()
    assert (reading.value, reading.source) == (520, "customer")
    assert MaintenanceVisit.objects.filter(installed_product=product, due_meter=500).exists()
    assert client.post("/maintenance/portal/reading/",
                       {"product": other.pk, "value": "10"}).status_code == 404
    assert MeterReading.objects.count() == 1
