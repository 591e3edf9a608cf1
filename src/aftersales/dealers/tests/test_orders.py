"""A dealer orders parts from the maker (PT-1, PT-2): free for a job in warranty, charged at the
price list's cost otherwise or for stock; the service department approves, picks and ships it
from the central warehouse into the dealer's stock; a charged order ships only once the back
office has recorded the dealer's payment in full; a paid order cancelled is refunded."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.ledger import AppendOnlyError
from aftersales.core.models import Notification
from aftersales.core.tests.concurrency import at_once, ok
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.parts import services as parts
from aftersales.parts.choices import MoveKind, PaymentMethod, WarehouseKind
from aftersales.parts.models import (
    MaterialRequest,
    MaterialRequestPayment,
    StockMove,
    Warehouse,
)
from aftersales.parts.models import MaterialRequestStatus as S
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.selectors_requests import material_request_get, material_request_list
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services as service
from aftersales.service.tests.factories import Cast, new_request

from .. import services
from .factories import dealer_login, dealer_make, region_make

DAY = date(2026, 11, 10)


def _world(cast, suffix=""):
    east = region_make(f"PD{suffix}", "浦东", "浦东新区")
    d1 = dealer_make(f"D1{suffix}", "浦东经销商", east, centre=cast.centre)
    d2 = dealer_make(f"D2{suffix}", "闵行经销商", region_make(f"MH{suffix}", "闵行", "闵行区"),
                     centre=cast.centre)
    central = Warehouse.objects.create(code=f"C-1{suffix}", name="总仓",
                                       kind=WarehouseKind.CENTRAL)
    stock = Warehouse.objects.create(code=f"D1-S{suffix}", name="浦东经销商库",
                                     kind=WarehouseKind.DEALER, dealer=d1)
    part = PartFactory(code=f"IGN-1{suffix}", unit_price=Decimal("35.50"))
    valve = PartFactory(code=f"VLV-1{suffix}", name="水阀", unit_price=Decimal("80.00"))
    for p, cost in ((part, "20.00"), (valve, "48.30")):
        parts.part_price_set(actor=cast.manager, part=p, cost=Decimal(cost),
                             price=p.unit_price, valid_from=DAY - timedelta(days=30))
        parts.stock_move(actor=cast.manager, warehouse=central, part=p, kind=MoveKind.RECEIPT,
                         quantity=10)
    return {"cast": cast, "d1": d1, "d2": d2, "u1": dealer_login(d1, f"dealer-1{suffix}"),
            "u2": dealer_login(d2, f"dealer-2{suffix}"), "central": central, "stock": stock,
            "part": part, "valve": valve,
            "accountant": UserFactory(username=f"acct{suffix}", role=Role.ACCOUNTANT,
                                      service_centre=None),
            "east": CustomerFactory(address="上海市浦东新区张江路1号")}


@pytest.fixture
def net(db, clock_at):
    clock_at(10, 0, day=DAY, tick=False)
    return _world(Cast())


def handed(net, **kwargs):
    request = new_request(net["cast"], customer=net["east"], **kwargs)
    return services.job_hand_to_dealer(actor=net["cast"].supervisor, job=request, dealer=net["d1"])


def order(net, *lines, job=None, actor=None):
    return services.dealer_parts_order(actor=actor or net["u1"], job=job, lines=list(lines))


def picked(net, material, **picked_quantities):
    manager = net["cast"].manager
    material = parts.material_request_approve(actor=manager, material_request=material)
    return parts.material_request_pick(actor=manager, material_request=material,
                                       picked=picked_quantities)


def pay(net, material, amount, **kwargs):
    return parts.order_pay(actor=kwargs.pop("actor", net["accountant"]),
                           material_request=material, amount=amount,
                           method=kwargs.pop("method", PaymentMethod.TRANSFER), **kwargs)


def test_an_order_for_stock_is_charged_at_cost_and_ships_only_once_paid_in_full(net):
    material = order(net, (net["part"], 4), (net["valve"], 1))
    assert (material.dealer, material.dealer_job, material.request, material.source,
            material.destination, material.chargeable, material.in_warranty,
            material.status, material.requested_by) == (
        net["d1"], None, None, net["central"], net["stock"], True, False, S.REQUESTED, net["u1"])
    assert material.number.startswith("MR2611")
    assert [(line.part.code, line.quantity, line.unit_price)
            for line in material.lines.order_by("part__code")] == [
        ("IGN-1", 4, Decimal("20.00")), ("VLV-1", 1, Decimal("48.30"))]
    assert parts.order_due(material) == Decimal("128.30")  # what it would cost, all picked

    ignition = material.lines.get(part=net["part"])
    material = picked(net, material, **{str(ignition.pk): "3"})
    assert parts.order_due(material) == Decimal("108.30")  # 3 × 20.00 + 48.30
    told = Notification.objects.get(user=net["u1"])
    assert material.number in told.text and "108.30" in told.text

    manager = net["cast"].manager
    with pytest.raises(ValidationError) as refused:
        parts.material_request_ship(actor=manager, material_request=material)
    assert "108.30" in refused.value.message_dict["payment"][0]
    material.refresh_from_db()
    assert material.status == S.PICKED and not material.shipping_number
    assert not StockMove.objects.filter(kind=MoveKind.TRANSFER_OUT).exists()

    pay(net, material, "100.00", reference="BANK-1")
    with pytest.raises(ValidationError):  # 8.30 still owed
        parts.material_request_ship(actor=manager, material_request=material)
    with pytest.raises(ValidationError) as too_much:
        pay(net, material, "8.31")
    assert "8.30" in too_much.value.message_dict["amount"][0]
    pay(net, material, "8.30", method=PaymentMethod.CASH)
    assert parts.order_paid(material) == Decimal("108.30")

    material = parts.material_request_ship(actor=manager, material_request=material)
    assert material.status == S.SHIPPED and material.shipping_number.startswith("SO")
    assert stock_on_hand(warehouse=net["central"], part=net["part"]) == 7
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 3
    assert stock_on_hand(warehouse=net["stock"], part=net["valve"]) == 1
    material = parts.material_request_receive(actor=net["u1"], material_request=material)
    assert material.status == S.RECEIVED
    actions = [e.action for e in event_list(material)]
    assert actions == ["create", "approve", "reserve", "pick", "payment", "payment", "ship",
                       "receive"]
    payment = [e for e in event_list(material) if e.action == "payment"][0]
    assert (payment.actor, payment.data["amount"], payment.data["owed"],
            payment.data["reference"]) == (net["accountant"], "100.00", "8.30", "BANK-1")


def test_a_job_in_warranty_orders_its_parts_free_and_they_ship_without_payment(net):
    job = handed(net)
    material = order(net, (net["part"], 2), job=job)
    assert (material.dealer_job, material.request, material.chargeable, material.in_warranty) == (
        job, job.request, False, True)
    assert material.lines.get().unit_price is None
    material = picked(net, material)
    assert parts.order_due(material) == 0
    assert not Notification.objects.filter(user=net["u1"], text__contains=material.number
                                           ).exists()  # nothing to pay
    material = parts.material_request_ship(actor=net["cast"].manager, material_request=material)
    assert material.status == S.SHIPPED
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 2
    with pytest.raises(ValidationError):  # a free order takes no payment
        pay(net, material, "1.00")


def test_a_job_out_of_warranty_orders_at_cost(net):
    job = handed(net, product=None, customer_agreed=True)  # no product: the customer pays
    material = order(net, (net["valve"], 2), job=job)
    assert material.chargeable and not material.in_warranty
    assert material.lines.get().unit_price == Decimal("48.30")


def test_an_order_is_the_dealer_logins_own(net):
    job = handed(net)
    with pytest.raises(PermissionDenied):  # another dealer's login, for d1's job
        order(net, (net["part"], 1), job=job, actor=net["u2"])
    with pytest.raises(PermissionDenied):  # HQ ships orders; it does not place them
        order(net, (net["part"], 1), actor=net["cast"].manager)
    mine = order(net, (net["part"], 1))
    assert list(material_request_list(user=net["u1"])) == [mine]
    assert list(material_request_list(user=net["u2"])) == []
    with pytest.raises(Http404):
        material_request_get(user=net["u2"], pk=mine.pk)
    Warehouse.objects.create(code="S-1", name="中心库", kind=WarehouseKind.CENTRE,
                             service_centre=net["cast"].centre)
    workshop = parts.material_request_create(actor=net["cast"].supervisor,
                                             lines=[(net["part"], 1)])
    # the accountant sees dealers' orders (to take their payments), not the centres' requests
    assert list(material_request_list(user=net["accountant"])) == [mine]
    assert workshop in material_request_list(user=net["cast"].supervisor)
    with pytest.raises(PermissionDenied):  # the other dealer cannot cancel it either
        parts.material_request_cancel(actor=net["u2"], material_request=mine, note="不要了")


def test_what_cannot_be_ordered_is_refused_with_the_reason_in_the_user_language(net):
    cheap = PartFactory(code="NEW-1")  # no price list row yet
    with translation.override("zh-hans"), pytest.raises(ValidationError) as no_price:
        order(net, (cheap, 1), (net["part"], 1))
    assert "NEW-1" in no_price.value.message_dict["lines"][0]
    assert "价格" in no_price.value.message_dict["lines"][0]
    free = order(net, (cheap, 1), job=handed(net))  # free: no price needed
    assert free.lines.get().unit_price is None
    done = services.dealer_job_complete(
        actor=net["u1"], job=handed(net), parts=[], fault_found="不点火", fault_cause="积碳",
        action_taken="清洁", confirmed_by="王先生")
    with pytest.raises(ValidationError) as closed:
        order(net, (net["part"], 1), job=done)
    assert list(closed.value.message_dict) == ["job"]
    Warehouse.objects.filter(pk=net["stock"].pk).update(active=False)
    with pytest.raises(ValidationError) as no_place:
        order(net, (net["part"], 1))
    assert "浦东经销商" in no_place.value.message_dict["dealer"][0]
    assert MaterialRequest.objects.count() == 1  # only the free order was made


def test_only_the_back_office_records_a_payment_and_only_for_a_picked_order(net):
    material = order(net, (net["part"], 2))
    with pytest.raises(ValidationError) as early:
        pay(net, material, "40.00")
    assert str(S.REQUESTED.label) in early.value.message_dict["amount"][0]  # not picked yet
    material = picked(net, material)
    for who in (net["u1"], net["cast"].supervisor, net["cast"].technician):
        with pytest.raises(PermissionDenied):
            pay(net, material, "40.00", actor=who)
    for bad in ("abc", "-1", "0", "1.001", "NaN"):
        with pytest.raises(ValidationError) as error:
            pay(net, material, bad)
        assert list(error.value.message_dict) == ["amount"]
    with pytest.raises(ValidationError) as method:
        pay(net, material, "40.00", method=PaymentMethod.REFUND)
    assert list(method.value.message_dict) == ["method"]
    pay(net, material, "40.00", actor=net["cast"].manager)  # the service department may too
    assert parts.order_paid(material) == Decimal("40.00")
    with pytest.raises(AppendOnlyError):  # the ledger is append-only
        MaterialRequestPayment.objects.update(amount=1)
    with pytest.raises(DatabaseError), transaction.atomic():  # the database refuses it too
        with connection.cursor() as cursor:
            cursor.execute("UPDATE parts_materialrequestpayment SET amount = 1")


def test_a_paid_order_cancelled_is_refunded_once(net):
    material = picked(net, order(net, (net["part"], 2)))
    pay(net, material, "25.00")
    material = parts.material_request_cancel(actor=net["u1"], material_request=material,
                                             note="客户不修了")
    assert material.status == S.CANCELLED
    rows = list(MaterialRequestPayment.objects.order_by("id").values_list("amount", "method"))
    assert rows == [(Decimal("25.00"), "transfer"), (Decimal("-25.00"), "refund")]
    assert parts.order_paid(material) == 0
    assert [e.action for e in event_list(material)][-2:] == ["cancel", "refund"]
    assert stock_on_hand(warehouse=net["central"], part=net["part"]) == 10  # never left
    with pytest.raises(ValidationError):
        pay(net, material, "1.00")


def test_a_job_cancelled_cancels_its_paid_order_and_refunds_it(net):
    job = handed(net, product=None, customer_agreed=True)
    material = picked(net, order(net, (net["part"], 1), job=job))
    pay(net, material, "20.00")
    service.service_request_cancel(actor=net["cast"].supervisor, request=job.request,
                                   note="客户取消")
    material.refresh_from_db()
    assert material.status == S.CANCELLED
    assert parts.order_paid(material) == 0
    assert MaterialRequestPayment.objects.filter(method="refund").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_payments_and_shipping_at_once_never_overpay_nor_ship_unpaid(clock_at):
    clock_at(10, 0, day=DAY, tick=False)
    net = _world(Cast(), suffix="-R")
    material = picked(net, order(net, (net["part"], 3)))  # 60.00
    # six clerks record the same full transfer at once: it is counted once
    results = at_once(ok(lambda i: pay(net, material, "60.00", reference="BANK-9")), 6)
    assert results.count("ok") == 1 and results.count("refused") == 5
    assert parts.order_paid(material) == Decimal("60.00")
    # a second order: its payment and its shipment at once — shipped only if paid first
    other = picked(net, order(net, (net["valve"], 1)))  # 48.30
    calls = [lambda: pay(net, other, "48.30"),
             lambda: parts.material_request_ship(actor=net["cast"].manager,
                                                  material_request=other)]
    results = at_once(ok(lambda i: calls[i]()), 2)
    other.refresh_from_db()
    if other.status == S.SHIPPED:
        assert results == ["ok", "ok"] and parts.order_paid(other) == Decimal("48.30")
    else:  # the ship came first and was refused; the payment stands
        assert results == ["ok", "refused"] and other.status == S.PICKED
        assert stock_on_hand(warehouse=net["stock"], part=net["valve"]) == 0
