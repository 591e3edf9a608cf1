"""Cases along their paths (EC-1…EC-3): fee rules, the 7-day window, inspected returns with
their refund note, discounts, refunds only, exchanges, repairs passed to service."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aftersales.core.exceptions import IllegalTransition
from aftersales.invoicing.selectors import credit_notes_for
from aftersales.service.choices import Channel
from aftersales.service.tests.factories import Cast
from aftersales.shop import services
from aftersales.shop.choices import CaseState, FeePayer
from aftersales.shop.models import Order, ShippingFeeRule, ShopCase

from .factories import ShopFactory, order_values, sh

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock_at):
    clock_at(10, 0, day=sh(2026, 11, 8, 0, 0).date())
    cast = Cast()
    shop = ShopFactory()
    order = services.order_create(actor=cast.agent, shop=shop, **order_values())
    return cast, shop, order


def test_order_by_hand_matches_the_buyer_by_normalised_phone(world):
    cast, shop, order = world
    assert order.customer.phone == "+8613800138000"
    again = services.order_create(actor=cast.agent, shop=shop,
                                  **order_values(number="T1002", buyer_phone="+86 13800138000"))
    assert again.customer_id == order.customer_id
    with pytest.raises(ValidationError) as err:
        services.order_create(actor=cast.agent, shop=shop, **order_values())
    assert "number" in err.value.message_dict
    assert Order.objects.count() == 2


def test_bad_order_is_refused_with_field_messages_and_nothing_saved(world):
    cast, shop, _order = world
    with pytest.raises(ValidationError) as err:
        services.order_create(actor=cast.agent, shop=shop, **order_values(
            number="X1", buyer_phone="12345", paid_amount="-1"))
    assert {"paid_amount"} <= set(err.value.message_dict)
    assert not Order.objects.filter(number="X1").exists()


@pytest.mark.parametrize(("reason", "payer"), [
    ("quality", FeePayer.SHOP), ("wrong_item", FeePayer.SHOP), ("no_reason", FeePayer.BUYER),
    ("courier_damage", FeePayer.REFUSE), ("other", FeePayer.BUYER)])
def test_each_shipping_fee_rule(world, reason, payer):
    cast, _shop, order = world
    case = services.case_open(actor=cast.agent, order=order, kind="return", reason=reason)
    assert case.fee_payer == payer


def test_the_fee_table_is_editable(world):
    cast, _shop, order = world
    ShippingFeeRule.objects.filter(reason="no_reason").update(payer=FeePayer.SHOP)
    case = services.case_open(actor=cast.agent, order=order, kind="return", reason="no_reason")
    assert case.fee_payer == FeePayer.SHOP


def test_courier_damage_is_refused_delivery_not_a_return(world):
    cast, _shop, order = world
    case = services.case_open(actor=cast.agent, order=order, kind="return",
                              reason="courier_damage")
    with pytest.raises(ValidationError):
        services.case_goods_expect(actor=cast.agent, case=case)
    case.refresh_from_db()
    assert case.state == CaseState.OPEN


def test_no_reason_return_only_within_seven_days_of_delivery(world):
    cast, _shop, order = world  # delivered 4 Nov 15:00 → until 11 Nov 23:59:59
    services.case_open(actor=cast.agent, order=order, kind="return", reason="no_reason",
                       opened_at=sh(2026, 11, 8, 9, 0))
    late = order_values(number="T2", paid_at=sh(2026, 10, 28, 9, 0),
                       shipped_at=sh(2026, 10, 29, 9, 0),
                       delivered_at=sh(2026, 10, 31, 22, 0))  # → 7 Nov
    late_order = services.order_create(actor=cast.agent, shop=order.shop, **late)
    with pytest.raises(ValidationError) as err:
        services.case_open(actor=cast.agent, order=late_order, kind="exchange",
                           reason="no_reason")
    assert "2026-11-07 23:59" in err.value.message_dict["reason"][0]
    # a quality fault is not bound to the 7 days
    services.case_open(actor=cast.agent, order=late_order, kind="return", reason="quality")


def test_inspected_return_refunds_by_the_rules_and_hands_finance_a_refund_note(world):
    cast, _shop, order = world
    case = services.case_open(actor=cast.agent, order=order, kind="return", reason="quality",
                              description="加热管漏水")
    case = services.case_goods_expect(actor=cast.agent, case=case, shipping_fee="18.00",
                                      tracking="SF123")
    case = services.case_goods_receive(actor=cast.agent, case=case)
    case = services.case_goods_inspect(actor=cast.agent, case=case, result="missing",
                                       note="缺少安装支架", deduction="35.50")
    case = services.case_refund(actor=cast.agent, case=case)
    assert case.state == CaseState.REFUNDED
    assert case.refund_amount == Decimal("1299.00") - Decimal("35.50") + Decimal("18.00")
    notes = list(credit_notes_for(case))
    assert len(notes) == 1
    assert notes[0].kind == "refund" and notes[0].amount == case.refund_amount
    assert notes[0].customer_id == order.customer_id
    assert sum(line.amount for line in notes[0].lines.all()) == case.refund_amount
    from aftersales.core.events import event_list

    actions = [e.action for e in event_list(case)]
    assert actions[:5] == ["open", "goods_expect", "goods_receive", "goods_inspect", "refund"]
    with pytest.raises(IllegalTransition):
        services.case_refund(actor=cast.agent, case=case)
    assert len(list(credit_notes_for(case))) == 1


def test_a_return_refunds_only_after_inspection(world):
    cast, _shop, order = world
    case = services.case_open(actor=cast.agent, order=order, kind="return", reason="quality")
    with pytest.raises(IllegalTransition):
        services.case_goods_inspect(actor=cast.agent, case=case, result="pass")
    assert ShopCase.objects.get(pk=case.pk).state == CaseState.OPEN


def test_discount_instead_of_return_at_most_the_shipping_fee(world):
    cast, shop, order = world
    case = services.case_open(actor=cast.agent, order=order, kind="return", reason="quality")
    with pytest.raises(ValidationError):
        services.case_discount_offer(actor=cast.agent, case=case, amount="12.01")
    case = services.case_discount_offer(actor=cast.agent, case=case, amount="10")
    case = services.case_discount_answer(actor=cast.agent, case=case, accepted=False)
    assert case.state == CaseState.OPEN and case.discount == 0
    assert not list(credit_notes_for(case))
    case = services.case_discount_offer(actor=cast.agent, case=case, amount="8.00")
    case = services.case_discount_answer(actor=cast.agent, case=case, accepted=True)
    assert case.state == CaseState.REFUNDED and case.refund_amount == Decimal("8.00")
    assert [n.amount for n in credit_notes_for(case)] == [Decimal("8.00")]


def test_refund_only_at_most_what_was_paid(world):
    cast, _shop, order = world
    case = services.case_open(actor=cast.agent, order=order, kind="refund_only",
                              reason="quality", goods_amount="100")
    with pytest.raises(ValidationError):
        services.case_refund(actor=cast.agent, case=case, amount="1299.01")
    case = services.case_refund(actor=cast.agent, case=case, amount="100.005")
    assert case.refund_amount == Decimal("100.01")


def test_exchange_ships_a_replacement_after_inspection(world):
    cast, _shop, order = world
    case = services.case_open(actor=cast.agent, order=order, kind="exchange", reason="wrong_item")
    case = services.case_goods_expect(actor=cast.agent, case=case, shipping_fee="12")
    case = services.case_goods_receive(actor=cast.agent, case=case)
    case = services.case_goods_inspect(actor=cast.agent, case=case, result="pass")
    case = services.case_replacement_ship(actor=cast.agent, case=case,
                                          replacement="电热水器 50L 新机", tracking="SF999")
    assert case.state == CaseState.EXCHANGED and case.tracking == "SF999"


def test_repair_case_becomes_a_service_request(world):
    cast, _shop, order = world
    case = services.case_open(actor=cast.agent, order=order, kind="repair",
                              description="安装后不加热")
    case = services.case_transfer(actor=cast.agent, case=case)
    assert case.state == CaseState.TRANSFERRED
    request = case.service_request
    assert request.customer_id == order.customer_id and request.channel == Channel.PLATFORM
    assert order.number in request.description


def test_a_technician_cannot_open_cases(world):
    cast, _shop, order = world
    from aftersales.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.case_open(actor=cast.technician, order=order, kind="presale")
    assert not ShopCase.objects.exists()


def test_a_case_escalated_later_counts_as_a_dispute(world):
    from aftersales.shop.selectors import shop_metrics

    cast, shop, order = world
    case = services.case_open(actor=cast.agent, order=order, kind="refund_only", reason="quality")
    assert shop_metrics(shop)["disputes30"] == 0
    case = services.case_dispute_set(actor=cast.agent, case=case, dispute=True, note="买家申请介入")
    assert shop_metrics(shop)["disputes30"] == 1
    again = services.case_dispute_set(actor=cast.agent, case=case, dispute=True)
    assert again.version == case.version  # nothing changed, no event
    from aftersales.core.events import event_list

    assert [e.action for e in event_list(case)].count("dispute_set") == 1


def test_an_exchanged_part_leaves_the_centre_store_through_the_parts_ledger(world):
    from aftersales.parts import services as parts_services
    from aftersales.parts.choices import MoveKind, WarehouseKind
    from aftersales.parts.models import StockMove, Warehouse
    from aftersales.parts.selectors import stock_on_hand
    from aftersales.parts.tests.factories import PartFactory

    cast, _shop, order = world
    store = Warehouse.objects.create(code="S-SHOP", name="中心库", kind=WarehouseKind.CENTRE,
                                     service_centre=cast.centre)
    part = PartFactory(code="WH-50L")
    case = services.case_open(actor=cast.agent, order=order, kind="exchange", reason="wrong_item")
    case = services.case_goods_expect(actor=cast.agent, case=case, shipping_fee="12")
    case = services.case_goods_receive(actor=cast.agent, case=case)
    case = services.case_goods_inspect(actor=cast.agent, case=case, result="pass")
    # not in the store: refused, nothing changed
    with pytest.raises(ValidationError):
        services.case_replacement_ship(actor=cast.agent, case=case, replacement="新机", part=part)
    case.refresh_from_db()
    assert case.state != CaseState.EXCHANGED and not StockMove.objects.filter(part=part).exists()
    parts_services.stock_move(actor=cast.manager, warehouse=store, part=part,
                              kind=MoveKind.RECEIPT, quantity=2)
    case = services.case_replacement_ship(actor=cast.agent, case=case, replacement="新机",
                                          part=part, tracking="SF1")
    assert case.state == CaseState.EXCHANGED and case.replacement_part == part
    move = StockMove.objects.get(part=part, kind=MoveKind.SHIP)
    assert move.warehouse == store and move.quantity == -1 and move.reference == order.number
    assert stock_on_hand(warehouse=store, part=part) == 1
