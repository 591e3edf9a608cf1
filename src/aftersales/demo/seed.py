"""The demo data set of 海川电器, built through the services like real work (house style rule 1).

Staff, service centres, the dealer and the parts price list have no services yet (their apps
own no writes so far), so they are created directly and written to the change log here.
Everything else — product models, customers, installed products, contracts and every step of
every service request — goes through ``customers.services`` and ``service.services``, under a
simulated clock (``clock.py``) so that a request reported twelve days ago was assigned, visited,
signed and closed on the days after it, as its timeline shows.
"""

import random
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCentre, User
from aftersales.core.changelog import change_log
from aftersales.core.dates import add_months
from aftersales.customers import services as customer_services
from aftersales.customers.choices import CustomerKind, RegionKind
from aftersales.customers.models import Customer, InstalledProduct, MaintenanceContract
from aftersales.customers.selectors import contract_covering
from aftersales.dealers.models import Dealer
from aftersales.parts.models import Part
from aftersales.parts.services import part_price_set
from aftersales.service import services as request_services
from aftersales.service.choices import Channel, Status
from aftersales.service.models import ServiceRequest

from . import catalogue, people
from .billing_seed import seed_billing
from .care_seed import seed_care
from .clock import SimulatedClock
from .complaints_seed import seed_complaints
from .contracts_seed import seed_contracts, seed_warranty
from .dealers_seed import seed_dealers
from .dispatch_seed import seed_dispatch
from .feedback_seed import seed_feedback
from .invoicing_seed import seed_invoicing, seed_invoicing_preferences
from .maintenance_seed import seed_maintenance
from .models import DemoRun
from .parts_seed import seed_parts, seed_returns
from .shop_seed import seed_shop
from .signature import signature_data_url

DEMO_PASSWORD = "demo1234"
DEFAULT_SEED = 20240601
PORTAL_PHONE = "+8613800138000"
PORTAL_EMAIL = "liming@example.com"
ARCHIVE_DAYS = 35  # customers and their products were on file before the month of requests

CENTRES = [
    # code, name, address, phone, customer share, urban areas, suburban areas, urban share
    ("PD", "上海浦东服务中心", "上海市浦东新区张杨路1588号", "+862158881234", 0.58,
     people.PUDONG_URBAN, people.PUDONG_SUBURBAN, 0.85),
    ("SJ", "松江服务中心", "上海市松江区荣乐东路318号", "+862157821234", 0.42,
     people.SONGJIANG_URBAN, people.SONGJIANG_SUBURBAN, 0.45),
]

# username, name, role, centre code (None: company-wide)
STAFF = [
    ("admin", "周敏", Role.ADMIN, None),
    ("manager", "沈建华", Role.MANAGER, None),
    ("accountant", "钱丽华", Role.ACCOUNTANT, None),
    ("pd.supervisor", "陈立新", Role.SUPERVISOR, "PD"),
    ("pd.agent", "王晓燕", Role.AGENT, "PD"),
    ("pd.agent2", "刘婷婷", Role.AGENT, "PD"),
    ("pd.tech1", "张建国", Role.TECHNICIAN, "PD"),
    ("pd.tech2", "李强", Role.TECHNICIAN, "PD"),
    ("pd.tech3", "赵志刚", Role.TECHNICIAN, "PD"),
    ("pd.tech4", "孙浩", Role.TECHNICIAN, "PD"),
    ("pd.tech5", "马俊杰", Role.TECHNICIAN, "PD"),
    ("sj.supervisor", "黄海燕", Role.SUPERVISOR, "SJ"),
    ("sj.agent", "吴丽娟", Role.AGENT, "SJ"),
    ("sj.tech1", "徐永强", Role.TECHNICIAN, "SJ"),
    ("sj.tech2", "朱磊", Role.TECHNICIAN, "SJ"),
    ("sj.tech3", "郭德明", Role.TECHNICIAN, "SJ"),
]
STAFF_USERNAMES = [row[0] for row in STAFF]

DEALER = ("DL-SJ01", "上海松申暖通设备有限公司", "松江区", "+862157731234", "SJ")

