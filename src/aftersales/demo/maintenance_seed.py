"""Demo data for installation and preventive maintenance: plans for the most common models (by
time, and one by the meter), installation jobs for products still in their boxes, meter
readings, and the due visits of this month and the next generated through the product's own
generator — this month's earlier ones are overdue, one is done with its certificate."""

import base64
from io import BytesIO

from django.db.models import Count

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.customers.models import InstalledProduct, ProductModel
from aftersales.maintenance.choices import Basis, MeterUnit
from aftersales.maintenance.models import MaintenanceVisit
from aftersales.maintenance.services import (
    maintenance_plan_create,
    maintenance_visits_generate,
    meter_reading_add,
)
from aftersales.service import services as request_services
from aftersales.service.choices import Kind, Status

TIME_PLANS = [  # (months, name, items)
    (6, "半年保养", "清洗燃烧器和换热器\n检查烟道及密封\n测试熄火保护和防干烧"),
    (12, "年度保养", "清洗过滤网\n检查电气接线和接地\n测试安全阀，记录运行读数"),
]


def _signature() -> str:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 80), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 60), (60, 20), (110, 55), (170, 15), (230, 50)],
                               fill=(20, 20, 20, 255), width=3)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _staff(centre, role):
    return (User.objects.filter(role=role, service_centre=centre, is_active=True)
            .order_by("username").first())


def seed_maintenance(rng, admin, today) -> None:
    models = list(ProductModel.objects.annotate(n=Count("units")).order_by("-n", "code")[:4])
    for i, model in enumerate(models[:3]):
        months, name, items = TIME_PLANS[i % len(TIME_PLANS)]
        maintenance_plan_create(actor=admin, product_model=model, name=name, basis=Basis.TIME,
                                interval_months=months, items=items)
    if len(models) > 3:
        meter_model = models[3]
        maintenance_plan_create(actor=admin, product_model=meter_model, name="运行500小时保养",
                                basis=Basis.METER, interval_meter=500,
                                meter_unit=MeterUnit.HOURS, lead_meter=50,
                                items="更换滤芯\n检查水泵\n记录运行小时数")
        for product in InstalledProduct.objects.filter(
                model=meter_model, installed_on__isnull=False).order_by("pk")[:4]:
            meter_reading_add(actor=admin, product=product, value=rng.randint(380, 620))

    # Products still in their boxes: their installation jobs wait for a technician.
    for product in (InstalledProduct.objects.filter(installed_on__isnull=True)
                    .select_related("customer", "model").order_by("pk")[:3]):
        agent = _staff(product.customer.service_centre, Role.AGENT) or admin
        request_services.service_request_create(
            actor=agent, customer=product.customer, installed_product=product,
            kind=Kind.INSTALLATION, description=f"新购{product.model.name}上门安装调试，教会使用")

    this_month = today.replace(day=1)
    maintenance_visits_generate(actor=admin, month=this_month)
    maintenance_visits_generate(actor=admin)  # next month's, as the daily task does

    # One of this month's visits is done: the customer signed, the certificate prints.
    visit = (MaintenanceVisit.objects.filter(due_on__lt=today, request__status=Status.REGISTERED)
             .select_related("request__service_centre").order_by("due_on", "pk").first())
    if visit is None:
        return
    request, centre = visit.request, visit.request.service_centre
    supervisor, technician = _staff(centre, Role.SUPERVISOR), _staff(centre, Role.TECHNICIAN)
    if supervisor is None or technician is None:
        return
    request = request_services.service_request_assign(actor=supervisor, request=request,
                                                      technician=technician)
    request = request_services.service_request_arrive(actor=technician, request=request)
    request = request_services.service_request_record_work(
        actor=technician, request=request, fault_found="按计划保养，设备运行正常",
        fault_cause="定期保养", action_taken="按保养项目逐项完成，试机正常")
    request_services.service_request_complete(actor=technician, request=request,
                                              signer_name=request.customer.name,
                                              signature=_signature(), opinion="师傅很细心")
