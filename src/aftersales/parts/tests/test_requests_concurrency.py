"""Two store clerks ship the same material request at the same moment: one ships, the other is
refused (409); the stock moves exactly once and one shipping order number is used."""


import pytest

from aftersales.core.exceptions import ConflictError
from aftersales.core.models import DocumentCounter
from aftersales.core.tests.concurrency import at_once
from aftersales.parts import services
from aftersales.parts.choices import MoveKind
from aftersales.parts.models import MaterialRequest, StockMove
from aftersales.parts.selectors import stock_on_hand
from aftersales.service.choices import Status
from aftersales.service.tests.factories import Cast, drive, new_request

from .test_requests import Stores

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

WORKERS = 4


def test_concurrent_ships_of_one_request_move_the_stock_once():
    world = Stores(Cast())
    cast = world.cast
    job = drive(new_request(cast), cast, Status.ASSIGNED)
    material = services.material_request_create(
        actor=cast.technician, request=job, lines=[{"part": world.part, "quantity": 2}])
    services.material_request_approve(actor=cast.supervisor, material_request=material)
    services.material_request_pick(actor=cast.supervisor, material_request=material)
    clerks = [cast.supervisor, cast.agent, cast.manager, cast.supervisor]
    def ship(index):
        mine = MaterialRequest.objects.get(pk=material.pk)
        return services.material_request_ship(actor=clerks[index],
                                              material_request=mine).shipping_number

    outcomes = at_once(ship, WORKERS, outcomes={ConflictError: None})

    shipped = [n for n in outcomes if n]
    assert len(shipped) == 1, outcomes
    material.refresh_from_db()
    assert material.shipping_number == shipped[0]
    assert StockMove.objects.filter(kind=MoveKind.TRANSFER_OUT).count() == 1
    assert stock_on_hand(warehouse=world.van, part=world.part) == 2
    assert stock_on_hand(warehouse=world.store, part=world.part) == 3
    assert DocumentCounter.objects.get(doc_type="shipping_order").last == 1  # no gap
