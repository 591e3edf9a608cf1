"""Parts a dealer sends back against its parts order (PT-3: one receiving point for returns):
the store that supplied the order receives them — a numbered document, the parts back into its
stock, a charged order refunded what they cost the dealer — at most what shipped less what came
back before, all in one transaction; the dealer's logins are told and see it on the order."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import translation

from aftersales.accounts.tests.factories import PASSWORD
from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.ledger import AppendOnlyError
from aftersales.core.models import Notification
from aftersales.core.tests.concurrency import at_once, ok
from aftersales.parts import services as parts
from aftersales.parts.choices import MoveKind, PaymentMethod
from aftersales.parts.models import MaterialRequestPayment, OrderReturn, StockMove
from aftersales.parts.models import MaterialRequestStatus as S
from aftersales.parts.selectors import stock_on_hand
from aftersales.service.tests.factories import Cast

from .test_orders import DAY, _world, handed, order, pay, picked


@pytest.fixture
def net(db, clock_at):
    clock_at(10, 0, day=DAY, tick=False)
    with translation.override("zh-hans"):
        yield _world(Cast())


def shipped(net, *lines, paid=None, job=None):
    material = picked(net, order(net, *lines, job=job))
    if paid:
        pay(net, material, paid)
    return parts.material_request_ship(actor=net["cast"].manager, material_request=material)


def back(net, material, actor=None, note="", **by_part):
    """Receive ``by_part`` ({part code: quantity}) back against ``material``."""
    lines = {str(line.pk): by_part[line.part.code]
             for line in material.lines.select_related("part") if line.part.code in by_part}
    return parts.order_return_receive(actor=actor or net["cast"].manager,
                                      material_request=material, lines=lines, note=note)


def test_parts_sent_back_go_back_into_the_store_and_are_refunded(net):
    material = shipped(net, (net["part"], 3), (net["valve"], 1), paid="108.30")
    material = parts.material_request_receive(actor=net["u1"], material_request=material)
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 3
    document = back(net, material, note="顺丰 SF123, 包装完好", **{"IGN-1": "2", "VLV-1": "1"})
    assert document.number.startswith("RT2611") and document.amount == Decimal("88.30")
    assert (document.received_by, document.note) == (net["cast"].manager, "顺丰 SF123, 包装完好")
    assert sorted((line.part.code, line.quantity, line.unit_price, line.amount)
                  for line in document.lines.all()) == [
        ("IGN-1", 2, Decimal("20.00"), Decimal("40.00")),
        ("VLV-1", 1, Decimal("48.30"), Decimal("48.30"))]
    # the parts move from the dealer's stock back into the central warehouse, under its number
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 1
    assert stock_on_hand(warehouse=net["central"], part=net["part"]) == 9
    assert stock_on_hand(warehouse=net["stock"], part=net["valve"]) == 0
    assert stock_on_hand(warehouse=net["central"], part=net["valve"]) == 10
    moves = StockMove.objects.filter(reference=document.number)
    assert sorted((m.warehouse.code, m.kind, m.quantity) for m in moves) == [
        ("C-1", MoveKind.TRANSFER_IN, 1), ("C-1", MoveKind.TRANSFER_IN, 2),
        ("D1-S", MoveKind.TRANSFER_OUT, -2), ("D1-S", MoveKind.TRANSFER_OUT, -1)]
    # the refund: what the order owes is what the dealer kept, and it has paid exactly that
    refund = MaterialRequestPayment.objects.get(method=PaymentMethod.REFUND)
    assert (refund.amount, refund.reference) == (Decimal("-88.30"), document.number)
    assert parts.order_due(material) == parts.order_paid(material) == Decimal("20.00")
    material.refresh_from_db()
    assert material.status == S.RECEIVED  # the order itself does not move
    event = [e for e in event_list(material) if e.action == "return"][0]
    assert (event.actor, event.data["return"], event.data["refund"]) == (
        net["cast"].manager, document.number, "88.30")
    assert event.data["parts"] == {"IGN-1": "2", "VLV-1": "1"}
    told = Notification.objects.filter(user=net["u1"], text__contains=document.number).get()
    assert "88.30" in told.text and material.number in told.text
    # the last ignition part comes back later: the order owes nothing more
    second = back(net, material, **{"IGN-1": "1"})
    assert second.amount == Decimal("20.00") and parts.order_due(material) == 0
    assert parts.order_paid(material) == 0


def test_no_more_comes_back_than_shipped_and_a_refusal_saves_nothing(net):
    material = shipped(net, (net["part"], 3), paid="60.00")
    back(net, material, **{"IGN-1": "2"})
    with pytest.raises(ValidationError) as too_many:
        back(net, material, **{"IGN-1": "2"})
    message = too_many.value.message_dict["lines"][0]
    assert "IGN-1" in message and "已退回 2" in message and "3" in message
    with pytest.raises(ValidationError) as nothing:
        back(net, material)
    assert nothing.value.message_dict["lines"] == ["请填写退回了哪些配件、各多少。"]
    with pytest.raises(ValidationError):
        back(net, material, **{"IGN-1": "0.5"})  # counted in whole pieces
    other = shipped(net, (net["valve"], 1), paid="48.30")
    with pytest.raises(ValidationError) as foreign:
        parts.order_return_receive(actor=net["cast"].manager, material_request=material,
                                   lines={str(other.lines.get().pk): "1"})
    assert material.number in foreign.value.message_dict["lines"][0]
    # the dealer fitted its last one meanwhile: its stock has none, so nothing is saved at all
    parts.stock_move(actor=net["cast"].manager, warehouse=net["stock"], part=net["part"],
                     kind=MoveKind.SCRAP, quantity=1, note="装到客户机上")
    returns, payments = OrderReturn.objects.count(), MaterialRequestPayment.objects.count()
    with pytest.raises(ValidationError):
        back(net, material, **{"IGN-1": "1"})
    assert (OrderReturn.objects.count(), MaterialRequestPayment.objects.count()) == (
        returns, payments)
    assert material.lines.get().returned_quantity == 2
    assert parts.order_due(material) == Decimal("20.00")


def test_only_a_shipped_dealers_order_takes_parts_back_and_only_at_its_store(net):
    unshipped = picked(net, order(net, (net["part"], 1)))
    with pytest.raises(ValidationError) as early:
        back(net, unshipped, **{"IGN-1": "1"})
    assert unshipped.number in early.value.message_dict["lines"][0]
    material = shipped(net, (net["part"], 2), paid="40.00")
    for outsider in (net["u1"], net["accountant"], net["cast"].technician,
                     net["cast"].supervisor):
        with pytest.raises(PermissionDenied):
            back(net, material, actor=outsider, **{"IGN-1": "1"})
    assert not parts.may_receive_return(net["u1"], material)
    assert parts.may_receive_return(net["cast"].manager, material)
    assert not OrderReturn.objects.exists()


def test_a_free_orders_parts_come_back_without_a_refund(net):
    job = handed(net)
    material = shipped(net, (net["part"], 2), job=job)  # in warranty: free
    assert not material.chargeable
    document = back(net, material, **{"IGN-1": "1"})
    assert document.amount == 0 and document.lines.get().unit_price is None
    assert not MaterialRequestPayment.objects.exists()
    assert stock_on_hand(warehouse=net["central"], part=net["part"]) == 9


def test_a_return_is_a_document_never_changed(net):
    material = shipped(net, (net["part"], 1), paid="20.00")
    document = back(net, material, **{"IGN-1": "1"})
    document.note = "改"
    with pytest.raises(AppendOnlyError):
        document.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE parts_orderreturn SET amount = 0 WHERE id = %s", [document.pk])


def test_the_store_receives_on_the_orders_page_and_the_dealer_sees_it(net, client):
    material = shipped(net, (net["part"], 3), (net["valve"], 1), paid="108.30")
    url = reverse("parts:material_request", args=[material.pk])
    client.login(username=net["cast"].manager.username, password=PASSWORD)
    page = client.get(url).content.decode()
    assert "data-send-back" in page and "收到经销商退回的配件" in page
    ignition = material.lines.get(part=net["part"])
    response = client.post(reverse("parts:material_request_return", args=[material.pk]),
                           {f"back_{ignition.pk}": "5", "note": ""}, follow=True)
    assert "IGN-1" in response.content.decode() and not OrderReturn.objects.exists()
    response = client.post(reverse("parts:material_request_return", args=[material.pk]),
                           {f"back_{ignition.pk}": "3", "note": "退回"}, follow=True)
    document = OrderReturn.objects.get()
    page = response.content.decode()
    assert document.number in page and "总仓" in page and "¥60.00" in page
    client.logout()
    client.login(username=net["u1"].username, password=PASSWORD)
    page = client.get(url).content.decode()
    assert document.number in page and "data-send-back" not in page
    response = client.post(reverse("parts:material_request_return", args=[material.pk]),
                           {f"back_{material.lines.get(part=net['valve']).pk}": "1"})
    assert response.status_code == 403 and OrderReturn.objects.count() == 1


def test_the_api_receives_parts_sent_back(net, client):
    material = shipped(net, (net["part"], 3), paid="60.00")
    line = material.lines.get()
    url = f"/api/v1/material-requests/{material.pk}/returns/"
    client.force_login(net["u1"])
    assert client.post(url, {"lines": {str(line.pk): "1"}},
                       content_type="application/json").status_code == 403
    client.force_login(net["cast"].manager)
    response = client.post(url, {"lines": {str(line.pk): "4"}}, content_type="application/json")
    assert response.status_code == 400 and "IGN-1" in str(response.json())
    response = client.post(url, {"lines": {str(line.pk): "1"}, "note": "SF1"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount_due"] == body["amount_paid"] == "40.00"
    assert body["lines"][0]["returned_quantity"] == "1.000"
    (returned,) = body["order_returns"]
    assert (returned["amount"], returned["note"], returned["lines"][0]["quantity"]) == (
        "20.00", "SF1", "1.000")


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_clerks_receiving_the_last_parts_at_once_count_them_once(clock_at):
    clock_at(10, 0, day=DAY, tick=False)
    net = _world(Cast(), suffix="-B")
    material = shipped(net, (net["part"], 2), paid="40.00")
    line = material.lines.get()
    results = at_once(ok(lambda i: parts.order_return_receive(
        actor=net["cast"].manager, material_request=material, lines={str(line.pk): "2"})), 4)
    assert results.count("ok") == 1 and results.count("refused") == 3
    assert OrderReturn.objects.count() == 1
    assert parts.order_paid(material) == 0
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 0
    assert stock_on_hand(warehouse=net["central"], part=net["part"]) == 10


def test_the_form_goes_once_everything_has_come_back(net, client):
    material = shipped(net, (net["part"], 2), paid="40.00")
    client.login(username=net["cast"].manager.username, password=PASSWORD)
    url = reverse("parts:material_request", args=[material.pk])
    assert "data-send-back" in client.get(url).content.decode()
    back(net, material, **{"IGN-1": "2"})
    page = client.get(url).content.decode()
    assert "data-send-back" not in page and "data-order-return" in page
