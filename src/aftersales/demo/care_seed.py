"""Demo data for customer care: the demo's key-account customers get an account manager (the
centre's supervisors and the service department's managers); some have visit plans and past
visits; a few referrals; then the daily care work runs once (FB-6 visits due for new
installations, today's care messages); a product notice sent to a model's recent buyers and
another one still a draft; three influence centres with the prospects they sent; a user forum
held last month and a product talk planned for next week."""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.care import services as care
from aftersales.care.choices import ReferralStatus, VisitorLevel
from aftersales.core.dates import local_today
from aftersales.customers.choices import CustomerKind
from aftersales.customers.models import Customer, InstalledProduct, ProductModel

PROSPECTS = ["江南宾馆", "东湖物业", "新城幼儿园", "明珠洗浴中心", "顺发餐饮", "绿地公寓前台",
             "陈先生", "刘女士", "周先生", "吴女士"]
NOTES = ["设备运行正常，客户满意", "介绍了新款节能机型", "提醒定期除垢", "客户询问延保",
         "检查了安装环境，排烟良好"]


def seed_care(rng, admin) -> None:
    today = local_today()
    managers = list(User.objects.filter(role__in=[Role.SUPERVISOR, Role.MANAGER], is_active=True)
                    .order_by("username"))
    if not managers:
        return
    accounts = list(Customer.objects.filter(kind=CustomerKind.KEY_ACCOUNT).order_by("id")[:40])
    companies = list(Customer.objects.filter(kind=CustomerKind.COMPANY).order_by("id")[:8])
    for customer in accounts + companies[: max(0, 12 - len(accounts))]:
        manager = rng.choice(managers)
        care.key_account_mark(actor=admin, customer=customer, manager=manager,
                              since=today - timedelta(days=rng.randint(30, 700)))
        if rng.random() < 0.6:
            plan = care.visit_plan_create(
                actor=admin, customer=customer, visitor=manager,
                level=rng.choice([VisitorLevel.SENIOR, VisitorLevel.STAFF]),
                starts_on=today - timedelta(days=rng.randint(0, 60)))
            if rng.random() < 0.7:
                care.visit_record(actor=manager, customer=customer, plan=plan,
                                  visited_on=today - timedelta(days=rng.randint(3, 50)),
                                  note=rng.choice(NOTES))
    referrers = list(Customer.objects.filter(products__isnull=False).distinct()
                     .order_by("id")[:200])
    newcomers = list(Customer.objects.filter(referred_by__isnull=True).order_by("-id")[:5])
    for n, prospect in enumerate(PROSPECTS):
        referrer = rng.choice(referrers) if referrers else None
        if referrer is None:
            break
        referral = care.referral_create(actor=admin, referrer=referrer, prospect_name=prospect,
                                        prospect_phone=f"139{rng.randint(10000000, 99999999)}")
        if n < len(newcomers) // 2 and newcomers[n].pk != referrer.pk:
            care.referral_close(actor=admin, referral=referral, status=ReferralStatus.WON,
                                referred=newcomers[n])
        elif rng.random() < 0.2:
            care.referral_close(actor=admin, referral=referral, status=ReferralStatus.LOST)
    care.care_daily(day=today)
    _notices(admin, today)
    _centres(rng, admin, managers, today)
    _seminars(rng, admin, managers, accounts, today)


UPGRADE = ("{customer}您好：您购买的{product}（序列号 {serial}）可免费升级燃烧器组件，提升冬季低温"
           "点火性能。请拨打服务热线预约上门，升级不收任何费用。{company}")
FROST = ("{customer}您好：冬季来临，请为您的{product}做好防冻：长期不用时排空机内存水，保持电源接通"
         "以启用防冻功能。如需上门检查，请拨打服务热线。{company}")


