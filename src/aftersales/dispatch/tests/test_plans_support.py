"""Helpers of the day-plan tests (no tests here): a centre with a located crew and jobs."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.dispatch.models import DayPlan, Skill, TechnicianProfile
from aftersales.dispatch.plans import day_plan_create, day_plan_solve
from aftersales.dispatch.problem import centre_today
from aftersales.service.tests.factories import Cast, new_request

CENTRE_POINT = (Decimal("31.230400"), Decimal("121.473700"))  # 人民广场
TZ = ZoneInfo("Asia/Shanghai")
NAMES = ["建国", "志强", "海涛", "国庆", "伟", "磊", "勇", "军"]


class Crew:
    """A located centre (Cast) with ``n`` technicians who all fix water heaters."""

    def __init__(self, n: int = 3, *, capacity: int = 6, located: bool = True):
        self.cast = Cast()
        self.centre = self.cast.centre
        if located:
            self.centre.lat, self.centre.lon = CENTRE_POINT
            self.centre.save(update_fields=["lat", "lon"])
        # The Cast's own technician has no profile; he is not part of this crew.
        self.cast.technician.is_active = False
        self.cast.technician.save(update_fields=["is_active"])
        self.heater = Skill.objects.get_or_create(code="water_heater", defaults={"name": "热水器"})[0]
        self.gas = Skill.objects.get_or_create(
            code="gas_stove", defaults={"name": "燃气灶", "needs_certificate": True})[0]
        self.techs = []
        code = self.centre.code.lower()
        for i in range(n):
            user = UserFactory(username=f"t{i}-{code}", first_name=NAMES[i % len(NAMES)],
                               last_name="王李张刘陈杨赵黄"[i % 8],
                               role=Role.TECHNICIAN, service_centre=self.centre)
            profile = TechnicianProfile.objects.create(
                user=user, rotation_rank=i, daily_capacity=capacity,
                home_lat=CENTRE_POINT[0] + Decimal("0.02") * i,
                home_lon=CENTRE_POINT[1] + Decimal("0.02") * i)
            profile.skills.add(self.heater)
            self.techs.append(user)
        self.supervisor = self.cast.supervisor
        self.models = {}
        self.rng = random.Random(3)  # the same places on every run

    @property
    def today(self):
        return centre_today(self.centre)

    @property
    def tomorrow(self):
        return self.today + timedelta(days=1)

    def at(self, day, hh: int, mm: int = 0) -> datetime:
        return datetime.combine(day, time(hh, mm), TZ)

    def job(self, *, category: str = "water_heater", lat=None, lon=None, located=True,
            rng: random.Random | None = None, **kwargs):
        if located and lat is None:
            rng = rng or self.rng
            lat = CENTRE_POINT[0] + Decimal(str(round(rng.uniform(-0.06, 0.06), 6)))
            lon = CENTRE_POINT[1] + Decimal(str(round(rng.uniform(-0.06, 0.06), 6)))
        customer = CustomerFactory(service_centre=self.centre, lat=lat, lon=lon)
        if category not in self.models:
            self.models[category] = ProductModelFactory(code=f"M-{category}", category=category)
        product = InstalledProductFactory(customer=customer, model=self.models[category])
        return new_request(self.cast, customer=customer, product=product, **kwargs)


def plan_now(crew: Crew, *, day=None, now=None, time_limit: int = 1, **kwargs) -> DayPlan:
    """Ask for a plan and make it in this process (the worker tests run a real worker)."""
    plan = day_plan_create(actor=crew.supervisor, centre=crew.centre, day=day or crew.tomorrow,
                           time_limit=time_limit, **kwargs)
    assert day_plan_solve(plan_id=plan.pk, now=now)
    plan.refresh_from_db()
    return plan
