"""The request's state machine: allowed moves, refusals that change nothing, events."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.events import event_list
from aftersales.core.exceptions import IllegalTransition, PermissionDenied, StaleWrite
from aftersales.core.models import AppendOnlyError, Event
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services
from aftersales.service.choices import Status, VisitOutcome
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import SIGNATURE, Cast, drive, new_request
from aftersales.service.workflow import service_request_workflow

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return Cast()


def test_full_on_site_path_records_every_step(cast):
    request = drive(new_request(cast), cast, Status.CLOSED)
    events = list(event_list(request))
    assert [e.action for e in events] == [
        "register", "assign", "depart", "arrive", "record_work", "complete", "close"]
    assign = events[1]
    assert (assign.from_state, assign.to_state, assign.actor) == ("registered", "assigned", cast.supervisor)
    assert all(e.at is not None for e in events)
    assert request.closed_at and request.completed_at
    assert request.signatures.get().kind == "completion"
    assert request.visits.get().outcome == VisitOutcome.COMPLETED


def test_carry_in_path_receipt_register_card(cast):
    request = drive(new_request(cast), cast, Status.REPAIRED)
    receipt = request.receipts.get()
    assert receipt.number.startswith("RC") and receipt.cancelled_at is None
    assert list(request.register_entries.values_list("direction", flat=True)) == ["in"]
    request = services.service_request_inspect(actor=cast.supervisor, request=request, passed=True)
    assert request.repair_card.inspected_by == cast.supervisor
    request = services.service_request_hand_back(actor=cast.agent, request=request,
                                                 signer_name="张三", signature=SIGNATURE)
    receipt.refresh_from_db()
    assert request.status == Status.COMPLETED and receipt.cancelled_at is not None
    assert sorted(request.register_entries.values_list("direction", flat=True)) == ["in", "out"]
    assert request.repair_card.returned_at is not None
    assert set(request.signatures.values_list("kind", flat=True)) == {"carry_out", "return"}


def test_failed_inspection_sends_back_to_workshop(cast):
    request = drive(new_request(cast), cast, Status.REPAIRED)
    with pytest.raises(ValidationError):
        services.service_request_inspect(actor=cast.supervisor, request=request, passed=False)
    request = services.service_request_inspect(actor=cast.supervisor, request=request,
                                               passed=False, note="仍漏水")
    assert request.status == Status.CARRIED_IN
    assert event_list(request).last().note == "仍漏水"


def test_unfinished_visit_is_rescheduled_with_reason(cast):
    request = drive(new_request(cast), cast, Status.ON_SITE)
    later = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError):
        services.service_request_reschedule(actor=cast.technician, request=request, note="")
    request = services.service_request_reschedule(actor=cast.technician, request=request,
                                                  note="缺配件，约明天", next_visit_at=later)
    assert request.status == Status.ASSIGNED and request.appointment_at == later
    outcomes = list(request.visits.order_by("id").values_list("outcome", "reason"))
    assert outcomes == [(VisitOutcome.UNFINISHED, "缺配件，约明天"), (VisitOutcome.PENDING, "")]


@pytest.mark.parametrize(("state", "action"), [
    (Status.REGISTERED, "close"), (Status.REGISTERED, "arrive"), (Status.ASSIGNED, "complete"),
    (Status.CLOSED, "cancel"), (Status.COMPLETED, "assign"), (Status.ON_SITE, "inspect"),
])
def test_illegal_transitions_change_nothing(cast, state, action):
    request = drive(new_request(cast), cast, state)
    before = (request.status, request.version, Event.objects.count())
    params = {"actor": cast.supervisor, "request": request, "note": "x"}
    if action == "assign":
        params["technician"] = cast.technician
    if action == "complete":
        params |= {"signer_name": "张三", "signature": SIGNATURE}
    if action == "inspect":
        params["passed"] = True
    with pytest.raises((IllegalTransition, ValidationError)):
        services.ACTIONS[action](**params)
    request.refresh_from_db()
    assert (request.status, request.version, Event.objects.count()) == before


def test_roles_and_ownership_are_enforced(cast):
    request = new_request(cast)
    with pytest.raises(PermissionDenied):
        services.service_request_assign(actor=cast.agent, request=request, technician=cast.technician)
    request = drive(request, cast, Status.ASSIGNED)
    other = UserFactory(username="tech-other", role=Role.TECHNICIAN, service_centre=cast.centre)
    with pytest.raises(PermissionDenied):
        services.service_request_depart(actor=other, request=request)
    request.refresh_from_db()
    assert request.status == Status.ASSIGNED


def test_cannot_assign_a_technician_of_another_centre(cast):
    foreign = Cast()
    with pytest.raises(ValidationError):
        services.service_request_assign(actor=cast.supervisor, request=new_request(cast),
                                        technician=foreign.technician)


def test_completion_needs_the_ar4_record_and_a_signature(cast):
    request = drive(new_request(cast), cast, Status.ON_SITE)
    with pytest.raises(ValidationError):
        services.service_request_complete(actor=cast.technician, request=request,
                                          signer_name="张三", signature=SIGNATURE)
    services.service_request_record_work(actor=cast.technician, request=request, fault_found="a",
                                         fault_cause="b", action_taken="c")
    request.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        services.service_request_complete(actor=cast.technician, request=request,
                                          signer_name="张三", signature="data:image/png;base64,")
    assert "signature" in err.value.message_dict
    request.refresh_from_db()
    assert request.status == Status.ON_SITE and not request.signatures.exists()


def test_stale_version_is_refused(cast):
    request = new_request(cast)
    stale = request.version
    services.service_request_update(actor=cast.agent, request=request, description="新描述",
                                    expected_version=stale)
    with pytest.raises(StaleWrite):
        services.service_request_update(actor=cast.agent, request=request, description="覆盖",
                                        expected_version=stale)
    with pytest.raises(StaleWrite):
        services.service_request_assign(actor=cast.supervisor, request=request,
                                        technician=cast.technician, expected_version=stale)
    request.refresh_from_db()
    assert request.description == "新描述" and request.status == Status.REGISTERED


def test_parts_are_free_in_warranty_and_charged_outside(cast):
    customer = CustomerFactory(service_centre=cast.centre)
    free = drive(new_request(cast, customer=customer), cast, Status.ON_SITE)
    old = InstalledProductFactory(customer=customer, purchased_on=date.today() - timedelta(days=900))
    paid = drive(new_request(cast, customer=customer, product=old), cast, Status.ON_SITE)
    part = PartFactory(unit_price=Decimal("20.00"))
    assert not services.part_add(actor=cast.technician, request=free, part=part, quantity=2).charged
    usage = services.part_add(actor=cast.technician, request=paid, part=part, quantity=2)
    assert usage.charged and usage.amount == Decimal("40.00")


def test_events_are_append_only_in_the_database(cast):
    request = new_request(cast)
    event = event_list(request).first()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()
    statements = ["UPDATE core_event SET note = 'x'"]
    if connection.vendor == "postgresql":
        statements.append("DELETE FROM core_event")
    for sql in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert Event.objects.filter(note="x").count() == 0 and Event.objects.count() >= 1


def test_every_transition_is_reachable_and_documented():
    """The mermaid diagram in workflow.py names every transition (docs stay true)."""
    import inspect

    from aftersales.service import workflow

    source = inspect.getsource(workflow).split('"""')[1]
    for name in service_request_workflow.transitions:
        if name.startswith("inspect_"):
            name = "inspect"
        assert name in source, name
    # dealer_complete is taken from the dealers app's own job page and API (its own form)
    assert set(services.ACTIONS) >= {n for n in service_request_workflow.transitions
                                     if not n.startswith("inspect_") and n != "dealer_complete"}


