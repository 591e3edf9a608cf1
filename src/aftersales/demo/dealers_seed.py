"""Demo data for the dealer network: three dealers with their regions (the outer towns of the
two centres' areas), contracts and local fees, a login each (dealer1…dealer3, the demo
password), a dealer stock, the last three months of their work (calls they took themselves,
completed — one of them late — for the archive figures), today's registered jobs of their
regions handed over, last month's reports (one dealer's report of the month before is overdue)
and HQ's audit sample of last month."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCentre, User
from aftersales.customers.models import Customer, InstalledProduct
from aftersales.dealers import services
from aftersales.dealers.choices import JobKind, JobState, ReportState
from aftersales.dealers.models import Dealer, DealerUser, MonthlyReport
from aftersales.parts import services as stock
from aftersales.parts.choices import WarehouseKind
from aftersales.parts.models import Part, StockMove, Warehouse
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.services import service_request_terms

from . import people

REGION_TOWNS = [
    # code, name, towns (the demo's addresses name a town, or only a road and an estate in it)
    ("SJ-N", "松江北部", ("九亭镇", "泗泾镇", "佘山镇")),
    ("SJ-S", "松江南部", ("新桥镇", "车墩镇")),
    ("PD-E", "浦东东部", ("惠南镇", "祝桥镇", "川沙新镇")),
]


def _places(towns) -> str:
    """A region's places: its towns with their roads and estates, one town a line."""
    areas = {town: (roads, estates)
             for _district, town, roads, estates in people.PUDONG_SUBURBAN + people.SONGJIANG_SUBURBAN}
    return "\n".join(", ".join((town, *areas[town][0], *areas[town][1])) for town in towns)


REGIONS = [(code, name, _places(towns)) for code, name, towns in REGION_TOWNS]
DEALERS = [
    # code, name, contact, phone, address, centre, regions, login
    ("DL-SJ01", "上海松申暖通设备有限公司", "姚国平", "+862157731234", "上海市松江区泗通路88号",
     "SJ", ["SJ-N"], "dealer1"),
    ("DL-SJ02", "松江车墩恒达家电服务部", "陆美芳", "+862157602211", "上海市松江区北松公路5510号",
     "SJ", ["SJ-S"], "dealer2"),
    ("DL-PD01", "川沙安泰电器维修有限公司", "顾志强", "+862158921818", "上海市浦东新区川沙路4999号",
     "PD", ["PD-E"], "dealer3"),
]
FEES = [("上门服务费", "50"), ("安装调试费", "120"), ("管路改装（每米）", "35"), ("夜间加急", "80")]
OWN_CALLS = [("热水器打不着火", JobKind.REPAIR), ("新机安装调试", JobKind.INSTALL),
             ("出水忽冷忽热", JobKind.REPAIR), ("壁挂炉安装", JobKind.INSTALL),
             ("显示屏报E1故障", JobKind.REPAIR)]
WORK = ("点火不良", "点火针积碳", "清洁点火针，试机正常")


