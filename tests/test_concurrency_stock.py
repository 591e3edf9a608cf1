"""Two technicians drawing the last units at the same moment: exactly as many succeed as there
are units, the others are refused; stock never goes below zero and no move is lost; material
requests approved or picking at once never reserve more than the store holds (real threads with
their own connections, on SQLite and PostgreSQL)."""

import pytest

from aftersales.core.tests.concurrency import at_once, ok
from aftersales.parts import services
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import (
    MaterialRequest,
    MaterialRequestLine,
    StockBalance,
    StockMove,
    Warehouse,
)
from aftersales.parts.selectors import reserved_quantity
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services as service
from aftersales.service.choices import Status
from aftersales.service.models import PartUsage
from aftersales.service.tests.factories import Cast, drive, new_request

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

WORKERS = 8
UNITS = 5


def test_transfers_from_a_store_never_take_more_than_it_holds():
    cast = Cast()
    part = PartFactory(code="LAST-1")
    store = Warehouse.objects.create(code="S-RACE", name="中心库", kind=WarehouseKind.CENTRE,
                                     service_centre=cast.centre)
    depots = [Warehouse.objects.create(code=f"D-RACE-{i}", name=f"区域仓{i}",
                                       kind=WarehouseKind.CENTRAL) for i in range(WORKERS)]
    services.stock_move(actor=cast.manager, warehouse=store, part=part, kind=MoveKind.RECEIPT,
                        quantity=UNITS)
    results = at_once(ok(lambda i: services.stock_transfer(
        actor=cast.manager, source=store, target=depots[i], part=part, quantity=1)), WORKERS)
    assert results.count("ok") == UNITS and results.count("refused") == WORKERS - UNITS
    assert StockBalance.objects.get(warehouse=store, part=part).quantity == 0
    assert StockMove.objects.filter(kind=MoveKind.TRANSFER_OUT).count() == UNITS
    assert StockMove.objects.filter(kind=MoveKind.TRANSFER_IN).count() == UNITS
    assert sum(StockBalance.objects.filter(part=part).values_list("quantity", flat=True)) == UNITS


def test_parts_fitted_at_once_from_one_van_never_overdraw_it():
    cast = Cast()
    part = PartFactory(code="LAST-2")
    van = Warehouse.objects.create(code="V-RACE", name="车载库", kind=WarehouseKind.VAN,
                                   technician=cast.technician)
    services.stock_move(actor=cast.manager, warehouse=van, part=part, kind=MoveKind.RECEIPT,
                        quantity=UNITS)
    jobs = [drive(new_request(cast), cast, Status.ON_SITE) for _ in range(WORKERS)]
    results = at_once(ok(lambda i: service.part_add(actor=cast.technician, request=jobs[i],
                                                    part=part)), WORKERS)
    assert results.count("ok") == UNITS
    assert PartUsage.objects.count() == UNITS
    assert StockMove.objects.filter(kind=MoveKind.ISSUE).count() == UNITS
    assert StockBalance.objects.get(warehouse=van, part=part).quantity == 0


def _requests_of_two(code):
    """An empty centre store, the technician's van, and WORKERS requests of 2 of one part from
    the store for jobs of his: (cast, part, store, requests)."""
    cast = Cast()
    part = PartFactory(code=f"LAST-{code}")
    store = Warehouse.objects.create(code=f"S-{code}", name="中心库", kind=WarehouseKind.CENTRE,
                                     service_centre=cast.centre)
    Warehouse.objects.create(code=f"V-{code}", name="车载库", kind=WarehouseKind.VAN,
                             technician=cast.technician)
    materials = [services.material_request_create(
        actor=cast.technician, request=drive(new_request(cast), cast, Status.ASSIGNED),
        source=store, lines=[{"part": part, "quantity": 2}]) for _ in range(WORKERS)]
    return cast, part, store, materials


def test_requests_picking_the_last_units_at_once_never_reserve_more_than_the_store_holds():
    """Eight material requests of 2 each, approved while the store was empty, pick at once after
    5 arrive (which the oldest two hold in full and the third in part): two are picked, the
    others are refused, and nothing is held beyond the 5 on hand."""
    cast, part, store, materials = _requests_of_two("PICK")
    materials = [services.material_request_approve(actor=cast.supervisor, material_request=m)
                 for m in materials]
    assert reserved_quantity(store, part) == 0
    services.stock_move(actor=cast.manager, warehouse=store, part=part, kind=MoveKind.RECEIPT,
                        quantity=UNITS)
    results = at_once(ok(lambda i: services.material_request_pick(
        actor=cast.supervisor, material_request=materials[i])), WORKERS)
    assert results.count("ok") == 2 and results.count("refused") == WORKERS - 2
    assert reserved_quantity(store, part) == UNITS  # 4 picked, 1 held by the third
    assert sorted(MaterialRequest.objects.filter(status="picked").values_list("pk", flat=True)
                  ) == [materials[0].pk, materials[1].pk]
    assert StockBalance.objects.get(warehouse=store, part=part).quantity == UNITS


def test_requests_approved_at_once_never_reserve_more_than_the_store_holds():
    """Eight material requests of 2 each are approved at once by a store holding 5: all are
    approved, and what they hold adds up to exactly 5 — two hold 2, one holds 1, the rest none."""
    cast, part, store, materials = _requests_of_two("APPR")
    services.stock_move(actor=cast.manager, warehouse=store, part=part, kind=MoveKind.RECEIPT,
                        quantity=UNITS)
    results = at_once(ok(lambda i: services.material_request_approve(
        actor=cast.supervisor, material_request=materials[i])), WORKERS)
    assert results.count("ok") == WORKERS
    held = sorted(MaterialRequestLine.objects.filter(part=part)
                  .values_list("reserved_quantity", flat=True))
    assert held == [0] * (WORKERS - 3) + [1, 2, 2]
    assert reserved_quantity(store, part) == UNITS
