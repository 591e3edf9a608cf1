"""Material requests (PT-2): the state diagram with the wait for the customer's agreement,
declined → cancelled and escalated, numbering, stock moved exactly once at shipping, access."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from aftersales.accounts.tests.factories import ServiceCentreFactory
from aftersales.core.events import event_list
from aftersales.core.exceptions import IllegalTransition, PermissionDenied
from aftersales.core.models import Notification
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.parts import services
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import MaterialRequest, StockMove, Warehouse
from aftersales.parts.models import MaterialRequestStatus as S
from aftersales.parts.selectors import reserved_quantity, stock_on_hand
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services as service
from aftersales.service.choices import Status
from aftersales.service.tests.factories import Cast, drive, new_request

pytestmark = pytest.mark.django_db


class Stores:
    """A centre with a store, a technician with a van, a central warehouse, two parts."""

    def __init__(self, cast: Cast):
        self.cast = cast
        code = cast.centre.code
        self.central = Warehouse.objects.get_or_create(
            code="CENTRAL", defaults={"name": "总仓", "kind": WarehouseKind.CENTRAL})[0]
        self.store = Warehouse.objects.create(code=f"S-{code}", name="中心库",
                                              kind=WarehouseKind.CENTRE,
                                              service_centre=cast.centre)
        self.van = Warehouse.objects.create(code=f"V-{code}", name="车载库",
                                            kind=WarehouseKind.VAN, technician=cast.technician)
        self.part = PartFactory(code="IGN-02")
        self.valve = PartFactory(code="VLV-01", name="水阀")
        for place in (self.central, self.store):
            for part in (self.part, self.valve):
                services.stock_move(actor=cast.manager, warehouse=place, part=part,
                                    kind=MoveKind.RECEIPT, quantity=5)


@pytest.fixture
def world(clock_at):
    clock_at(10, 0, day=date(2026, 11, 20))
    return Stores(Cast())


def _job(world, status=Status.ASSIGNED):
    return drive(new_request(world.cast), world.cast, status)


def _chargeable_job(world):
    cast = world.cast
    customer = CustomerFactory(service_centre=cast.centre)
    old = InstalledProductFactory(customer=customer,
                                  purchased_on=date(2026, 11, 20) - timedelta(days=800))
    job = new_request(cast, customer=customer, product=old)
    assert (job.chargeable, job.status) == (True, Status.AWAITING_AGREEMENT)
    return job


def _request(world, job, actor=None, lines=None):
    return services.material_request_create(
        actor=actor or world.cast.technician, request=job,
        lines=[{"part": world.part, "quantity": 2}] if lines is None else lines)


def test_a_technician_requests_parts_for_his_job_numbered_and_with_its_warranty(world):
    job = _job(world)
    first = _request(world, job)
    second = _request(world, job, lines=[(world.valve, "1")])
    assert (first.number, second.number) == ("MR26110001", "MR26110002")
    assert first.status == S.REQUESTED
    assert (first.source, first.destination) == (world.store, world.van)
    assert (first.in_warranty, first.chargeable) == (job.in_warranty, job.chargeable)
    assert [(line.part.code, line.quantity) for line in first.lines.all()] == [("IGN-02", 2)]
    assert [e.action for e in event_list(first)] == ["create"]


def test_the_whole_way_request_approve_pick_ship_receive(world):
    cast, job = world.cast, _job(world)
    material = _request(world, job, lines=[{"part": world.part, "quantity": 3},
                                           {"part": world.valve, "quantity": 1}])
    services.material_request_approve(actor=cast.supervisor, material_request=material)
    part_line, valve_line = material.lines.order_by("id")
    material = services.material_request_pick(
        actor=cast.agent, material_request=material,
        picked={part_line.pk: "2", valve_line.pk: "0"})
    assert stock_on_hand(warehouse=world.store, part=world.part) == 5  # picking moves nothing
    material = services.material_request_ship(actor=cast.supervisor, material_request=material)
    assert material.shipping_number == "SO26110001"
    assert stock_on_hand(warehouse=world.store, part=world.part) == 3
    assert stock_on_hand(warehouse=world.van, part=world.part) == 2
    assert stock_on_hand(warehouse=world.van, part=world.valve) == 0  # none picked, none sent
    moves = StockMove.objects.filter(reference="SO26110001")
    assert sorted((m.warehouse.code, m.kind, m.quantity) for m in moves) == sorted([
        (world.store.code, MoveKind.TRANSFER_OUT, -2), (world.van.code, MoveKind.TRANSFER_IN, 2)])
    material = services.material_request_receive(actor=cast.technician, material_request=material)
    material.refresh_from_db()
    assert material.status == S.RECEIVED and material.received_at is not None
    assert StockMove.objects.filter(reference="SO26110001").count() == 2  # receipt moves nothing
    assert [e.action for e in event_list(material)] == [
        "create", "approve", "reserve", "pick", "ship", "receive"]


def test_shipping_twice_moves_the_stock_once(world):
    cast = world.cast
    material = _request(world, _job(world))
    services.material_request_approve(actor=cast.supervisor, material_request=material)
    services.material_request_pick(actor=cast.supervisor, material_request=material)
    services.material_request_ship(actor=cast.supervisor, material_request=material)
    with pytest.raises(IllegalTransition):
        services.material_request_ship(actor=cast.supervisor, material_request=material)
    assert stock_on_hand(warehouse=world.van, part=world.part) == 2
    assert StockMove.objects.filter(kind=MoveKind.TRANSFER_OUT).count() == 1


def test_not_enough_in_the_store_refuses_the_shipment_and_changes_nothing(world):
    cast = world.cast
    material = _request(world, _job(world), lines=[{"part": world.part, "quantity": 5}])
    services.material_request_approve(actor=cast.supervisor, material_request=material)
    services.material_request_pick(actor=cast.supervisor, material_request=material)
    services.stock_move(actor=cast.manager, warehouse=world.store, part=world.part,
                        kind=MoveKind.SCRAP, quantity=1, note="摔坏")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.material_request_ship(actor=cast.supervisor, material_request=material)
    assert "Only 4" in str(error.value)
    material.refresh_from_db()
    assert (material.status, material.shipping_number) == (S.PICKED, "")
    assert stock_on_hand(warehouse=world.van, part=world.part) == 0


def test_out_of_warranty_the_request_waits_for_the_customers_agreement(world):
    cast = world.cast
    job = _chargeable_job(world)
    material = _request(world, job, actor=cast.supervisor)
    assert material.status == S.WAITING_AGREEMENT
    assert (material.chargeable, material.in_warranty) == (True, False)
    # nobody dispatched yet: the parts go to the centre's store, from the central warehouse
    assert (material.source, material.destination) == (world.central, world.store)
    with pytest.raises(IllegalTransition):
        services.material_request_approve(actor=cast.manager, material_request=material)
    service.service_request_agree(actor=cast.agent, request=job)
    material.refresh_from_db()
    assert material.status == S.APPROVED
    assert [e.action for e in event_list(material)] == ["create", "wait", "agreed", "reserve"]
    # agreed is approved: what it asks for is held in the central warehouse, as any approval
    assert reserved_quantity(world.central, world.part) == 2


def test_declined_the_request_is_cancelled_and_escalated_to_the_supervisors(world):
    cast = world.cast
    other_centre = Cast(ServiceCentreFactory())
    job = _chargeable_job(world)
    material = _request(world, job, actor=cast.supervisor)
    service.service_request_decline(actor=cast.agent, request=job, note="太贵")
    material.refresh_from_db()
    assert material.status == S.CANCELLED
    last = list(event_list(material))[-1]
    assert (last.action, last.from_state, last.to_state) == ("refused", S.WAITING_AGREEMENT,
                                                             S.CANCELLED)
    assert last.data["escalated"] is True and last.data["reason"] == "declined"
    notices = Notification.objects.all()
    assert [n.user for n in notices] == [cast.supervisor]
    assert material.number in notices[0].text and notices[0].level == "warning"
    assert not Notification.objects.filter(user=other_centre.supervisor).exists()


def test_a_cancelled_job_cancels_its_unshipped_requests(world):
    cast = world.cast
    job = _job(world)
    material = _request(world, job)
    service.service_request_cancel(actor=cast.agent, request=job, note="客户取消")
    material.refresh_from_db()
    assert material.status == S.CANCELLED
    assert Notification.objects.filter(user=cast.supervisor).count() == 1


def test_cancel_needs_a_reason_and_only_before_shipping(world):
    cast = world.cast
    material = _request(world, _job(world))
    with pytest.raises(ValidationError):
        services.material_request_cancel(actor=cast.technician, material_request=material)
    services.material_request_approve(actor=cast.supervisor, material_request=material)
    services.material_request_pick(actor=cast.supervisor, material_request=material)
    services.material_request_cancel(actor=cast.technician, material_request=material,
                                     note="不要了")  # picked: the parts go back on the shelf
    assert reserved_quantity(world.store, world.part) == 0
    shipped = _request(world, _job(world))
    for step in (services.material_request_approve, services.material_request_pick,
                 services.material_request_ship):
        step(actor=cast.supervisor, material_request=shipped)
    with pytest.raises(IllegalTransition):
        services.material_request_cancel(actor=cast.technician, material_request=shipped,
                                         note="不要了")


def test_bad_lines_are_refused_with_a_clear_message(world):
    job = _job(world)
    with translation.override("en"):
        for lines, expected in [
            ([], "Add at least one part."),
            ([{"part": world.part, "quantity": "1.5"}], "counted in whole"),
            ([{"part": world.part, "quantity": "0"}], "more than zero"),
            ([{"part": world.part, "quantity": 1}, {"part": world.part, "quantity": 1}],
             "twice"),
        ]:
            with pytest.raises(ValidationError) as error:
                _request(world, job, lines=lines)
            assert expected in str(error.value)
    assert not MaterialRequest.objects.exists()


def test_a_technician_requests_only_for_his_own_jobs_and_sees_only_his(world):
    cast = world.cast
    colleague = Cast(cast.centre.__class__.objects.create(code="C2", name="二中心"))
    job = _job(world)
    with pytest.raises(PermissionDenied):
        _request(world, job, actor=colleague.technician)
    material = _request(world, job)
    assert list(MaterialRequest.objects.restrict(cast.technician, "view")) == [material]
    assert not MaterialRequest.objects.restrict(colleague.technician, "view").exists()
    assert not MaterialRequest.objects.restrict(colleague.supervisor, "view").exists()
    assert MaterialRequest.objects.restrict(cast.manager, "view").count() == 1


def test_another_centres_store_may_not_approve_pick_or_ship(world):
    cast = world.cast
    material = _request(world, _job(world))
    other = Cast(ServiceCentreFactory())
    with pytest.raises(PermissionDenied):
        services.material_request_approve(actor=other.supervisor, material_request=material)
    with pytest.raises(PermissionDenied):
        services.material_request_approve(actor=cast.technician, material_request=material)
    with pytest.raises(PermissionDenied):  # the van's technician receives, not a colleague
        services.material_request_receive(actor=other.technician, material_request=material)


def test_a_supervisor_requests_parts_for_the_workshop_from_the_central_warehouse(world):
    cast = world.cast
    material = services.material_request_create(
        actor=cast.supervisor, lines=[{"part": world.valve, "quantity": 4}])
    assert (material.request, material.source, material.destination) == (
        None, world.central, world.store)
    assert (material.in_warranty, material.chargeable, material.status) == (False, False,
                                                                             S.REQUESTED)
    with pytest.raises(PermissionDenied):
        services.material_request_create(actor=cast.technician,
                                         lines=[{"part": world.valve, "quantity": 1}])
    # the central warehouse is the service department's: the centre's supervisor cannot ship
    with pytest.raises(PermissionDenied):
        services.material_request_approve(actor=cast.supervisor, material_request=material)
    services.material_request_approve(actor=cast.manager, material_request=material)
    services.material_request_pick(actor=cast.manager, material_request=material)
    services.material_request_ship(actor=cast.manager, material_request=material)
    services.material_request_receive(actor=cast.agent, material_request=material)
    assert stock_on_hand(warehouse=world.store, part=world.valve) == 9
