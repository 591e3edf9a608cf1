"""Demo data for online shops (issue 13): two shops, a few weeks of orders, cases of every
contact kind at different steps (a refunded return with its refund note, an exchange on its
way, a discount accepted, a repair passed to service), buyers' messages answered in and out of
the 60-minute window, ratings, and ready answers in the three languages."""

from datetime import timedelta
from decimal import Decimal

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.shop import services
from aftersales.shop.choices import CaseKind

BUYERS = [("王芳", "13800138101"), ("李娜", "13900139102"), ("张伟", "13700137103"),
          ("刘洋", "13600136104"), ("陈静", "13500135105"), ("杨磊", "13300133106"),
          ("赵敏", "15800158107"), ("黄勇", "15900159108"), ("周婷", "18600186109"),
          ("吴军", "18800188110"), ("徐丽", "17700177111"), ("孙强", "13100131112")]
GOODS = [("WH-50", "电热水器 50L", Decimal("1299.00")), ("WH-60", "电热水器 60L", Decimal("1599.00")),
         ("GW-12", "燃气热水器 12L", Decimal("1899.00")), ("FL-01", "前置过滤器", Decimal("399.00")),
         ("RO-400", "净水器 400G", Decimal("2299.00"))]
ANSWERS = [
    (CaseKind.LOGISTICS, "物流查询", "{buyer}您好,订单{order}已发货,我们马上帮您查询快递进度,请稍候。",
     "{buyer}您好,訂單{order}已發貨,我們馬上幫您查詢快遞進度,請稍候。",
     "Hello {buyer}, order {order} has shipped; we are checking the courier's progress now."),
    (CaseKind.RETURN, "七天无理由退货", "{buyer}您好,订单{order}于{delivered_at}签收,{return_until}前可七天无理由退货,"
     "退回运费由您承担,商品完好我们收到后即退款。",
     "{buyer}您好,訂單{order}於{delivered_at}簽收,{return_until}前可七天無理由退貨,退回運費由您承擔。",
     "Hello {buyer}, order {order} was delivered on {delivered_at}; you may return it without a "
     "reason until {return_until}. The return shipping is yours to pay."),
    (CaseKind.RETURN, "质量问题退货", "很抱歉给您添麻烦了!质量问题的退货运费由我们承担,请您先垫付,我们收到商品后连同货款一起退还。",
     "很抱歉給您添麻煩了!質量問題的退貨運費由我們承擔,請您先墊付,我們收到商品後連同貨款一起退還。",
     "We are sorry for the trouble! For a quality fault we pay the return shipping: please advance "
     "it and we refund it together with the goods."),
    (CaseKind.EXCHANGE, "换货流程", "{buyer}您好,请填写售后卡片并随商品寄回,我们收到检查后马上为您发出新品。",
     "{buyer}您好,請填寫售後卡片並隨商品寄回,我們收到檢查後馬上為您發出新品。",
     "Hello {buyer}, please fill in the after-sales card and send it back with the goods; we ship "
     "the new one as soon as we have checked them."),
    (CaseKind.PRESALE, "尺寸咨询", "您好,这款热水器需要预留宽度约45厘米的安装空间,欢迎随时咨询!",
     "您好,這款熱水器需要預留寬度約45厘米的安裝空間,歡迎隨時諮詢!",
     "Hello, this water heater needs about 45 cm of width to be installed. Ask us anytime!"),
]


def _desk(admin):
    return User.objects.filter(role=Role.AGENT, is_active=True).order_by("username").first() or admin


