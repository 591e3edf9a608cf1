"""Demo data for complaints (issue 15): the head office's people in the route's departments with
base points and bonuses, the approvers, and a handful of complaints from different channels in
each state of the route — one closed with an allowance (and its penalties), one not upheld, one
whose QA step ran late (an inquiry), one reopened, the rest open at different steps."""

from datetime import timedelta
from decimal import Decimal

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.customers.models import Customer, InstalledProduct

STORIES = [
    # (channel, kind, description, customer request, stop at, outcome)
    ("phone", "quality", "新装热水器三天内两次熄火，出热水忽冷忽热", "上门检查并补偿", "closed",
     ("allowance", "600.00")),
    ("letter", "non_quality", "技术员上门迟到两小时且未提前告知", "要求道歉", "closed",
     ("not_upheld", None)),
    ("visit", "quality", "燃气灶左眼打火困难，已修过一次", "更换整机", "negotiation", None),
    ("ecommerce", "quality", "网店购买的净水器滤芯漏水", "退货", "qa", None),
    ("dealer", "quality", "经销商反映同批次 20 台热水器面板变色", "客户加工中未确定", "manufacturing",
     None),
    ("email", "non_quality", "发票抬头开错，影响报销", "重开发票", "registered", None),
]


def _people(admin):
    from aftersales.complaints.models import ApprovalAuthority, Department, DepartmentMember
    from aftersales.complaints.services.common import defaults_ensure

    defaults_ensure()
    names = {"GMO": ("cp_gmo", "周", "敏"), "QA": ("cp_qa", "吴", "强"), "MFG": ("cp_mfg", "郑", "刚"),
             "RND": ("cp_rnd", "冯", "磊"), "SALES": ("cp_sales", "陈", "静")}
    people = {}
    phones = iter(f"+86139002100{i:02d}" for i in range(1, 20))  # the departments' own numbers
    for code, (username, last, first) in names.items():
        user, created = User.objects.get_or_create(username=username, defaults={
            "role": Role.AGENT, "last_name": last, "first_name": first,
            "password": admin.password, "phone": next(phones)})  # the demo's password
        DepartmentMember.objects.get_or_create(
            department=Department.objects.get(code=code), user=user,
            defaults={"base_points": Decimal("2.00"), "monthly_bonus": Decimal("3000.00")})
        people[code] = user
    mfg = Department.objects.get(code="MFG")
    for username, last, first, points in (("cp_mfg2", "王", "芳", "1.50"),
                                          ("cp_mfg3", "李", "军", "1.00")):
        user, created = User.objects.get_or_create(username=username, defaults={
            "role": Role.AGENT, "last_name": last, "first_name": first,
            "password": admin.password, "phone": next(phones)})
        DepartmentMember.objects.get_or_create(department=mfg, user=user, defaults={
            "base_points": Decimal(points), "monthly_bonus": Decimal("2400.00")})
    for authority in ApprovalAuthority.objects.all():
        authority.users.add(admin)
    ApprovalAuthority.objects.get(level=1).users.add(people["SALES"])
    return people


def seed_complaints(rng, admin, clock) -> None:
    """A few believable complaints, registered some days ago and moved along their route
    (``clock``: demo_seed's simulated clock, moved to each step's moment)."""
    from aftersales.complaints import services
    from aftersales.complaints.models import Department

    now = clock.real_now()
    people = _people(admin)
    desk = User.objects.filter(role=Role.AGENT, service_centre__isnull=False,
                               is_active=True).order_by("username").first() or admin
    customers = list(Customer.objects.filter(kind="individual").order_by("pk")[:40])
    actors = {"registered": "GMO", "qa": "QA", "manufacturing": "MFG", "rnd": "RND",
              "negotiation": "SALES", "review": "GMO"}
    order = ["registered", "qa", "manufacturing", "rnd", "negotiation", "review", "approval",
             "decided", "closed"]
    made = []
    for index, (channel, kind, text, ask, stop, outcome) in enumerate(STORIES):
        customer = rng.choice(customers)
        unit = InstalledProduct.objects.filter(customer=customer).first()
        start = now - timedelta(days=12 - index, hours=rng.randint(0, 5))
        clock.set(start)
        c = services.complaint_register(
            actor=desk, channel=channel, kind=kind, description=text, customer=customer,
            customer_request="" if ask == "客户加工中未确定" else ask,
            still_processing=ask == "客户加工中未确定", installed_product=unit,
            order_ref=f"SO-{start:%y%m}-{rng.randint(100, 999)}",
            quantity=Decimal(rng.choice([1, 1, 2, 20])), reply_channel="sms")
        moment = start
        while c.status != stop:
            moment += timedelta(hours=rng.choice([2, 4, 6]) if not (index == 0 and c.status == "qa")
                                else 100)  # the first one's QA runs late: an inquiry
            fields = {}
            if c.status == "qa":
                upheld = outcome is None or outcome[0] != "not_upheld"
                fields = {"cause": rng.choice(["spec", "inspection", "storage", "other"]) if upheld
                          else "other", "upheld": upheld}
            elif c.status == "negotiation":
                kind_, amount = outcome
                fields = {"proposed_outcome": kind_, "proposed_amount": amount}
            moment = min(moment, now - timedelta(minutes=5))
            clock.set(moment)
            if c.status == "decided":
                if outcome[0] == "allowance":
                    services.responsibility_set(
                        actor=admin, complaint=c, loss_actual="1800.00", lines=[
                            {"department": Department.objects.get(code="MFG"), "ratio": "70"},
                            {"department": Department.objects.get(code="QA"),
                             "person": people["QA"], "ratio": "30", "grade": "warning"}])
                c = services.complaint_close(actor=people["SALES"], complaint=c,
                                             receivable_amount="2400.00")
                continue
            actor = admin if c.status == "approval" else people[actors[c.status]]
            c = services.step_complete(actor=actor, complaint=c, opinion=_opinion(c.status),
                                       **fields)
            assert order.index(c.status) <= order.index(stop)
        made.append(c)
    clock.set(now - timedelta(days=1))
    # the desk of the complaint's own centre reopens it (another centre's desk may not see it)
    reopener = User.objects.filter(role=Role.AGENT, service_centre=made[1].service_centre_id,
                                   is_active=True).order_by("username").first() or admin
    services.complaint_reopen(actor=reopener, complaint=made[1],
                              reason="客户不接受不成立的结论，要求主管上门")
    clock.set(None)


def _opinion(status: str) -> str:
    return {
        "registered": "已登记，编号并送质量管理部",
        "qa": "经现场会勘查明原因，判定责任部门",
        "manufacturing": "分析异常原因，拟定改善对策并列入追踪",
        "rnd": "结构设计无问题，建议加强来料检验",
        "negotiation": "已与客户交涉，客户同意处理方案",
        "review": "综合业务与工厂意见，呈核",
        "approval": "核准",
    }.get(status, "处理")
