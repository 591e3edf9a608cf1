"""Approved and picked parts are reserved (PT-2): what a place holds for material requests approved
(what was free of each line when it was approved) or picked, and not shipped yet, is not free —
another request cannot reserve or pick it, and no job, transfer or loan can take it — until it
is shipped or the request is cancelled. A count or a scrap records what happened and may take it
(the pick or the shipment then finds the shortage)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from aftersales.accounts.tests.factories import ServiceCentreFactory
from aftersales.core.events import event_list
from aftersales.parts import services
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import MaterialRequestStatus as S
from aftersales.parts.models import Warehouse
from aftersales.parts.selectors import balance_list, reserved_quantity, stock_on_hand
from aftersales.service import services as service
from aftersales.service.tests.factories import Cast

from .test_requests import Stores, _job, _request

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock_at):
    clock_at(10, 0, day=date(2026, 11, 20))
    with translation.override("zh-hans"):  # the events' notes read in Chinese
        yield Stores(Cast())


def _picked(world, quantity, picked=None):
    material = _request(world, _job(world), lines=[{"part": world.part, "quantity": quantity}])
    services.material_request_approve(actor=world.cast.supervisor, material_request=material)
    line = material.lines.get()
    return services.material_request_pick(
        actor=world.cast.supervisor, material_request=material,
        picked={line.pk: picked} if picked is not None else None)


def test_what_one_request_picked_another_cannot_pick(world):
    first = _picked(world, 4)  # the store holds 5
    assert reserved_quantity(world.store, world.part) == 4
    second = _request(world, _job(world), lines=[{"part": world.part, "quantity": 2}])
    services.material_request_approve(actor=world.cast.supervisor, material_request=second)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.material_request_pick(actor=world.cast.supervisor, material_request=second)
    message = error.value.message_dict["picked"][0]
    assert "only 1" in message and "on hand 5" in message and "other requests 4" in message
    second.refresh_from_db()
    assert second.status == S.APPROVED and second.lines.get().picked_quantity is None
    # what is free may be picked
    line = second.lines.get()
    services.material_request_pick(actor=world.cast.supervisor, material_request=second,
                                   picked={line.pk: 1})
    assert reserved_quantity(world.store, world.part) == 5
    # shipping the first releases its reservation as its parts leave
    services.material_request_ship(actor=world.cast.supervisor, material_request=first)
    assert reserved_quantity(world.store, world.part) == 1
    assert stock_on_hand(warehouse=world.store, part=world.part) == 1


def test_no_other_move_takes_what_is_picked_but_a_scrap_or_a_count_may(world):
    cast = world.cast
    _picked(world, 4)
    job = _job(world)
    for move in (
        lambda: services.stock_transfer(actor=cast.manager, source=world.store,
                                        target=world.central, part=world.part, quantity=2),
        lambda: services.stock_move(actor=cast.manager, warehouse=world.store, part=world.part,
                                    kind=MoveKind.LOAN_OUT, quantity=2),
        lambda: services.stock_move(actor=cast.manager, warehouse=world.store, part=world.part,
                                    kind=MoveKind.ISSUE, quantity=2, request=job),
    ):
        with translation.override("en"), pytest.raises(ValidationError) as error:
            move()
        assert "Only 1" in str(error.value) and "4 are reserved" in str(error.value)
    assert stock_on_hand(warehouse=world.store, part=world.part) == 5
    services.stock_move(actor=cast.manager, warehouse=world.store, part=world.part,
                        kind=MoveKind.LOAN_OUT, quantity=1)  # the free one
    services.stock_move(actor=cast.manager, warehouse=world.store, part=world.part,
                        kind=MoveKind.SCRAP, quantity=1, note="拣货时摔坏")
    assert stock_on_hand(warehouse=world.store, part=world.part) == 3


def test_a_declined_job_puts_its_picked_parts_back_on_the_shelf(world):
    cast = world.cast
    job = _job(world)
    material = _request(world, job, lines=[{"part": world.part, "quantity": 3}])
    services.material_request_approve(actor=cast.supervisor, material_request=material)
    services.material_request_pick(actor=cast.supervisor, material_request=material)
    assert reserved_quantity(world.store, world.part) == 3
    service.service_request_cancel(actor=cast.supervisor, request=job, note="客户不修了")
    material.refresh_from_db()
    assert material.status == S.CANCELLED
    assert reserved_quantity(world.store, world.part) == 0


def test_the_stock_page_and_the_request_show_what_is_reserved(world, client):
    cast = world.cast
    _picked(world, 4)
    row = balance_list(user=cast.supervisor).get(warehouse=world.store, part=world.part)
    assert (row.quantity, row.reserved) == (5, 4)
    client.force_login(cast.supervisor)
    stock = client.get(reverse("parts:stock_place", args=[world.store.pk])).content.decode()
    holding = (f'{reverse("parts:material_requests")}?status=reserving&amp;'
               f'place={world.store.pk}&amp;part={world.part.pk}')
    assert f'data-reserved><a href="{holding}"' in stock and ">4</a>" in stock
    second = _request(world, _job(world), lines=[{"part": world.part, "quantity": 2}])
    page = client.get(reverse("parts:material_request", args=[second.pk])).content.decode()
    # the store sees that only 1 is free for a request of 2 (the other 4 are picked)
    assert 'data-free>1 <span class="badge overdue">' in page


def _approved(world, quantity, job=None):
    material = _request(world, job or _job(world),
                        lines=[{"part": world.part, "quantity": quantity}])
    return services.material_request_approve(actor=world.cast.supervisor,
                                             material_request=material)


def test_approval_holds_what_is_free_and_a_later_approval_finds_it_short(world):
    first = _approved(world, 4)  # the store holds 5
    assert first.lines.get().reserved_quantity == 4
    assert reserved_quantity(world.store, world.part) == 4
    second = _approved(world, 2)
    assert second.lines.get().reserved_quantity == 1  # the one left free
    reserve = [e for e in event_list(second) if e.action == "reserve"][0]
    assert reserve.data["reserved"] == {"IGN-02": "1"} and "不足" in reserve.note
    assert "全部" in [e for e in event_list(first) if e.action == "reserve"][0].note
    # the first picks all it asked for although only 1 is free to anyone else
    services.material_request_pick(actor=world.cast.supervisor, material_request=first)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.material_request_pick(actor=world.cast.supervisor, material_request=second)
    assert "only 1" in error.value.message_dict["picked"][0]
    # a third approval of the same part holds nothing
    assert _approved(world, 1).lines.get().reserved_quantity == 0
    assert reserved_quantity(world.store, world.part) == 5


def test_a_partial_pick_frees_the_rest_and_a_cancel_frees_all(world):
    first = _approved(world, 4)
    line = first.lines.get()
    services.material_request_pick(actor=world.cast.supervisor, material_request=first,
                                   picked={line.pk: 3})
    line.refresh_from_db()
    assert (line.picked_quantity, line.reserved_quantity) == (3, 3)
    assert reserved_quantity(world.store, world.part) == 3
    second = _approved(world, 2)
    assert second.lines.get().reserved_quantity == 2
    services.material_request_cancel(actor=world.cast.supervisor, material_request=second,
                                     note="客户自己买了")
    assert reserved_quantity(world.store, world.part) == 3


def test_what_is_approved_no_transfer_takes(world):
    _approved(world, 4)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.stock_transfer(actor=world.cast.manager, source=world.store,
                                target=world.central, part=world.part, quantity=2)
    assert "Only 1" in str(error.value) and "4 are reserved" in str(error.value)


def test_the_request_page_shows_what_approval_reserved(world, client):
    _approved(world, 4)
    second = _approved(world, 2)
    client.force_login(world.cast.supervisor)
    page = client.get(reverse("parts:material_request", args=[second.pk])).content.decode()
    # the pick form: 1 held by this request, 1 it can pick (the other 4 held by the first)
    assert "data-reserved>1<" in page
    assert 'data-free>1 <span class="badge overdue">' in page
    assert f'name="picked_{second.lines.get().pk}" value="1"' in page


def test_stock_that_arrives_tops_up_the_oldest_short_approvals_first(world):
    _approved(world, 4)  # the store holds 5
    second = _approved(world, 2)  # holds 1
    third = _approved(world, 3)  # holds 0
    services.stock_move(actor=world.cast.manager, warehouse=world.store, part=world.part,
                        kind=MoveKind.RECEIPT, quantity=2)
    assert second.lines.get().reserved_quantity == 2  # the oldest is served first
    assert third.lines.get().reserved_quantity == 1
    topped = [e for e in event_list(third) if e.action == "reserve"][-1]
    assert topped.data == {"reserved": {"IGN-02": "1"}, "place": world.store.pk,
                           "topped_up": True}
    assert "1 / 3" in topped.note or "1 of 3" in topped.note
    # a transfer in tops up as well; nothing is held beyond what is on hand
    services.stock_transfer(actor=world.cast.manager, source=world.central, target=world.store,
                            part=world.part, quantity=5)
    assert third.lines.get().reserved_quantity == 3
    assert reserved_quantity(world.store, world.part) == 9
    assert stock_on_hand(warehouse=world.store, part=world.part) == 12


def test_the_reserved_figure_leads_to_the_requests_holding_the_part(world, client):
    first = _approved(world, 4)
    picked = _picked(world, 1)
    _request(world, _job(world), lines=[{"part": world.part, "quantity": 1}])  # not approved
    _request(world, _job(world), lines=[{"part": world.valve, "quantity": 1}])  # another part
    client.force_login(world.cast.supervisor)
    page = client.get(reverse("parts:material_requests"), {
        "status": "reserving", "place": world.store.pk, "part": world.part.pk})
    assert [m.number for m in page.context["page"].object_list] == [picked.number, first.number]
    assert "data-holding" in page.content.decode()
    # a place the user may not see is no filter at all, not another centre's list
    other = Warehouse.objects.create(code="S-OTHER", name="别的中心库", kind=WarehouseKind.CENTRE,
                                     service_centre=ServiceCentreFactory())
    page = client.get(reverse("parts:material_requests"), {
        "status": "reserving", "place": other.pk})
    assert page.context["place"] is None