def seed_shop(rng, admin, now) -> int:
    """Adds the shops' data as of ``now`` (the demo's real now); returns the number of cases."""
    agent = _desk(admin)
    shops = [services.shop_create(actor=admin, code="tmall-flagship", name="天猫旗舰店",
                                  platform="tmall", shipping_fee=Decimal("12.00")),
             services.shop_create(actor=admin, code="jd-store", name="京东自营店",
                                  platform="jd", shipping_fee=Decimal("10.00"))]
    for kind, title, hans, hant, en in ANSWERS:
        for language, body in (("zh-hans", hans), ("zh-hant", hant), ("en", en)):
            services.answer_save(actor=admin, kind=kind, language=language, title=title, body=body)
    orders = []
    for n in range(36):
        shop = shops[n % 2]
        name, phone = BUYERS[n % len(BUYERS)]
        sku, item, price = rng.choice(GOODS)
        paid = now - timedelta(days=rng.randint(2, 40), hours=rng.randint(0, 12))
        shipped = paid + timedelta(hours=rng.randint(4, 30))
        delivered = shipped + timedelta(days=rng.randint(1, 3))
        order = services.order_create(
            actor=agent, shop=shop, number=f"{shop.platform.upper()}{260000 + n * 7}",
            buyer_name=name, buyer_phone=phone, address="上海市浦东新区",
            items=[{"sku": sku, "name": item, "quantity": 1, "price": str(price)}],
            paid_amount=price, paid_at=paid, shipped_at=shipped,
            delivered_at=delivered if delivered < now else None)
        orders.append(order)
        if order.delivered_at and rng.random() < 0.6:
            services.rating_record(order=order, description=rng.choice([4, 5, 5, 5]),
                                   logistics=rng.choice([3, 4, 5, 5]),
                                   service=rng.choice([4, 5, 5]),
                                   at=order.delivered_at + timedelta(days=1))
    cases = 0
    for i, order in enumerate(orders[:18]):
        if order.delivered_at is None:
            continue
        asked = order.delivered_at + timedelta(hours=rng.randint(1, 40))
        if asked >= now:
            continue
        step = i % 6
        kind = [CaseKind.PRESALE, CaseKind.LOGISTICS, CaseKind.RETURN, CaseKind.EXCHANGE,
                CaseKind.REFUND_ONLY, CaseKind.RETURN][step]
        reason = {CaseKind.RETURN: "quality", CaseKind.EXCHANGE: "wrong_item",
                  CaseKind.REFUND_ONLY: "quality"}.get(kind, "")
        case = services.case_open(actor=agent, order=order, kind=kind, reason=reason,
                                  opened_at=asked, dispute=(kind == CaseKind.REFUND_ONLY),
                                  description="加热很慢,热水不够用" if reason else "")
        cases += 1
        services.message_add(actor=None, case=case, direction="in", body="在吗?想问一下订单的情况",
                             at=asked)
        answered = asked + timedelta(minutes=rng.choice([3, 12, 25, 48, 75, 180]))
        if answered < now:
            services.message_add(actor=agent, case=case, direction="out",
                                 body="您好,在的,请问有什么可以帮您?", at=answered)
        if kind in (CaseKind.PRESALE, CaseKind.LOGISTICS):
            services.case_close(actor=agent, case=case, note="已答复")
        elif kind == CaseKind.RETURN and step == 2:
            case = services.case_goods_expect(actor=agent, case=case, shipping_fee="15.00",
                                              tracking=f"SF{1000 + i}")
            case = services.case_goods_receive(actor=agent, case=case)
            case = services.case_goods_inspect(actor=agent, case=case, result="pass")
            if i < 12:
                services.case_refund(actor=agent, case=case)
        elif kind == CaseKind.EXCHANGE:
            case = services.case_goods_expect(actor=agent, case=case, shipping_fee="12.00")
            if i < 12:
                case = services.case_goods_receive(actor=agent, case=case)
                case = services.case_goods_inspect(actor=agent, case=case, result="pass")
                services.case_replacement_ship(actor=agent, case=case,
                                               replacement=order.items[0]["name"],
                                               tracking=f"SF{2000 + i}")
        elif kind == CaseKind.REFUND_ONLY:
            case = services.case_discount_offer(actor=agent, case=case,
                                                amount=Decimal("8.00"))
            services.case_discount_answer(actor=agent, case=case, accepted=True)
    return cases