def _local(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _month_start(day: date, back: int) -> date:
    month = day.replace(day=1)
    for _ in range(back):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def seed_dealers(rng, clock, admin, manager) -> None:
    today = timezone.localdate(clock.real_now())
    regions = {code: services.region_save(actor=admin, code=code, name=name, places=places)
               for code, name, places in REGIONS}
    centres = {c.code: c for c in ServiceCentre.objects.all()}
    dealers, logins = [], {}
    for code, name, contact, phone, address, centre, region_codes, username in DEALERS:
        dealer = Dealer.objects.filter(code=code).first()  # the demo's first dealer exists already
        dealer = services.dealer_save(
            actor=admin, dealer=dealer, code=code, name=name, contact=contact, phone=phone,
            address=address, service_centre=centres.get(centre),
            regions=[regions[r] for r in region_codes])
        services.contract_save(
            actor=admin, dealer=dealer, number=f"HT{today.year}-{code}",
            starts_on=date(today.year, 1, 1), ends_on=date(today.year + 1, 12, 31),
            terms="乙方负责所售产品的安装调试、维修、回访；接到报修后24小时内解决，特殊情况不超过48小时；"
                  "每月3日前报送上月安装及维修统计。",
            fees=FEES[:rng.randint(2, len(FEES))])
        user = User.objects.create(username=username, password=admin.password, first_name=contact,
                                   role=Role.DEALER, phone=phone)
        services.dealer_login_link(actor=admin, dealer=dealer, user=user)
        dealers.append(dealer)
        logins[dealer.pk] = user
    _stock(rng, admin, dealers)
    _history(rng, clock, today, dealers, logins)
    _hand_over(clock, dealers, logins)
    _reports(rng, today, dealers, logins)
    _trainings(rng, today, admin, dealers)
    _orders(rng, manager, dealers, logins)
    services.audit_sample_draw(actor=manager, month=_month_start(today, 1), rng=rng)


def _orders(rng, manager, dealers, logins) -> None:
    """PT-1: the first dealer's parts orders — one received (paid by transfer; one part sent
    back and refunded), one picked and waiting for its payment, and one for its accepted job
    (free when the job is in warranty)."""
    dealer, user = dealers[0], logins[dealers[0].pk]
    parts = list(Part.objects.filter(active=True, prices__isnull=False).distinct()
                 .order_by("code")[:6])
    if len(parts) < 3 or not Warehouse.objects.filter(kind=WarehouseKind.CENTRAL).exists():
        return
    accountant = User.objects.filter(role=Role.ACCOUNTANT).first() or manager
    for index, note in enumerate(("补充常用配件库存", "下月促销备货")):
        order = services.dealer_parts_order(
            actor=user, note=note,
            lines=[(part, rng.randint(2, 5)) for part in rng.sample(parts, 3)])
        order = stock.material_request_pick(
            actor=manager, material_request=stock.material_request_approve(
                actor=manager, material_request=order))
        if index == 0:
            stock.order_pay(actor=accountant, material_request=order,
                            amount=stock.order_due(order), method="transfer",
                            reference=f"ICBC-{order.number}")
            order = stock.material_request_ship(actor=manager, material_request=order)
            stock.material_request_receive(actor=user, material_request=order)
            # PT-3: one part of it came back unused; the store refunds it (and credits the
            # order's invoice: invoicing's handler)
            line = order.lines.order_by("id").first()
            stock.order_return_receive(actor=manager, material_request=order,
                                       lines={str(line.pk): "1"}, note="型号订错，包装未拆")
    job = dealer.jobs.filter(state=JobState.ACCEPTED).first()
    if job is not None:
        services.dealer_parts_order(actor=user, job=job, lines=[(parts[0], 1)],
                                    note="上门更换用")


TRAININGS = [("燃气热水器新机型安装调试", "技术部 王工"), ("售后服务规范与话术", "服务部 李主管"),
             ("常见故障诊断与配件更换", "技术部 陈工"), ("冬季防冻与安全检查", "技术部 王工")]


def _trainings(rng, today, admin, dealers) -> None:
    """DL-1: the maker trained each dealer's people once or twice in the last months."""
    for dealer in dealers:
        for topic, trainer in rng.sample(TRAININGS, rng.randint(1, 2)):
            services.training_record(actor=admin, dealer=dealer,
                                     held_on=today - timedelta(days=rng.randint(5, 80)),
                                     topic=topic, trainer=trainer, attendees=rng.randint(3, 12))


def _stock(rng, admin, dealers) -> None:
    central = Warehouse.objects.filter(kind=WarehouseKind.CENTRAL).first()
    parts = list(Part.objects.filter(active=True).order_by("code")[:6])
    for dealer in dealers:
        place = stock.warehouse_create(actor=admin, code=f"{dealer.code}-STOCK",
                                       name=f"{dealer.name}库存", kind=WarehouseKind.DEALER,
                                       dealer=dealer)
        if central is None:
            continue
        for part in parts:
            stock.stock_transfer(actor=admin, source=central, target=place, part=part,
                                 quantity=rng.randint(2, 6), reference="经销商备件")


def _history(rng, clock, today, dealers, logins) -> None:
    """Calls each dealer took itself over the last three months, completed (some late)."""
    for dealer in dealers:
        user = logins[dealer.pk]
        customers = list(Customer.objects.filter(dealer.region_q()).order_by("pk")[:40])
        if not customers:
            continue
        for back in (3, 2, 1):
            month = _month_start(today, back)
            for n in range(rng.randint(3, 6)):
                day = month + timedelta(days=rng.randint(0, 26))
                if day >= today:
                    continue
                received = _local(day, rng.randint(8, 17))
                description, kind = rng.choice(OWN_CALLS)
                clock.set(received)
                customer = rng.choice(customers)
                fitted = {}
                if back == 2 and n == 0:  # a part fitted free, its faulty part never sent back
                    customer, fitted = _fitted_in_warranty(dealer, customers, received, customer)
                job = services.dealer_job_record(
                    actor=user, dealer=dealer, customer=customer, kind=kind,
                    description=description, reference=f"{dealer.code}-{month:%y%m}-{n + 1:02d}")
                late = rng.random() < 0.15
                done_at = received + timedelta(hours=rng.randint(30, 40) if late else rng.randint(2, 20))
                clock.set(min(done_at, clock.real_now()))
                services.dealer_job_complete(actor=user, job=job, fault_found=WORK[0],
                                             fault_cause=WORK[1], action_taken=WORK[2],
                                             confirmed_by=job.customer.name,
                                             rating=rng.choice([4, 4, 4, 3, 3, 2]), **fitted)
    clock.set(None)


def _fitted_in_warranty(dealer, customers, at, default) -> tuple:
    """A customer of the dealer's with a unit in warranty on ``at`` and one part of the dealer's
    stock fitted free on it — its faulty part is owed back and, never sent, the daily sweep that
    ``make demo`` runs counts it as kept and invoicing invoices it to the dealer. (``default``,
    nothing fitted, if there is no such unit or no stock.)"""
    place = Warehouse.objects.filter(dealer=dealer).first()
    part_id = (StockMove.objects.filter(warehouse=place).order_by("pk")
               .values_list("part", flat=True).first() if place else None)
    if part_id is None:
        return default, {}
    for customer in customers:
        for product in InstalledProduct.objects.filter(customer=customer).order_by("pk"):
            terms = service_request_terms(product=product, reported_at=at,
                                          centre=dealer.service_centre)
            if not terms.chargeable:
                return customer, {"installed_product": product,
                                  "parts": [(Part.objects.get(pk=part_id), 1)]}
    return default, {}


def _hand_over(clock, dealers, logins) -> None:
    """Today's registered jobs in the dealers' regions go to them; the first is accepted."""
    clock.set(None)
    for dealer in dealers:
        waiting = ServiceRequest.objects.filter(
            status=Status.REGISTERED, service_centre=dealer.service_centre,
            customer__in=Customer.objects.filter(dealer.region_q())).order_by("reported_at")[:2]
        supervisor = User.objects.filter(role=Role.SUPERVISOR,
                                         service_centre=dealer.service_centre).first()
        for index, request in enumerate(waiting):
            job = services.job_hand_to_dealer(actor=supervisor, job=request, dealer=dealer,
                                              note="客户本区域，请24小时内处理")
            if index == 0:
                services.dealer_job_accept(actor=logins[dealer.pk], job=job)


def _reports(rng, today, dealers, logins) -> None:
    """The month before last: every dealer reported but the second (overdue); last month: the
    first dealer has reported already."""
    services.monthly_reports_open(today=_month_start(today, 1))
    services.monthly_reports_open(today=today)
    for report in MonthlyReport.objects.filter(state=ReportState.DUE).order_by("month"):
        late_one = report.dealer_id == dealers[1].pk
        if report.month == _month_start(today, 2) and not late_one or \
                report.month == _month_start(today, 1) and report.dealer_id == dealers[0].pk:
            services.monthly_report_submit(
                actor=logins[report.dealer_id], report=report, installs=report.installs,
                repairs=report.repairs, follow_ups=rng.randint(3, 12),
                training=rng.randint(0, 3), parts_replaced=rng.randint(2, 9))
    assert DealerUser.objects.count() == len(dealers)