def _notices(admin, today) -> None:
    """CR-1 product notices: one sent to the last quarter's buyers of the most common model,
    one draft for the second."""
    common = list(InstalledProduct.objects.values("model").annotate(n=Count("id"))
                  .order_by("-n", "model").values_list("model", flat=True)[:2])
    if not common:
        return
    models = {m.pk: m for m in ProductModel.objects.filter(pk__in=common)}
    notice = care.product_notice_save(actor=admin, product_model=models[common[0]],
                                      subject="燃烧器免费升级", text=UPGRADE,
                                      purchased_from=today - timedelta(days=90),
                                      purchased_to=today)
    try:
        care.product_notice_send(actor=admin, notice=notice)
    except ValidationError:  # nobody bought it in the last quarter: it stays a draft
        return
    care.product_notice_deliver(notice_id=notice.pk)
    care.product_notice_save(actor=admin, product_model=models[common[-1]],
                             subject="冬季防冻提醒", text=FROST)


CENTRES = [("东湖物业", "property", "物业服务中心 钱经理"), ("好家装饰设计", "decoration", "设计师 周先生"),
           ("王师傅水电安装", "installer", "王师傅")]
CENTRE_PROSPECTS = ["东湖花园3栋业主", "东湖花园8栋业主", "新装修客户 孙女士", "别墅业主 郑先生",
                    "老小区改造 冯先生", "餐馆老板 褚先生", "茶楼 卫女士"]


def _centres(rng, admin, managers, today) -> None:
    """CR-3 influence centres: a property manager, a decorator and an installer who send
    prospects; some became customers."""
    newcomers = list(Customer.objects.filter(referred_by__isnull=True, referral__isnull=True)
                     .order_by("-id")[5:9])
    prospects = iter(CENTRE_PROSPECTS)
    for n, (name, kind, contact) in enumerate(CENTRES):
        centre = care.influence_centre_save(
            actor=admin, name=name, kind=kind, contact_name=contact,
            phone=f"1380021{n:04d}", address="上海市松江区九亭镇", keeper=managers[n % len(managers)])
        if n < 2:  # the third has not been contacted for long: it shows as due
            care.centre_contact_record(actor=admin, centre=centre, kind="visit",
                                       contacted_on=today - timedelta(days=7 + 40 * n),
                                       note="送去新款产品资料，约定下月再访")
        for _ in range(3 - n):
            prospect = next(prospects, None)
            if prospect is None:
                return
            referral = care.referral_create(actor=admin, centre=centre, prospect_name=prospect)
            if newcomers and rng.random() < 0.6:
                care.referral_close(actor=admin, referral=referral, status=ReferralStatus.WON,
                                    referred=newcomers.pop())


def _seminars(rng, admin, managers, accounts, today) -> None:
    """CR-3 user seminars: a forum held a month ago (who came, what was said, a prospect met
    there) and a product talk next week, its invitations out and some answers in."""
    if not accounts:
        return
    host, zone = managers[0], timezone.get_current_timezone()
    held = care.seminar_save(
        actor=admin, title="热水器用户座谈会", kind="forum", place="九亭服务中心二楼会议室",
        starts_at=datetime.combine(today - timedelta(days=30), time(14, 0), tzinfo=zone),
        service_centre=host.service_centre, host=host, capacity=20,
        agenda="听取用户对产品和服务的意见，介绍冬季使用注意事项。")
    guests = accounts[:8]  # entered afterwards: those who came, as they came
    care.seminar_hold(actor=admin, seminar=held, attended=[], walk_ins=guests[:6],
                      summary="用户反映冬季出水温度波动；希望延长保修期；建议增加滤网清洗提醒。")
    care.referral_create(actor=admin, referrer=guests[0], seminar=held,
                         prospect_name="座谈会上结识的 蒋先生")
    talk = care.seminar_save(
        actor=admin, title="净水器使用与保养讲座", kind="talk", place="东湖花园会所",
        starts_at=datetime.combine(today + timedelta(days=7), time(10, 0), tzinfo=zone),
        service_centre=host.service_centre, host=host, capacity=12,
        agenda="滤芯何时更换、如何自查漏水、保修范围。")
    care.seminar_invite(actor=admin, seminar=talk, customers=accounts[:16])
    for guest in talk.guests.order_by("id")[:9]:
        care.guest_answer(actor=admin, guest=guest,
                          answer="confirm" if rng.random() < 0.7 else "decline")