# Target status → (requests at scale 1, reported between this many days ago).
STATUS_PLAN = {
    Status.CLOSED: (98, (2.0, 30.0)),
    Status.CANCELLED: (12, (1.0, 30.0)),
    Status.COMPLETED: (14, (0.3, 6.0)),
    Status.AWAITING_AGREEMENT: (8, (0.05, 3.0)),
    Status.REGISTERED: (16, None),  # today and yesterday, not yet dispatched (SR-5)
    Status.ASSIGNED: (16, (0.1, 3.0)),
    Status.EN_ROUTE: (6, (0.03, 0.5)),
    Status.ON_SITE: (8, (0.03, 1.0)),
    Status.CARRIED_IN: (10, (1.0, 8.0)),
    Status.REPAIRED: (6, (2.0, 10.0)),
    Status.INSPECTED: (6, (2.0, 10.0)),
}
CARRY_STATUSES = {Status.CARRIED_IN, Status.REPAIRED, Status.INSPECTED}
CHANNELS = [(Channel.PHONE, 55), (Channel.WEB, 10), (Channel.PLATFORM, 10), (Channel.DEALER, 8),
            (Channel.CHAT, 6), (Channel.SMS, 4), (Channel.EMAIL, 4), (Channel.LETTER, 3)]
INTERNAL = catalogue.Problem("", "按计划执行", "例行工作", "已完成并记录在案", (), "2.0")


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    name: str
    centre: str


def logins() -> list[Login]:
    centres = {code: name for code, name, *_rest in CENTRES}
    return [Login(role, username, name, centres.get(code, "")) for username, name, role, code in STAFF]


def demo_present() -> DemoRun | None:
    return DemoRun.objects.order_by("-seeded_at").first()


def foreign_data() -> list[str]:
    """What in this database demo_seed did not make (it seeds only a fresh database)."""
    found = []
    if Customer.objects.exists() or ServiceRequest.objects.exists():
        found.append(_("customers or service requests"))
    taken = User.objects.filter(username__in=STAFF_USERNAMES).values_list("username", flat=True)
    found += [_("user “%(username)s”") % {"username": name} for name in taken]
    return found


def reset() -> None:
    """Empty the whole database (demo databases only: the command checks first)."""
    from django.contrib.contenttypes.models import ContentType

    from aftersales.dispatch.clocks import policies_changed

    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    policies_changed()  # the cached deadline policies were just deleted


@dataclass
class Plan:
    """One service request to be: who calls about what, when, and how far it gets."""

    target: str
    reported_at: datetime
    customer: Customer
    product: InstalledProduct | None
    problem: catalogue.Problem
    channel: str = Channel.PHONE
    internal: bool = False
    agreed_at_call: bool = True
    carry: bool = False
    declined: bool = False
    reschedule: bool = False
    inspect_fail: bool = False
    record_on_site: bool = True
    steps: list = field(default_factory=list)


