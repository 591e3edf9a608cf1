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


# --- a completed job's parts corrected ---------------------------------------------------------

def test_a_part_not_fitted_is_taken_off_back_into_stock_and_owes_nothing(net):
    done = complete(net, handed(net), (net["part"], 2))
    line = done.parts.get()
    services.dealer_job_part_take_off(actor=net["u1"], line=line, reason="录错了，未更换")
    assert not DealerJobPart.objects.exists()
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 3
    back = StockMove.objects.get(kind=MoveKind.RETURN)
    assert (back.warehouse, back.quantity, back.reference, back.request) == (
        net["stock"], Decimal(2), f"dealer-part:{line.pk}", done.request)
    assert ReturnObligation.objects.get().status == ReturnStatus.CANCELLED
    taken = [e for e in event_list(done) if e.action == "part_take_off"]
    assert [(e.note, e.data) for e in taken] == [
        ("录错了，未更换", {"part": "IGN-1", "quantity": 2})]
    assert ObjectChange.objects.filter(object_id=line.pk, action="delete").exists()


def test_a_part_whose_faulty_part_was_sent_back_stays_on_the_job(net):
    done = complete(net, handed(net), (net["part"], 1))
    parts.obligation_send(actor=net["u1"], obligation=ReturnObligation.objects.get(),
                          faulty_serial="F-1", tracking="SF1")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.dealer_job_part_take_off(actor=net["u1"], line=done.parts.get(), reason="错")
    assert "已经寄回" in error.value.messages[0]
    assert DealerJobPart.objects.count() == 1 and not StockMove.objects.filter(
        kind=MoveKind.RETURN).exists()
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 2


def test_a_part_fitted_but_not_recorded_is_added_as_at_completion(net):
    done = complete(net, handed(net))
    line = services.dealer_job_part_add(actor=net["u1"], job=done, part=net["part"], quantity=1,
                                        reason="完工时漏记")
    assert (line.quantity, line.charged, line.unit_price) == (1, False, Decimal("35.50"))
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 2
    assert ReturnObligation.objects.get().dealer_job_part == line
    added = [e for e in event_list(done) if e.action == "part_add"]
    assert [(e.note, e.data) for e in added] == [("完工时漏记", {"part": "IGN-1", "quantity": 1})]


def test_a_correction_that_cannot_be_made_changes_nothing(net):
    done = complete(net, handed(net), (net["part"], 1))
    other = PartFactory(code="VALVE-9")
    cases = [
        (net["part"], 1, "再记一次", "IGN-1 已在此工单上"),  # already on the job
        (other, 1, "漏记", "VALVE-9 只有 0 "),  # none of it in the dealer's stock
        (other, 1, "  ", "请说明更正原因"),  # no reason
    ]
    for part, quantity, reason, message in cases:
        with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
            services.dealer_job_part_add(actor=net["u1"], job=done, part=part,
                                         quantity=quantity, reason=reason)
        assert message in " ".join(error.value.messages), error.value.messages
    with pytest.raises(PermissionDenied):  # another dealer's login, HQ: the dealer's own record
        services.dealer_job_part_take_off(actor=net["u2"], line=done.parts.get(), reason="错")
    with pytest.raises(PermissionDenied):
        services.dealer_job_part_take_off(actor=net["cast"].supervisor, line=done.parts.get(),
                                          reason="错")
    assert DealerJobPart.objects.count() == 1
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 2
    assert not [e for e in event_list(done) if e.action.startswith("part_")]


