"""Demo data for dispatch: where the centres and customers are, and what each technician can do
(skills, a gas-appliance certificate, shifts, home base, status), so that rotation and the day
plan have something real to work with."""

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCentre, User
from aftersales.customers.models import Customer, ProductModel
from aftersales.dispatch.choices import TechnicianStatus
from aftersales.dispatch.models import Certificate, Shift, Skill, TechnicianProfile
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest

CENTRE_AT = {"PD": (31.2286, 121.5437), "SJ": (31.0323, 121.2277)}  # Pudong, Songjiang
SKILL_NAMES = {
    "water_heater": "热水器", "electric_water_heater": "电热水器", "gas_water_heater": "燃气热水器",
    "toilet_seat": "智能马桶盖", "shower": "花洒", "bathroom_cabinet": "浴室柜",
    "heat_pump": "空气能热水器", "smart_toilet_seat": "智能马桶盖", "smart_toilet": "智能马桶",
    "bath_heater": "浴霸",
}
GAS = "gas_appliance"


def _coord(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def seed_dispatch(rng) -> None:
    centres = {c.code: c for c in ServiceCentre.objects.all()}
    for code, (lat, lon) in CENTRE_AT.items():
        if code in centres:
            ServiceCentre.objects.filter(pk=centres[code].pk).update(lat=_coord(lat), lon=_coord(lon))
    customers = list(Customer.objects.select_related("service_centre"))
    for customer in customers:
        lat, lon = CENTRE_AT.get(getattr(customer.service_centre, "code", ""), CENTRE_AT["PD"])
        spread = 0.035 if customer.region_kind == "urban" else 0.08
        customer.lat = _coord(lat + rng.gauss(0, spread))
        customer.lon = _coord(lon + rng.gauss(0, spread * 1.15))
    Customer.objects.bulk_update(customers, ["lat", "lon"], batch_size=500)

    skills = {}
    for category in sorted(set(ProductModel.objects.values_list("category", flat=True))):
        skills[category], _ = Skill.objects.get_or_create(
            code=category, defaults={"name": SKILL_NAMES.get(category, category)})
    gas, _ = Skill.objects.get_or_create(code=GAS, defaults={"name": "燃气具安装维修（持证）",
                                                             "needs_certificate": True})
    today = timezone.localdate()
    busy = dict(ServiceRequest.objects.filter(status__in=[Status.EN_ROUTE, Status.ON_SITE])
                .values_list("assigned_technician_id", "status"))
    for rank, tech in enumerate(User.objects.filter(role=Role.TECHNICIAN).select_related(
            "service_centre").order_by("pk")):
        lat, lon = CENTRE_AT.get(getattr(tech.service_centre, "code", ""), CENTRE_AT["PD"])
        status = {Status.EN_ROUTE: TechnicianStatus.EN_ROUTE,
                  Status.ON_SITE: TechnicianStatus.ON_SITE}.get(busy.get(tech.pk),
                                                                TechnicianStatus.AVAILABLE)
        profile = TechnicianProfile.objects.create(
            user=tech, rotation_rank=rank, daily_capacity=rng.choice([5, 6, 6, 7]), status=status,
            home_lat=_coord(lat + rng.gauss(0, 0.04)), home_lon=_coord(lon + rng.gauss(0, 0.05)))
        own = list(skills.values())
        if rank % 4 == 3 and len(own) > 2:  # not everyone does everything: rotation skips them
            own.remove(rng.choice(own))
        profile.skills.set([*own, gas])
        expires = today + timedelta(days=rng.randrange(60, 700)) if rank % 5 else today - timedelta(days=20)
        Certificate.objects.create(technician=profile, skill=gas, number=f"RQ-{rng.randrange(10**7):07d}",
                                   expires_on=expires)
        Shift.objects.bulk_create(Shift(technician=profile, weekday=d, starts_at=time(8, 30),
                                        ends_at=time(17, 30)) for d in range(6))
