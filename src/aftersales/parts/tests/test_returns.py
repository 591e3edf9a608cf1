"""Replaced warranty parts come back (PT-3): a free part fitted on a job owes its faulty part
back, with the usage line; taken off, the obligation is cancelled; overdue, it counts as kept and
is charged exactly once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from aftersales.core.exceptions import PermissionDenied
from aftersales.core.models import Notification
from aftersales.core.tests.concurrency import at_once
from aftersales.parts import services
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import ReturnObligation, ReturnStatus, StockMove, Warehouse
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services as service
from aftersales.service.choices import Status
from aftersales.service.models import PartUsage, ServiceRequest
from aftersales.service.tests.factories import Cast, drive, new_request

TODAY = date(2026, 12, 3)


def _job(*, chargeable: bool):
    cast = Cast()
    van = Warehouse.objects.create(code=f"V-{cast.centre.code}", name="车载库",
                                   kind=WarehouseKind.VAN, technician=cast.technician)
    central = Warehouse.objects.create(code=f"C-{cast.centre.code}", name="总仓",
                                       kind=WarehouseKind.CENTRAL)
    part = PartFactory(code=f"IGN-{cast.centre.code}", unit_price=Decimal("35.50"))
    services.stock_move(actor=cast.manager, warehouse=van, part=part, kind=MoveKind.RECEIPT,
                        quantity=3)
    request = new_request(cast)
    ServiceRequest.objects.filter(pk=request.pk).update(chargeable=chargeable)
    request.refresh_from_db()
    request = drive(request, cast, Status.ON_SITE)
    return cast, van, central, part, request


@pytest.fixture
def warranty_job(db, clock_at):
    clock_at(22, 30, day=TODAY, tick=False)  # late in a Shanghai day: the due day is local
    return _job(chargeable=False)


def test_a_free_part_fitted_owes_its_faulty_part_back(warranty_job, settings):
    settings.PART_RETURN_DAYS = 15
    cast, van, central, part, request = warranty_job
    usage = service.part_add(actor=cast.technician, request=request, part=part, quantity=2)
    obligation = ReturnObligation.objects.get()
    assert not usage.charged
    assert (obligation.usage, obligation.part, obligation.quantity, obligation.owed_by,
            obligation.status, obligation.receiving_point) == (
        usage, part, 2, cast.technician, ReturnStatus.OPEN, central)
    assert obligation.due_on == date(2026, 12, 18)


def test_a_charged_part_owes_nothing(db, clock_at):
    clock_at(10, 0, day=TODAY, tick=False)
    cast, van, central, part, request = _job(chargeable=True)
    usage = service.part_add(actor=cast.technician, request=request, part=part)
    assert usage.charged and not ReturnObligation.objects.exists()


def test_taking_the_line_off_cancels_the_obligation_and_the_stock_comes_back(warranty_job):
    cast, van, central, part, request = warranty_job
    usage = service.part_add(actor=cast.technician, request=request, part=part)
    service.part_remove(actor=cast.technician, usage=usage)
    obligation = ReturnObligation.objects.get()
    assert obligation.status == ReturnStatus.CANCELLED and obligation.usage is None
    assert stock_on_hand(warehouse=van, part=part) == 3
    assert not PartUsage.objects.exists()


def test_a_refused_usage_line_leaves_no_obligation(warranty_job):
    cast, van, central, part, request = warranty_job
    with pytest.raises(ValidationError):
        service.part_add(actor=cast.technician, request=request, part=part, quantity=4)
    assert not ReturnObligation.objects.exists()


def test_a_line_whose_faulty_part_was_sent_cannot_be_taken_off(warranty_job):
    cast, van, central, part, request = warranty_job
    usage = service.part_add(actor=cast.technician, request=request, part=part)
    services.obligation_send(actor=cast.technician, obligation=ReturnObligation.objects.get(),
                             faulty_serial="OLD-1")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        service.part_remove(actor=cast.technician, usage=usage)
    assert "sent back already" in str(error.value)
    assert PartUsage.objects.filter(pk=usage.pk).exists()
    assert stock_on_hand(warehouse=van, part=part) == 2


def test_sent_and_received_at_the_receiving_point_off_the_stock_ledger(warranty_job):
    cast, van, central, part, request = warranty_job
    service.part_add(actor=cast.technician, request=request, part=part)
    obligation = ReturnObligation.objects.get()
    services.obligation_serials_record(actor=cast.technician, obligation=obligation,
                                       new_serial="NEW-9", faulty_serial="OLD-9")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.obligation_serials_record(actor=cast.technician, obligation=obligation,
                                           faulty_serial="X" * 61)
    assert "at most 60" in str(error.value)
    sent = services.obligation_send(actor=cast.technician, obligation=obligation,
                                    tracking="SF123")
    assert (sent.status, sent.faulty_serial, sent.new_serial) == (
        ReturnStatus.SENT, "OLD-9", "NEW-9")
    moves_before = StockMove.objects.count()
    with pytest.raises(PermissionDenied):  # the centre's supervisor does not work at the central
        services.obligation_receive(actor=cast.supervisor, obligation=sent)
    received = services.obligation_receive(actor=cast.manager, obligation=sent)
    assert (received.status, received.received_by, received.receiving_point) == (
        ReturnStatus.RECEIVED, cast.manager, central)
    assert StockMove.objects.count() == moves_before
    assert stock_on_hand(warehouse=central, part=part) == 0


def test_sending_without_the_faulty_serial_is_refused(warranty_job):
    cast, van, central, part, request = warranty_job
    service.part_add(actor=cast.technician, request=request, part=part)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.obligation_send(actor=cast.technician, obligation=ReturnObligation.objects.get())
    assert "serial number" in error.value.message_dict["faulty_serial"][0]


def test_another_technician_may_not_send_it(warranty_job):
    from aftersales.accounts.tests.factories import UserFactory

    cast, van, central, part, request = warranty_job
    service.part_add(actor=cast.technician, request=request, part=part)
    other = UserFactory(username="tech-other", role="technician", service_centre=cast.centre)
    with pytest.raises(PermissionDenied):
        services.obligation_send(actor=other, obligation=ReturnObligation.objects.get(),
                                 faulty_serial="OLD")


def test_overdue_counts_as_kept_and_is_charged_once(warranty_job):
    cast, van, central, part, request = warranty_job
    service.part_add(actor=cast.technician, request=request, part=part, quantity=2)
    obligation = ReturnObligation.objects.get()
    assert services.obligations_sweep(today=obligation.due_on) == 0  # due today: not yet
    assert services.obligations_sweep(today=obligation.due_on + timedelta(days=1)) == 1
    assert services.obligations_sweep(today=obligation.due_on + timedelta(days=2)) == 0
    obligation.refresh_from_db()
    assert (obligation.status, obligation.charge_amount) == (ReturnStatus.KEPT, Decimal("71.00"))
    assert Notification.objects.filter(user=cast.technician, level="warning").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_sweeps_at_once_charge_each_obligation_once(clock_at):
    clock_at(10, 0, day=TODAY, tick=False)
    cast, van, central, part, request = _job(chargeable=False)
    for _ in range(3):
        service.part_add(actor=cast.technician, request=request, part=part)
    due = ReturnObligation.objects.first().due_on
    counts = at_once(lambda _: services.obligations_sweep(today=due + timedelta(days=1)), 2)
    assert sum(counts) == 3
    assert ReturnObligation.objects.filter(status=ReturnStatus.KEPT).count() == 3
    assert Notification.objects.filter(user=cast.technician, level="warning").count() == 3
    from aftersales.core.models import Event

    assert Event.objects.filter(action="keep").count() == 3