def test_parts_are_corrected_until_the_month_is_reported(net, clock_at):
    done = complete(net, handed(net), (net["part"], 2))
    assert services.job_parts_correctable(done)
    clock_at(10, 0, day=date(2026, 12, 1), tick=False)
    services.monthly_reports_open(today=date(2026, 12, 1))
    report = MonthlyReport.objects.get(dealer=net["d1"])
    assert report.parts_replaced == 2
    services.dealer_job_part_take_off(actor=net["u1"], line=done.parts.get(), reason="未更换")
    assert services.job_parts_correctable(done)  # opened, not sent: still correctable
    report.refresh_from_db()
    assert report.parts_replaced == 0  # the opened report starts from the corrected parts
    services.monthly_report_submit(actor=net["u1"], report=report, installs=0, repairs=1)
    assert not services.job_parts_correctable(done)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.dealer_job_part_add(actor=net["u1"], job=done, part=net["part"], quantity=1,
                                     reason="漏记")
    assert "已上报" in error.value.messages[0]
    assert not services.job_parts_correctable(handed(net))  # not completed


def test_the_dealer_corrects_the_parts_on_the_job_page(net, client):
    done = complete(net, handed(net), (net["part"], 1))
    client.force_login(net["u1"])
    page = client.get(f"/dealers/jobs/{done.pk}/").content.decode()
    assert 'data-take-off="IGN-1"' in page and "data-part-add" in page
    line = done.parts.get()
    response = client.post(f"/dealers/jobs/{done.pk}/parts/{line.pk}/take-off/",
                           {"reason": "未更换"})
    assert response.status_code == 302 and not DealerJobPart.objects.exists()
    response = client.post(f"/dealers/jobs/{done.pk}/parts/add/",
                           {"part": "IGN-1", "quantity": "2", "reason": "实际换了两个"})
    assert response.status_code == 302
    assert done.parts.get().quantity == 2
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 1
    response = client.post(f"/dealers/jobs/{done.pk}/parts/add/", {"part": "IGN-1",
                                                                   "reason": ""}, follow=True)
    assert done.parts.get().quantity == 2  # refused: the error is on the page
    assert response.status_code == 200
    client.force_login(net["cast"].supervisor)  # HQ sees the job, not the correction forms
    page = client.get(f"/dealers/jobs/{done.pk}/").content.decode()
    assert "data-take-off" not in page and "data-part-add" not in page
    assert client.post(f"/dealers/jobs/{done.pk}/parts/add/",
                       {"part": "IGN-1", "reason": "x"}).status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_a_correction_and_the_month_report_at_once_never_miss_each_other(clock_at):
    """The dealer sends November's report while taking a part off a November job: either the
    correction goes first and the report counts it, or the report goes first and the
    correction is refused — never a correction after the report was sent."""
    clock_at(10, 0, day=DAY, tick=False)
    cast = Cast()
    dealer = dealer_make("D1", "浦东经销商", region_make("PD", "浦东", "浦东新区"),
                         centre=cast.centre)
    user = dealer_login(dealer, "dealer-race")
    stock = Warehouse.objects.create(code="D1-R", name="经销商库", kind=WarehouseKind.DEALER,
                                     dealer=dealer)
    part = PartFactory(code="RACE-IGN")
    parts.stock_move(actor=cast.manager, warehouse=stock, part=part, kind=MoveKind.RECEIPT,
                     quantity=1)
    job = services.dealer_job_record(actor=user, dealer=dealer,
                                     customer=CustomerFactory(address="上海市浦东新区张江路1号"),
                                     description="漏水")
    job = services.dealer_job_complete(actor=user, job=job, parts=[(part, 1)], **DONE)
    clock_at(10, 0, day=date(2026, 12, 1), tick=False)
    services.monthly_reports_open(today=date(2026, 12, 1))
    report = MonthlyReport.objects.get()
    line = job.parts.get()
    calls = [lambda: services.dealer_job_part_take_off(actor=user, line=line, reason="未更换"),
             lambda: services.monthly_report_submit(actor=user, report=report, installs=0,
                                                    repairs=1, parts_replaced=1)]
    results = at_once(ok(lambda i: calls[i]()), 2)
    assert results[1] == "ok"
    assert (results[0] == "ok") == (not DealerJobPart.objects.exists())
    assert stock_on_hand(warehouse=stock, part=part) == (1 if results[0] == "ok" else 0)