class Seeder:
    def __init__(self, *, scale: float = 1.0, seed: int = DEFAULT_SEED, progress=None):
        if not 0 < scale <= 10:
            raise ValueError("scale must be more than 0 and at most 10")
        self.scale, self.seed = scale, seed
        self.rng = random.Random(seed)
        self.time_rng = random.Random(seed + 1)  # moments depend on today; the rest must not
        self.progress = progress or (lambda label, done, total: None)
        self.clock = SimulatedClock()
        self.n_customers = max(12, round(300 * scale))
        self.n_products = max(self.n_customers + 4, round(500 * scale))
        self.n_contracts = max(2, round(24 * scale))
        self.status_counts = {s: max(1, round(n * scale)) for s, (n, _w) in STATUS_PLAN.items()}
        self.n_internal = round(4 * scale)
        self.total = (2 + self.n_customers + self.n_products + self.n_contracts
                      + sum(self.status_counts.values()))
        self.done = 0
        self.repaired_first_done = False

    # --- helpers ---------------------------------------------------------------------------

    def _tick(self, label: str, n: int = 1) -> None:
        self.done += n
        self.progress(label, self.done, self.total)

    def _at(self, moment: datetime | None) -> None:
        self.clock.set(moment)

    def _local(self, moment: datetime) -> datetime:
        return timezone.localtime(moment)

    def _day_time(self, day: date, hour_from: float, hour_to: float) -> datetime:
        minutes = self.time_rng.uniform(hour_from * 60, hour_to * 60)
        naive = datetime.combine(day, time()) + timedelta(minutes=minutes)
        return timezone.make_aware(naive)

    def _moment(self, days_from: float, days_to: float) -> datetime:
        """A moment in the window, mostly in the day's busy hours (08:00–20:00)."""
        moment = self.now
        for _attempt in range(30):
            moment = self.now - timedelta(days=self.time_rng.uniform(days_from, days_to))
            if 8 <= self._local(moment).hour < 20:
                break
        return moment

    # --- staff, centres, dealer, catalogue --------------------------------------------------

    def _staff(self) -> None:
        password = make_password(DEMO_PASSWORD)  # one hash for all: the demo seeds in seconds
        taken: set[str] = {PORTAL_PHONE}
        self.centres = {}
        for code, name, address, phone, *_rest in CENTRES:
            self.centres[code] = ServiceCentre.objects.create(code=code, name=name,
                                                              address=address, phone=phone)
        self.users = {}
        for username, name, role, code in STAFF:
            self.users[username] = User.objects.create(
                username=username, password=password, first_name=name, role=role,
                service_centre=self.centres.get(code), phone=people.mobile(self.rng, taken),
                email=f"{username}@haichuan.example", is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN)
        self.admin = self.users["admin"]
        self.manager = self.users["manager"]
        for centre in self.centres.values():
            change_log(actor=self.admin, instance=centre, action="create")
        code, name, region, phone, centre = DEALER
        self.dealer = Dealer.objects.create(code=code, name=name, region=region, phone=phone,
                                            service_centre=self.centres[centre])
        change_log(actor=self.admin, instance=self.dealer, action="create")
        self.phones_taken = taken
        self.by_centre = {
            code: {role: [u for u in self.users.values()
                          if u.service_centre_id == centre.pk and u.role == role]
                   for role in (Role.AGENT, Role.SUPERVISOR, Role.TECHNICIAN)}
            for code, centre in self.centres.items()
        }
        self._tick("staff")

    def _catalogue(self) -> None:
        self.models = []
        for code, name, category, months, fee, _prefix in catalogue.PRODUCT_MODELS:
            self.models.append(customer_services.product_model_create(
                actor=self.admin, code=code, name=name, category=category,
                warranty_months=months, service_fee=Decimal(fee)))
        self.prefixes = {m.code: row[5] for m, row in zip(self.models, catalogue.PRODUCT_MODELS,
                                                           strict=True)}
        self.parts = {}
        # the price list: each part's price since well before the first seeded job (so every
        # seeded charge is at it), and next year's list already entered for every fourth part
        since, coming = date(self.today.year - 2, 1, 1), date(self.today.year + 1, 1, 1)
        for index, (code, name, price, category) in enumerate(catalogue.PARTS):
            part = Part.objects.create(code=code, name=name, unit_price=Decimal(price),
                                       category=category)
            change_log(actor=self.admin, instance=part, action="create")
            part_price_set(actor=self.admin, part=part, valid_from=since, price=part.unit_price,
                           cost=(part.unit_price * Decimal("0.6")).quantize(Decimal("0.01")))
            if index % 4 == 0:
                raised = (part.unit_price * Decimal("1.05")).quantize(Decimal("1"))
                part_price_set(actor=self.admin, part=part, valid_from=coming, price=raised,
                               cost=(raised * Decimal("0.6")).quantize(Decimal("0.01")))
            self.parts[code] = part
        self.signatures = [signature_data_url(self.rng) for _ in range(12)]
        self._tick("catalogue")

    # --- customers and their products -------------------------------------------------------

    def _customer_data(self) -> dict:
        rng = self.rng
        code, _name, _addr, _phone, _share, urban, suburban, urban_share = (
            CENTRES[0] if rng.random() < CENTRES[0][4] else CENTRES[1])
        is_urban = rng.random() < urban_share
        areas = urban if is_urban else suburban
        roll = rng.random()
        kind = (CustomerKind.KEY_ACCOUNT if roll < 0.03 else
                CustomerKind.COMPANY if roll < 0.11 else CustomerKind.INDIVIDUAL)
        data = {"service_centre": self.centres[code],
                "region_kind": RegionKind.URBAN if is_urban else RegionKind.SUBURBAN,
                "kind": kind, "phone": people.mobile(rng, self.phones_taken)}
        if kind == CustomerKind.INDIVIDUAL:
            data["name"] = people.person_name(rng)
            data["address"], _district = people.address(rng, areas)
            if rng.random() < 0.5:
                data["birthday"] = date(rng.randint(1950, 1998), rng.randint(1, 12),
                                        rng.randint(1, 28))
        else:
            data["name"] = people.company_name(rng, self.company_names)
            data["address"] = people.company_address(rng, areas)
            data["phone_alt"] = people.landline(rng)
        if kind == CustomerKind.INDIVIDUAL and rng.random() < 0.15:
            data["phone_alt"] = people.landline(rng)
        if rng.random() < 0.3:
            local = data["phone"][3:]
            data["email"] = (f"{local}@163.com" if rng.random() < 0.5
                             else f"{rng.randrange(10**6, 10**10)}@qq.com")
        same_centre = [c for c in self.customers if c.service_centre_id == data["service_centre"].pk
                       and c.kind == CustomerKind.INDIVIDUAL]
        if same_centre and rng.random() < 0.08:
            data["referred_by"] = rng.choice(same_centre)  # CR-3
        return data

    def _customers(self) -> None:
        self._at(self.archive_at)
        self.customers: list[Customer] = []
        self.company_names: set[str] = set()
        portal = customer_services.customer_create(
            actor=self.admin, name="李明", phone=PORTAL_PHONE, email=PORTAL_EMAIL,
            address="上海市浦东新区锦绣路1001弄联洋年华8号1502室", region_kind=RegionKind.URBAN,
            kind=CustomerKind.INDIVIDUAL, birthday=date(1985, 6, 18),
            service_centre=self.centres["PD"])
        self.portal_customer = portal
        self.customers.append(portal)
        self._tick("customers")
        for _index in range(1, self.n_customers):
            self.customers.append(customer_services.customer_create(
                actor=self.admin, **self._customer_data()))
            self._tick("customers")
        self.internal_customers = {}
        if self.n_internal:
            for code, centre in self.centres.items():
                self.internal_customers[code] = customer_services.customer_create(
                    actor=self.admin, name=f"{catalogue.COMPANY}{centre.name}（内部工作）",
                    phone=centre.phone, address=centre.address, kind=CustomerKind.COMPANY,
                    region_kind=RegionKind.URBAN if code == "PD" else RegionKind.SUBURBAN,
                    service_centre=centre)

    def _products(self) -> None:
        rng = self.rng
        others = self.customers[1:]
        weights = [4 if c.kind != CustomerKind.INDIVIDUAL else 1 for c in others]
        owners = others + rng.choices(others, weights=weights,
                                      k=self.n_products - len(self.customers) - 3)
        by_code = {m.code: m for m in self.models}
        portal = self.portal_customer
        plans = [  # the portal customer: in warranty, out of warranty, and a new unit
            (self.today - timedelta(days=400), portal, by_code["JSQ24-13HC5"], False),
            (self.today - timedelta(days=500), portal, by_code["ZMG-S300"], False),
            (self.today - timedelta(days=200), portal, by_code["HS-350T"], False),
            (self.today - timedelta(days=9), portal, by_code["YSG-80A"], True),
        ]
        for i, owner in enumerate(owners):
            model = rng.choices(self.models, weights=catalogue.MODEL_WEIGHTS)[0]
            unboxing = i >= len(others) and rng.random() < 0.06
            if unboxing:
                purchased = self.today - timedelta(days=rng.randint(2, 25))
            else:
                # Four years of sales, more of them recent.
                days = ARCHIVE_DAYS + 10 + int((1460 - ARCHIVE_DAYS - 10) * rng.random() ** 1.3)
                purchased = self.today - timedelta(days=days)
            plans.append((purchased, owner, model, unboxing))
        plans.sort(key=lambda p: p[0])
        serials = Counter()
        self.products: list[InstalledProduct] = []
        for purchased, owner, model, unboxing in plans:
            serials[model.code] += 1
            installed = None if unboxing else purchased + timedelta(days=rng.choice((0, 1, 2, 3, 5, 7)))
            registered = timezone.make_aware(datetime.combine(purchased, time(10)))
            self._at(min(max(self.archive_at, registered), self.now - timedelta(minutes=30)))
            dealer = (self.dealer if owner.service_centre_id == self.dealer.service_centre_id
                      and rng.random() < 0.35 else None)
            site = ""
            if owner.kind != CustomerKind.INDIVIDUAL:
                site = f"{owner.address} {rng.choice(('客房', '员工宿舍', '厨房', '卫生间', '机房'))}{rng.randint(1, 12)}层"
            self.products.append(customer_services.installed_product_register(
                actor=self.admin, customer=owner, model=model,
                serial=f"{self.prefixes[model.code]}{purchased:%y%m}{serials[model.code]:05d}",
                purchased_on=purchased, installed_on=installed, dealer=dealer, address=site))
            self._tick("products")

    def _contracts(self) -> None:
        rng = self.rng
        holders = {}
        for product in self.products:
            if product.installed_on is not None:
                holders.setdefault(product.customer_id, []).append(product)
        customers = {c.pk: c for c in self.customers}
        ranked = sorted(holders, key=lambda cid: (
            customers[cid].kind == CustomerKind.INDIVIDUAL, rng.random()))
        plans = []
        for customer_id in ranked:
            if len(plans) >= self.n_contracts:
                break
            kind = len(plans) % 5
            if kind in (0, 1):  # active
                starts = self.today - timedelta(days=rng.randint(40, 300))
            elif kind == 2:  # ends within a month: renewal due (AR-6)
                starts = add_months(self.today, -12) + timedelta(days=rng.randint(1, 30))
            elif kind == 3:  # expired
                starts = self.today - timedelta(days=rng.randint(400, 700))
            else:  # just renewed
                starts = self.today - timedelta(days=rng.randint(5, 30))
            covered = [p for p in holders[customer_id] if p.installed_on <= starts]
            if covered:
                plans.append((starts, customer_id, covered[: rng.randint(1, 4)]))
        plans.sort(key=lambda p: p[0])
        for starts, customer_id, covered in plans:
            signed = timezone.make_aware(datetime.combine(starts - timedelta(days=rng.randint(1, 10)),
                                                          time(14)))
            self._at(min(signed, self.now - timedelta(minutes=30)))
            customer_services.contract_create(
                actor=self.manager, customer=customers[customer_id], products=covered,
                starts_on=starts, ends_on=add_months(starts, 12) - timedelta(days=1),
                fee=Decimal(180 * len(covered) + rng.choice((0, 60, 120)))
                if customers[customer_id].kind == CustomerKind.INDIVIDUAL
                else Decimal(600 * len(covered)))
            self._tick("contracts")
        self._tick("contracts", self.n_contracts - len(plans))  # customers with no fit

    # --- service requests ------------------------------------------------------------------

    def _reported_at(self, status: str) -> datetime:
        window = STATUS_PLAN[status][1]
        if window is not None:
            return self._moment(*window)
        # SR-5: today's and yesterday's calls not yet dispatched.
        local_now = self._local(self.now)
        hours_today = local_now.hour + local_now.minute / 60
        if hours_today > 8.5 and self.time_rng.random() < 0.6:
            return self._day_time(local_now.date(), 8.0, min(hours_today - 0.2, 20.0))
        return self._day_time(local_now.date() - timedelta(days=1), 8.5, 18.5)

    def _pick_product(self, reported_at: datetime, *, chargeable=False, bench=False):
        day = self._local(reported_at).date()
        for _attempt in range(200):
            product = self.rng.choice(self.products)
            if product.purchased_on >= day:
                continue
            if chargeable and (product.covers(day) or contract_covering(product, day)):
                continue  # in warranty (C) or under a contract (B): not work the customer pays
            if bench and (product.installed_on is None or not any(
                    p.bench for p in catalogue.PROBLEMS[product.model.category])):
                continue
            return product
        return None

    def _problem(self, product, *, carry: bool) -> catalogue.Problem:
        if product is None:
            return self.rng.choice(catalogue.PROBLEMS["gas_water_heater"])
        if product.installed_on is None:
            return self.rng.choice(catalogue.UNBOXING_PROBLEMS)
        options = catalogue.PROBLEMS[product.model.category]
        preferred = [p for p in options if p.bench == carry]
        return self.rng.choice(preferred or options)

    def _plan(self, target: str, internal: bool) -> Plan:
        rng = self.rng
        reported_at = self._reported_at(target)
        carry = target in CARRY_STATUSES or (
            target in {Status.CLOSED, Status.COMPLETED} and rng.random() < 0.15)
        if internal:
            centre = rng.choice(sorted(self.internal_customers))
            problem = replace(INTERNAL, description=rng.choice(catalogue.INTERNAL_WORK))
            return Plan(target, reported_at, self.internal_customers[centre], None, problem,
                        internal=True)
        declined = target == Status.CANCELLED and rng.random() < 0.35
        must_charge = target == Status.AWAITING_AGREEMENT or declined
        product = self._pick_product(reported_at, chargeable=must_charge, bench=carry)
        if product is None and not must_charge:
            product = self._pick_product(reported_at)
        if product is None or rng.random() < 0.04:
            product = None  # the caller does not know the model: an unregistered product
        if product is not None and product.installed_on is None:
            carry = False  # a new unit is installed on site
        customer = product.customer if product else rng.choice(self.customers[1:])
        plan = Plan(target, reported_at, customer, product, self._problem(product, carry=carry),
                    channel=rng.choices([c for c, _w in CHANNELS], [w for _c, w in CHANNELS])[0],
                    carry=carry)
        plan.agreed_at_call = not must_charge and rng.random() < 0.65
        plan.declined = declined
        plan.reschedule = not carry and target in {Status.CLOSED, Status.COMPLETED} and rng.random() < 0.1
        plan.inspect_fail = carry and target in {Status.INSPECTED, Status.CLOSED} and rng.random() < 0.2
        plan.record_on_site = target != Status.ON_SITE or rng.random() < 0.5
        return plan

    def _steps(self, plan: Plan) -> list[tuple[float, str]]:
        """The path to ``plan.target`` as (minutes after the previous step, action)."""
        m = self.rng.uniform
        steps: list[tuple[float, str]] = [(0, "register")]
        target = plan.target
        chargeable_unagreed = False
        if not plan.internal:
            day = self._local(plan.reported_at).date()
            chargeable_unagreed = (plan.product is None or not (
                plan.product.covers(day) or contract_covering(plan.product, day))
            ) and not plan.agreed_at_call
        if target == Status.AWAITING_AGREEMENT:
            return steps
        if chargeable_unagreed:
            if target == Status.CANCELLED and plan.declined:
                return [*steps, (m(20, 600), "decline")]
            steps.append((m(10, 240), "agree"))
        if target == Status.REGISTERED:
            return steps
        if target == Status.CANCELLED and self.rng.random() < 0.5:
            return [*steps, (m(30, 1500), "cancel")]
        steps.append((m(15, 180), "assign"))
        if target == Status.ASSIGNED:
            return steps
        if target == Status.CANCELLED:
            return [*steps, (m(30, 1500), "cancel")]
        steps.append((m(30, 1200), "depart"))
        if target == Status.EN_ROUTE:
            return steps
        steps.append((m(15, 70), "arrive"))
        if plan.reschedule:
            steps += [(m(20, 60), "reschedule"), (m(1000, 3000), "depart"), (m(15, 70), "arrive")]
        if target == Status.ON_SITE:
            return [*steps, (m(20, 60), "record")] if plan.record_on_site else steps
        if not plan.carry:
            steps += [(m(20, 90), "record"), (m(5, 30), "complete")]
        else:
            steps += [(m(30, 90), "carry_in")]
            if target == Status.CARRIED_IN:
                return steps
            steps.append((m(1440, 4320), "bench"))
            if target == Status.REPAIRED:
                return steps
            if plan.inspect_fail:
                steps += [(m(120, 600), "inspect_fail"), (m(1440, 2880), "bench")]
            steps.append((m(120, 600), "inspect_pass"))
            if target == Status.INSPECTED:
                return steps
            steps.append((m(240, 2880), "hand_back"))
        if target == Status.COMPLETED:
            return steps
        return [*steps, (m(60, 2880), "close")]

    def _working(self, moment: datetime) -> datetime:
        """``moment``, or the next morning's start if it falls outside 08:00–19:30."""
        local = self._local(moment)
        if local.hour < 8 or (local.hour, local.minute) >= (19, 30):
            day = local.date() + timedelta(days=1 if local.hour >= 8 else 0)
            start = datetime.combine(day, time(8), local.tzinfo)
            return start + timedelta(minutes=(local.minute * 7 + local.second) % 90)
        return moment

    def _place(self, start: datetime, steps, factor: float, snap: bool):
        moment, placed = start, []
        for minutes, action in steps:
            moment = moment + timedelta(minutes=minutes * factor)
            if snap and action != "register":
                moment = self._working(moment)
            placed.append((moment, action))
        return placed

    def _timeline(self, plan: Plan) -> list[tuple[datetime, str]]:
        """Step moments after the call, in working hours, squeezed to fit before now."""
        steps = self._steps(plan)
        limit = self.now - timedelta(minutes=3)
        for factor in (1.0, 0.6, 0.35, 0.2, 0.1):
            placed = self._place(plan.reported_at, steps, factor, snap=True)
            if placed[-1][0] <= limit:
                return placed
        total = sum(minutes for minutes, _action in steps) or 1
        room = (limit - plan.reported_at).total_seconds() / 60
        return self._place(plan.reported_at, steps, min(1.0, room / total), snap=False)

    def _requests(self) -> None:
        targets = [s for s, n in self.status_counts.items() for _ in range(n)]
        internal_slots = {Status.CLOSED: 2, Status.REGISTERED: 1, Status.ASSIGNED: 1}
        plans = []
        for target in targets:
            internal = internal_slots.get(target, 0) > 0 and len(
                [p for p in plans if p.internal]) < self.n_internal
            if internal:
                internal_slots[target] -= 1
            plans.append(self._plan(target, internal))
        plans.sort(key=lambda p: p.reported_at)
        for plan in plans:
            self._play(plan)
            self._tick("requests")

    def _play(self, plan: Plan) -> None:
        code = next(c for c, centre in self.centres.items()
                    if centre.pk == plan.customer.service_centre_id)
        staff = self.by_centre[code]
        rng = self.rng
        agent = rng.choice(staff[Role.AGENT])
        supervisor = staff[Role.SUPERVISOR][0]
        technician = rng.choice(staff[Role.TECHNICIAN])
        timeline = self._timeline(plan)
        # One job on site was an emergency the supervisor sent its technician to by phone: its
        # paperwork is made out once he is there (先抢修后补单, DS-6).
        actions = [action for _moment, action in timeline]
        repaired_first = (not self.repaired_first_done and not plan.internal
                          and plan.target == Status.ON_SITE and "arrive" in actions
                          and set(actions[:actions.index("arrive")]) <= {"register", "assign",
                                                                         "depart"})
        self.repaired_first_done |= repaired_first
        request = None
        signer = plan.customer.name if plan.customer.kind == CustomerKind.INDIVIDUAL else (
            f"{people.person_name(rng)}（{plan.customer.name[:6]}）")
        for index, (moment, action) in enumerate(timeline):
            self._at(moment)
            if repaired_first and action in {"register", "assign", "depart"}:
                continue
            if repaired_first and action == "arrive":
                request = request_services.service_request_create_repaired_first(
                    actor=supervisor, technician=technician, arrived_at=moment,
                    reported_at=plan.reported_at, reason="客户称情况紧急，主管电话先派师傅上门抢修",
                    customer=plan.customer, installed_product=plan.product,
                    description=plan.problem.description, channel=plan.channel,
                    service_centre=self.centres[code], customer_agreed=plan.agreed_at_call)
            elif action == "register":
                urgency = plan.problem.urgency
                if urgency == "normal" and rng.random() < 0.15:
                    urgency = "urgent"
                request = request_services.service_request_create(
                    actor=agent, customer=plan.customer, installed_product=plan.product,
                    description=plan.problem.description, channel=plan.channel,
                    reported_at=plan.reported_at, internal=plan.internal, urgency=urgency,
                    service_centre=self.centres[code],
                    customer_agreed=plan.agreed_at_call and not plan.internal)
            elif action == "agree":
                request = request_services.service_request_agree(
                    actor=agent, request=request, note="客户电话确认同意收费")
            elif action == "decline":
                request = request_services.service_request_decline(
                    actor=agent, request=request, note=rng.choice(catalogue.DECLINE_REASONS))
            elif action == "cancel":
                request = request_services.service_request_cancel(
                    actor=agent, request=request, note=rng.choice(catalogue.CANCEL_REASONS))
            elif action == "assign":
                appointment = None
                if plan.target == Status.ASSIGNED and rng.random() < 0.7:
                    tomorrow = self._local(self.now).date() + timedelta(days=1)
                    appointment = self._day_time(tomorrow, 9, 16)
                request = request_services.service_request_assign(
                    actor=supervisor, request=request, technician=technician,
                    appointment_at=appointment)
            elif action == "depart":
                request = request_services.service_request_depart(actor=technician, request=request)
            elif action == "arrive":
                request = request_services.service_request_arrive(actor=technician, request=request)
            elif action == "reschedule":
                next_visit = timeline[index + 1][0]
                request = request_services.service_request_reschedule(
                    actor=technician, request=request,
                    note=rng.choice(catalogue.RESCHEDULE_REASONS), next_visit_at=next_visit)
            elif action == "record":
                request = self._record(request, plan, technician)
            elif action == "complete":
                request = request_services.service_request_complete(
                    actor=technician, request=request, signer_name=signer,
                    signature=rng.choice(self.signatures), opinion=rng.choice(catalogue.OPINIONS))
            elif action == "carry_in":
                request_services.labor_add(actor=technician, request=request, hours=Decimal("0.5"),
                                           note="现场检测")
                request = request_services.service_request_carry_in(
                    actor=technician, request=request,
                    items=catalogue.CARRY_ITEMS.get(
                        plan.product.model.category if plan.product else "", "待修主机一台"),
                    signer_name=signer, signature=rng.choice(self.signatures),
                    return_due_on=self._local(moment).date() + timedelta(days=rng.randint(3, 7)))
            elif action == "bench":
                request = self._bench(request, plan, technician)
            elif action in ("inspect_fail", "inspect_pass"):
                passed = action == "inspect_pass"
                request = request_services.service_request_inspect(
                    actor=supervisor, request=request, passed=passed,
                    note="外观、功能检查合格" if passed else rng.choice(catalogue.INSPECTION_FAILURES))
            elif action == "hand_back":
                request = request_services.service_request_hand_back(
                    actor=rng.choice([technician, agent]), request=request, signer_name=signer,
                    signature=rng.choice(self.signatures), opinion=rng.choice(catalogue.OPINIONS))
            elif action == "close":
                request = request_services.service_request_close(
                    actor=agent, request=request, note="服务凭证已归档")
        self._at(None)
        if request.status != plan.target:
            raise RuntimeError(f"{request} ended {request.status}, planned {plan.target}")

    def _record(self, request, plan: Plan, technician):
        request.refresh_from_db()
        problem = plan.problem
        cause = None if plan.internal else problem.cause  # SR-3: the cause decides the charge
        request = request_services.service_request_record_work(
            actor=technician, request=request, fault_found=problem.fault_found,
            fault_cause=problem.fault_cause, action_taken=problem.action_taken, cause=cause)
        request_services.labor_add(actor=technician, request=request, hours=Decimal(problem.hours))
        for code, quantity in Counter(problem.parts).items():
            request_services.part_add(actor=technician, request=request, part=self.parts[code],
                                      quantity=quantity)
        return request

    def _bench(self, request, plan: Plan, technician):
        if not request.work_recorded:
            request = self._record(request, plan, technician)  # hours here are bench hours
        else:
            request_services.labor_add(actor=technician, request=request, hours=Decimal("1.0"),
                                       note="返工")
        return request_services.service_request_finish_repair(
            actor=technician, request=request, work_done=plan.problem.action_taken)

    # --- the whole set ---------------------------------------------------------------------

    def run(self) -> DemoRun:
        with self.clock, transaction.atomic():
            self.now = self.clock.real_now()
            self.today = timezone.localdate(self.now)
            self.archive_at = self.now - timedelta(days=ARCHIVE_DAYS)
            self._staff()
            self._catalogue()
            self._customers()
            seed_invoicing_preferences(self.rng, self.admin)
            self._products()
            self._contracts()
            self._requests()
            self._at(None)
            seed_dispatch(self.rng)
            seed_feedback(self.rng, self.clock)
            seed_parts(self.rng, self.admin)
            seed_returns(self.rng, self.admin, self.today)
            seed_billing(self.rng, self.admin)
            seed_dealers(self.rng, self.clock, self.admin, self.manager)
            seed_maintenance(self.rng, self.admin, self.today)
            seed_contracts(self.rng, self.admin, self.today)
            seed_warranty(self.rng, self.admin, self.today)
            seed_invoicing(self.rng, self.admin, self.today, self.clock)
            seed_complaints(self.rng, self.admin, self.clock)
            seed_care(self.rng, self.admin)
            seed_shop(self.rng, self.admin, self.now)
            statuses = Counter(ServiceRequest.objects.values_list("status", flat=True))
            return DemoRun.objects.create(
                seeded_at=self.now, seed=self.seed, scale=self.scale,
                counts={"customers": Customer.objects.count(),
                        "installed_products": InstalledProduct.objects.count(),
                        "contracts": MaintenanceContract.objects.count(),
                        "service_requests": sum(statuses.values()),
                        "statuses": dict(sorted(statuses.items()))})
