"""Parts a dealer fits on its jobs (PT-1, PT-3, DL-3): recorded at completion, each leaves the
dealer's stock place in the completion's transaction (not enough: nothing saved), a free one owes
its faulty part back by the dealer — seen and sent by that dealer only, received by HQ, kept and
charged when overdue — and the month's report starts from them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from aftersales.core.events import event_list
from aftersales.core.exceptions import IllegalTransition, PermissionDenied
from aftersales.core.models import Notification, ObjectChange
from aftersales.core.tests.concurrency import at_once, ok
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.parts import services as parts
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import ReturnObligation, ReturnStatus, StockMove, Warehouse
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.tests.factories import PartFactory
from aftersales.service.choices import Status
from aftersales.service.tests.factories import Cast, new_request

from .. import services
from ..choices import JobState
from ..models import DealerJob, DealerJobPart, MonthlyReport
from .factories import dealer_login, dealer_make, region_make

DAY = date(2026, 11, 10)
DONE = {"fault_found": "不点火", "fault_cause": "点火针积碳", "action_taken": "更换点火针",
        "confirmed_by": "王先生"}


@pytest.fixture
def net(db, clock_at):
    clock_at(10, 0, day=DAY, tick=False)
    cast = Cast()
    east, west = region_make("PD", "浦东", "浦东新区"), region_make("MH", "闵行", "闵行区")
    d1 = dealer_make("D1", "浦东经销商", east, centre=cast.centre)
    d2 = dealer_make("D2", "闵行经销商", west, centre=cast.centre)
    central = Warehouse.objects.create(code="C-1", name="总仓", kind=WarehouseKind.CENTRAL)
    stock = Warehouse.objects.create(code="D1-S", name="浦东经销商库", kind=WarehouseKind.DEALER,
                                     dealer=d1)
    part = PartFactory(code="IGN-1", unit_price=Decimal("35.50"))
    parts.stock_move(actor=cast.manager, warehouse=stock, part=part, kind=MoveKind.RECEIPT,
                     quantity=3)
    return {"cast": cast, "d1": d1, "d2": d2, "u1": dealer_login(d1, "dealer-1"),
            "u2": dealer_login(d2, "dealer-2"), "central": central, "stock": stock,
            "part": part, "east": CustomerFactory(address="上海市浦东新区张江路1号")}


def handed(net, **kwargs):
    """A request of the east customer handed to D1 (in warranty unless told otherwise)."""
    request = new_request(net["cast"], customer=net["east"], **kwargs)
    return services.job_hand_to_dealer(actor=net["cast"].supervisor, job=request, dealer=net["d1"])


def own_call(net):
    return services.dealer_job_record(actor=net["u1"], dealer=net["d1"], customer=net["east"],
                                      description="漏水")


def complete(net, job, *lines, **kwargs):
    return services.dealer_job_complete(actor=net["u1"], job=job, parts=list(lines),
                                        **{**DONE, **kwargs})


def test_a_part_fitted_in_warranty_leaves_the_dealer_stock_and_owes_the_faulty_part(
        net, settings):
    settings.PART_RETURN_DAYS = 15
    job = handed(net)
    done = complete(net, job, (net["part"], 2))
    line = DealerJobPart.objects.get()
    assert (line.job, line.part, line.quantity, line.unit_price, line.charged) == (
        done, net["part"], 2, Decimal("35.50"), False)
    move = StockMove.objects.get(kind=MoveKind.ISSUE)
    assert (move.warehouse, move.quantity, move.request, move.reference, move.actor) == (
        net["stock"], Decimal(-2), job.request, f"dealer-part:{line.pk}", net["u1"])
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 1
    obligation = ReturnObligation.objects.get()
    assert (obligation.dealer, obligation.owed_by, obligation.dealer_job_part, obligation.request,
            obligation.service_centre, obligation.quantity, obligation.status,
            obligation.receiving_point, obligation.due_on) == (
        net["d1"], None, line, job.request, net["cast"].centre, 2, ReturnStatus.OPEN,
        net["central"], DAY + timedelta(days=15))
    completion = [e for e in event_list(done) if e.action == "complete"][0]
    assert completion.data["parts"] == [{"part": "IGN-1", "quantity": 2}]
    assert ObjectChange.objects.filter(object_id=line.pk, action="create").exists()
    job.request.refresh_from_db()
    assert job.request.status == Status.COMPLETED


def test_not_enough_in_the_dealer_stock_is_refused_and_nothing_is_saved(net):
    job = handed(net)
    other = PartFactory(code="VALVE-1")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        complete(net, job, (net["part"], 5), (other, 1))
    assert list(error.value.message_dict) == ["parts"]
    assert "浦东经销商库 的 IGN-1 只有 3 " in error.value.message_dict["parts"][0]
    job.refresh_from_db()
    job.request.refresh_from_db()
    assert job.state == JobState.HANDED_OVER and job.request.status == Status.REGISTERED
    assert not DealerJobPart.objects.exists() and not ReturnObligation.objects.exists()
    assert not StockMove.objects.filter(kind=MoveKind.ISSUE).exists()
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 3


def test_a_charged_part_owes_nothing(net):
    job = handed(net, product=None, customer_agreed=True)  # no product: the customer pays
    assert job.request.chargeable
    complete(net, job, (net["part"], 1))
    assert DealerJobPart.objects.get().charged
    assert StockMove.objects.filter(kind=MoveKind.ISSUE).count() == 1
    assert not ReturnObligation.objects.exists()


def test_a_dealer_without_a_stock_place_records_its_parts_and_moves_nothing(net):
    west = CustomerFactory(address="上海市闵行区莘庄路2号")
    job = services.job_hand_to_dealer(actor=net["cast"].supervisor, dealer=net["d2"],
                                      job=new_request(net["cast"], customer=west))
    services.dealer_job_complete(actor=net["u2"], job=job, parts=[(net["part"], 4)], **DONE)
    assert DealerJobPart.objects.get().quantity == 4
    assert not StockMove.objects.filter(kind=MoveKind.ISSUE).exists()
    assert ReturnObligation.objects.get().dealer == net["d2"]


def test_lines_are_checked_before_anything_is_saved(net):
    job = handed(net)
    retired = PartFactory(code="OLD-1", active=False)
    with pytest.raises(ValidationError) as error:
        complete(net, job, (net["part"], 1), (net["part"], 1), (retired, 1), (PartFactory(), 0))
    assert len(error.value.message_dict["parts"]) == 3
    job.refresh_from_db()
    assert job.state == JobState.HANDED_OVER and not DealerJobPart.objects.exists()


def test_an_own_call_is_free_when_its_unit_is_in_warranty(net):
    job = own_call(net)
    unit = InstalledProductFactory(customer=net["east"])
    done = complete(net, job, (net["part"], 1), installed_product=unit)
    assert done.installed_product == unit and not done.parts.get().charged
    obligation = ReturnObligation.objects.get()
    assert (obligation.request, obligation.dealer, obligation.service_centre) == (
        None, net["d1"], net["d1"].service_centre)
    move = StockMove.objects.get(kind=MoveKind.ISSUE)
    assert move.request is None and move.warehouse == net["stock"]


@pytest.mark.parametrize("unit", ["out_of_warranty", None])
def test_an_own_call_is_charged_out_of_warranty_or_without_a_unit(net, unit):
    if unit == "out_of_warranty":
        unit = InstalledProductFactory(customer=net["east"], purchased_on=DAY - timedelta(days=900))
    complete(net, own_call(net), (net["part"], 1), installed_product=unit)
    assert DealerJobPart.objects.get().charged and not ReturnObligation.objects.exists()


def test_the_unit_must_be_the_customers_and_only_for_an_own_call(net):
    stranger = InstalledProductFactory()
    with pytest.raises(ValidationError) as error:
        complete(net, own_call(net), installed_product=stranger)
    assert "installed_product" in error.value.message_dict
    job = handed(net)
    with pytest.raises(ValidationError) as error:
        complete(net, job, installed_product=job.request.installed_product)
    assert "installed_product" in error.value.message_dict
    assert not DealerJob.objects.filter(state=JobState.COMPLETED).exists()


def test_the_dealer_alone_sees_and_sends_its_obligation_and_hq_receives_it(net):
    complete(net, handed(net), (net["part"], 1))
    obligation = ReturnObligation.objects.get()
    assert list(ReturnObligation.objects.restrict(net["u1"])) == [obligation]
    assert not ReturnObligation.objects.restrict(net["u2"]).exists()
    assert not ReturnObligation.objects.restrict(net["cast"].technician).exists()
    assert list(ReturnObligation.objects.restrict(net["cast"].agent)) == [obligation]
    with pytest.raises(PermissionDenied):
        parts.obligation_send(actor=net["u2"], obligation=obligation, faulty_serial="F-1")
    sent = parts.obligation_send(actor=net["u1"], obligation=obligation, faulty_serial="F-1",
                                 tracking="SF123")
    assert sent.status == ReturnStatus.SENT
    with pytest.raises(PermissionDenied):
        parts.obligation_receive(actor=net["u1"], obligation=obligation)
    received = parts.obligation_receive(actor=net["cast"].manager, obligation=obligation)
    assert received.status == ReturnStatus.RECEIVED


def test_an_overdue_dealer_obligation_is_kept_charged_once_and_its_logins_told(net):
    complete(net, handed(net), (net["part"], 2))
    later = DAY + timedelta(days=40)
    assert parts.obligations_sweep(today=later) == 1
    assert parts.obligations_sweep(today=later) == 0
    obligation = ReturnObligation.objects.get()
    assert obligation.status == ReturnStatus.KEPT and obligation.charge_amount == Decimal("71.00")
    assert Notification.objects.filter(user=net["u1"], level="warning").count() == 1
    assert not Notification.objects.filter(user=net["u2"]).exists()


def test_the_monthly_report_starts_from_the_parts_fitted(net):
    complete(net, handed(net), (net["part"], 2))
    other = PartFactory(code="VALVE-2")
    parts.stock_move(actor=net["cast"].manager, warehouse=net["stock"], part=other,
                     kind=MoveKind.RECEIPT, quantity=1)
    complete(net, own_call(net), (other, 1))
    services.monthly_reports_open(today=date(2026, 12, 1))
    report = MonthlyReport.objects.get(dealer=net["d1"])
    assert (report.repairs, report.parts_replaced) == (2, 3)
    assert MonthlyReport.objects.get(dealer=net["d2"]).parts_replaced == 0


REFUSED = {ValidationError: "refused", IllegalTransition: "refused"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_completions_at_once_never_overdraw_the_dealer_stock_nor_fit_twice(clock_at):
    clock_at(10, 0, day=DAY, tick=False)
    cast = Cast()
    dealer = dealer_make("D1", "浦东经销商", region_make("PD", "浦东", "浦东新区"),
                         centre=cast.centre)
    user = dealer_login(dealer, "dealer-race")
    stock = Warehouse.objects.create(code="D1-R", name="经销商库", kind=WarehouseKind.DEALER,
                                     dealer=dealer)
    ignition, valve = PartFactory(code="RACE-IGN"), PartFactory(code="RACE-VALVE")
    for part in (ignition, valve):
        parts.stock_move(actor=cast.manager, warehouse=stock, part=part, kind=MoveKind.RECEIPT,
                         quantity=3)
    customer = CustomerFactory(address="上海市浦东新区张江路1号")
    jobs = [services.dealer_job_record(actor=user, dealer=dealer, customer=customer,
                                       description="漏水") for _ in range(6)]
    # each draws both parts, half of them in the other order: locked in one order, no deadlock
    results = at_once(ok(lambda i: services.dealer_job_complete(
        actor=user, job=jobs[i], parts=[(ignition, 1), (valve, 1)][::1 if i % 2 else -1],
        **DONE)), len(jobs), outcomes=REFUSED)
    assert results.count("ok") == 3
    for part in (ignition, valve):
        assert stock_on_hand(warehouse=stock, part=part) == 0
        assert StockMove.objects.filter(kind=MoveKind.ISSUE, part=part).count() == 3
    assert DealerJobPart.objects.count() == 6
    # the same job completed twice at once: one completion, its parts fitted once
    parts.stock_move(actor=cast.manager, warehouse=stock, part=ignition, kind=MoveKind.RECEIPT,
                     quantity=5)
    job = services.dealer_job_record(actor=user, dealer=dealer, customer=customer,
                                     description="再次漏水")
    results = at_once(ok(lambda i: services.dealer_job_complete(
        actor=user, job=job, parts=[(ignition, 1)], **DONE)), 4, outcomes=REFUSED)
    assert results.count("ok") == 1
    assert job.parts.count() == 1 and stock_on_hand(warehouse=stock, part=ignition) == 4