def test_cancel_needs_a_reason_and_closes_pending_visits(cast):
    request = drive(new_request(cast), cast, Status.ASSIGNED)
    with pytest.raises(ValidationError):
        services.service_request_cancel(actor=cast.agent, request=request, note=" ")
    request = services.service_request_cancel(actor=cast.agent, request=request, note="客户已自行修好")
    assert request.status == Status.CANCELLED
    assert request.visits.get().outcome == VisitOutcome.CANCELLED
    assert not ServiceRequest.objects.open().filter(pk=request.pk).exists()


def test_parts_follow_a_later_cause_change_and_signing_records_agreement(cast):
    from aftersales.service.choices import Cause

    request = drive(new_request(cast), cast, Status.ON_SITE)
    usage = services.part_add(actor=cast.technician, request=request, part=PartFactory())
    assert not usage.charged
    services.service_request_record_work(actor=cast.technician, request=request, fault_found="摔裂",
                                         fault_cause="外力", action_taken="更换外壳",
                                         cause=Cause.MISUSE)
    usage.refresh_from_db()
    request.refresh_from_db()
    assert usage.charged and request.chargeable and request.customer_agreed_at is None
    request = services.service_request_complete(actor=cast.technician, request=request,
                                                signer_name="张三", signature=SIGNATURE)
    assert request.customer_agreed_at == request.completed_at
