"""The dealer pages: HQ's network pages, a dealer's own home (its region only), the job page,
reports, the audit sample and the archive figures with Excel."""

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import ReturnObligation, ReturnStatus, Warehouse
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.services import stock_move
from aftersales.parts.tests.factories import PartFactory
from aftersales.service.tests.factories import Cast, new_request

from .. import services
from ..choices import JobState
from ..models import Dealer, DealerContract, DealerJob, MonthlyReport, Region
from .factories import dealer_login, dealer_make, region_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    cast = Cast()
    east, west = region_make("PD", "浦东", "浦东新区"), region_make("MH", "闵行", "闵行区")
    d1 = dealer_make("D1", "浦东经销商", east, centre=cast.centre)
    d2 = dealer_make("D2", "闵行经销商", west, centre=cast.centre)
    return {"cast": cast, "east": east, "west": west, "d1": d1, "d2": d2,
            "u1": dealer_login(d1, "dealer-1"),
            "c_east": CustomerFactory(name="东客户", address="上海市浦东新区张江路1号"),
            "c_west": CustomerFactory(name="西客户", address="上海市闵行区莘庄路2号")}


def test_hq_creates_a_dealer_and_its_contract_with_local_fees(client, net):
    client.force_login(net["cast"].manager)
    response = client.post(reverse("dealers:new"), {"code": "D3", "name": "川沙经销商",
                                                    "regions": [net["east"].pk]})
    dealer = Dealer.objects.get(code="D3")
    assert response.status_code == 302 and list(dealer.regions.all()) == [net["east"]]
    response = client.post(reverse("dealers:contract_new", args=[dealer.pk]), {
        "number": "HT-2026-01", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
        "terms": "24小时内解决", "fee_item": ["上门费", "安装费", ""],
        "fee_amount": ["50", "120.5", ""]})
    assert response.status_code == 302
    contract = DealerContract.objects.get(number="HT-2026-01")
    assert [(f.item, str(f.amount)) for f in contract.fees.all()] == [("上门费", "50.00"),
                                                                     ("安装费", "120.50")]
    page = client.get(reverse("dealers:detail", args=[dealer.pk])).content.decode()
    assert "HT-2026-01" in page or "没有" in page
    bad = client.post(reverse("dealers:new"), {"code": "D3", "name": "", "regions": []})
    assert bad.status_code == 400 and Dealer.objects.count() == 3


def test_a_supervisor_may_look_but_not_edit(client, net):
    client.force_login(net["cast"].supervisor)
    assert client.get(reverse("dealers:home")).status_code == 200
    assert client.post(reverse("dealers:new"), {"code": "X", "name": "X",
                                                "regions": [net["east"].pk]}).status_code == 403
    assert client.post(reverse("dealers:region_new"), {"code": "X", "name": "X",
                                                       "places": "X"}).status_code == 403
    assert not Region.objects.filter(code="X").exists()


def test_the_dealer_home_shows_only_its_region(client, net):
    Warehouse.objects.create(code="D1-S", name="浦东经销商库", kind=WarehouseKind.DEALER,
                             dealer=net["d1"])
    Warehouse.objects.create(code="D2-S", name="闵行经销商库", kind=WarehouseKind.DEALER,
                             dealer=net["d2"])
    west_job = new_request(net["cast"], customer=net["c_west"])
    services.job_hand_to_dealer(actor=net["cast"].supervisor, job=west_job, dealer=net["d2"])
    client.force_login(net["u1"])
    page = client.get(reverse("dealers:home")).content.decode()
    assert "东客户" in page and "西客户" not in page and west_job.number not in page
    d2_job = DealerJob.objects.get(dealer=net["d2"])
    assert client.get(reverse("dealers:job", args=[d2_job.pk])).status_code == 404
    assert client.get(reverse("dealers:detail", args=[net["d2"].pk])).status_code == 403
    assert client.get(reverse("dealers:archive")).status_code == 403


def test_hand_over_from_the_request_page_and_the_dealer_completes(client, net):
    cast = net["cast"]
    job = new_request(cast, customer=net["c_east"])
    client.force_login(cast.supervisor)
    page = client.get(reverse("service:detail", args=[job.pk])).content.decode()
    assert "data-hand-over" in page and "浦东经销商" in page and "闵行经销商" not in page
    response = client.post(reverse("dealers:hand_over", args=[job.pk]),
                           {"dealer": net["d1"].pk, "kind": "repair", "note": "请尽快"})
    assert response.status_code == 302
    row = DealerJob.objects.get(request=job)
    client.force_login(net["u1"])
    assert client.post(reverse("dealers:job_accept", args=[row.pk])).status_code == 302
    bad = client.post(reverse("dealers:job_complete", args=[row.pk]), {"fault_found": "x"})
    assert bad.status_code == 400
    response = client.post(reverse("dealers:job_complete", args=[row.pk]), {
        "fault_found": "不点火", "fault_cause": "点火针脏", "action_taken": "清洁",
        "confirmed_by": "王先生", "rating": "4"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == JobState.COMPLETED and row.rating == 4
    client.force_login(cast.agent)
    assert client.post(reverse("dealers:job_complete", args=[row.pk]), {}).status_code == 403


def test_the_dealer_records_its_own_call(client, net):
    client.force_login(net["u1"])
    response = client.post(reverse("dealers:job_new"), {
        "phone": net["c_west"].phone, "kind": "repair", "description": "漏水"})
    assert response.status_code == 400 and not DealerJob.objects.exists()
    response = client.post(reverse("dealers:job_new"), {
        "phone": net["c_east"].phone, "kind": "install", "description": "新装", "reference": "R1"})
    assert response.status_code == 302
    assert DealerJob.objects.get().source == "own"


def test_report_submitted_from_its_page(client, net, clock_at):
    clock_at(9, 0, day=date(2026, 12, 5), tick=False)  # after the due day (the 3rd)
    services.monthly_reports_open(today=date(2026, 12, 1))
    report = MonthlyReport.objects.get(dealer=net["d1"])
    other = MonthlyReport.objects.get(dealer=net["d2"])
    client.force_login(net["u1"])
    assert client.get(reverse("dealers:report", args=[other.pk])).status_code == 404
    response = client.post(reverse("dealers:report", args=[report.pk]), {
        "installs": "3", "repairs": "8", "follow_ups": "5", "training": "1",
        "parts_replaced": "4"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted" and report.repairs == 8
    client.force_login(net["cast"].manager)
    page = client.get(reverse("dealers:reports") + "?state=overdue").content.decode()
    assert "闵行经销商" in page and "浦东经销商" not in page


def test_archive_figures_and_excel(client, net, clock_at):
    cast = net["cast"]
    clock_at(10, 0, day=date(2026, 11, 12), tick=False)
    for customer in (net["c_east"], CustomerFactory(address="浦东新区花木路")):
        row = services.job_hand_to_dealer(actor=cast.supervisor, dealer=net["d1"],
                                          job=new_request(cast, customer=customer))
        services.dealer_job_complete(actor=net["u1"], job=row, fault_found="a", fault_cause="b",
                                     action_taken="c", confirmed_by="d", rating=3)
    client.force_login(cast.manager)
    page = client.get(reverse("dealers:archive") + "?from=2026-11&to=2026-11").content.decode()
    assert f'data-figures="{net["d1"].pk}-2026-11"' in page and "100.0%" in page
    response = client.get(reverse("dealers:archive") + "?from=2026-11&to=2026-11&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[1][:5] == ("2026-11", "浦东经销商", 2, 0, 2)
    client.force_login(cast.agent)
    response = client.post(reverse("dealers:audit") + "?month=2026-11", {"draw": "1",
                                                                         "month": "2026-11"})
    assert response.status_code == 403  # agents record call-backs; the draw is HQ's


def test_lists_take_as_many_queries_for_many_rows_as_for_few(client, net):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(user, url):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    cast = net["cast"]
    job = new_request(cast, customer=net["c_east"])
    services.job_hand_to_dealer(actor=cast.supervisor, job=job, dealer=net["d1"])
    few = {"list": count(cast.manager, reverse("dealers:home")),
           "jobs": count(cast.manager, reverse("dealers:jobs")),
           "home": count(net["u1"], reverse("dealers:home"))}
    for n in range(5):
        dealer_make(f"X{n}", f"经销商{n}", net["east"], centre=cast.centre)
        customer = CustomerFactory(address=f"上海市浦东新区某路{n}号")
        services.job_hand_to_dealer(actor=cast.supervisor, job=new_request(cast, customer=customer),
                                    dealer=net["d1"])
    services.monthly_reports_open(today=date(2026, 12, 1))
    assert count(cast.manager, reverse("dealers:home")) == few["list"]
    assert count(cast.manager, reverse("dealers:jobs")) == few["jobs"]
    assert count(net["u1"], reverse("dealers:home")) == few["home"]


def test_training_given_to_a_dealer_counts_in_its_archive(client, net, clock_at):
    """DL-1, AR-5: the service department records a training on the dealer's page; the archive
    counts the people trained that month (page and Excel); bad input is refused whole; a
    supervisor reads but does not record."""
    from ..models import DealerTraining

    cast, d1 = net["cast"], net["d1"]
    clock_at(10, 0, day=date(2026, 11, 20), tick=False)
    client.force_login(cast.manager)
    url = reverse("dealers:training_add", args=[d1.pk])
    response = client.post(url, {"held_on": "2026-11-18", "topic": "燃气热水器新机型安装培训",
                                 "attendees": "6", "trainer": "技术部 王工"})
    assert response["Location"].endswith(f"/dealers/{d1.pk}/#trainings")
    bad = client.post(url, {"held_on": "2026-11-30", "topic": "", "attendees": "0"}, follow=True)
    assert DealerTraining.objects.count() == 1 and "msg-error" in bad.content.decode()
    page = client.get(reverse("dealers:detail", args=[d1.pk])).content.decode()
    assert "燃气热水器新机型安装培训" in page and "data-record-training" in page
    page = client.get(reverse("dealers:archive") + "?from=2026-11&to=2026-11").content.decode()
    assert f'data-figures="{d1.pk}-2026-11"' in page
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("dealers:archive") + "?from=2026-11&to=2026-11&export=xlsx").content)).active
    head, first = list(sheet.values)[:2]
    assert first[head.index("我方培训人数")] == 6
    client.force_login(cast.supervisor)
    assert "data-record-training" not in client.get(
        reverse("dealers:detail", args=[d1.pk])).content.decode()
    assert client.post(url, {"held_on": "2026-11-18", "topic": "x", "attendees": "1"}
                       ).status_code == 403


def _parts_post(*lines):
    """The completion form's part lines as the page posts them."""
    data = {"parts-TOTAL_FORMS": "3", "parts-INITIAL_FORMS": "0"}
    for index, (code, quantity) in enumerate(lines):
        data[f"parts-{index}-part"], data[f"parts-{index}-quantity"] = code, quantity
    return data


def test_the_dealer_records_the_parts_it_fitted_and_sends_the_faulty_one_back(client, net,
                                                                           clock_at):
    clock_at(10, 0, day=date(2026, 11, 10), tick=False)
    cast = net["cast"]
    Warehouse.objects.create(code="C-1", name="总仓", kind=WarehouseKind.CENTRAL)
    place = Warehouse.objects.create(code="D1-S", name="浦东经销商库", kind=WarehouseKind.DEALER,
                                     dealer=net["d1"])
    part = PartFactory(code="IGN-7", name="点火针")
    stock_move(actor=cast.manager, warehouse=place, part=part, kind=MoveKind.RECEIPT, quantity=2)
    job = new_request(cast, customer=net["c_east"])  # in warranty
    row = services.job_hand_to_dealer(actor=cast.supervisor, job=job, dealer=net["d1"])
    client.force_login(net["u1"])
    page = client.get(reverse("dealers:job", args=[row.pk])).content.decode()
    assert 'name="parts-0-part"' in page and '<option value="IGN-7">' in page
    done = {"fault_found": "不点火", "fault_cause": "点火针坏", "action_taken": "换点火针",
            "confirmed_by": "王先生"}
    url = reverse("dealers:job_complete", args=[row.pk])
    unknown = client.post(url, {**done, **_parts_post(("NOPE-1", "1"))})
    assert unknown.status_code == 400 and "NOPE-1" in unknown.content.decode()
    short = client.post(url, {**done, **_parts_post(("IGN-7", "3"))})
    assert short.status_code == 400
    assert "浦东经销商库 的 IGN-7 只有 2" in short.content.decode()
    assert DealerJob.objects.get(pk=row.pk).state == JobState.HANDED_OVER
    response = client.post(url, {**done, **_parts_post(("ign-7", ""))})  # any case; 1 by default
    assert response.status_code == 302
    assert stock_on_hand(warehouse=place, part=part) == 1
    page = client.get(reverse("dealers:job", args=[row.pk])).content.decode()
    assert 'data-fitted="IGN-7"' in page and 'data-obligation-status="open"' in page
    # the dealer sends the faulty part back from the returns page; HQ sees the job's parts
    obligation = ReturnObligation.objects.get()
    returns = client.get(reverse("parts:returns")).content.decode()
    assert f'data-obligation="{obligation.pk}"' in returns and "data-send" in returns
    response = client.post(reverse("parts:return_step", args=[obligation.pk, "send"]),
                           {"faulty_serial": "F-77", "tracking": "SF1"})
    assert response.status_code == 302
    assert ReturnObligation.objects.get().status == ReturnStatus.SENT
    other = dealer_login(net["d2"], "dealer-2")
    client.force_login(other)
    assert f'data-obligation="{obligation.pk}"' not in client.get(
        reverse("parts:returns")).content.decode()
    assert client.post(reverse("parts:return_step", args=[obligation.pk, "send"]),
                       {"faulty_serial": "X"}).status_code == 404  # not its own
    assert ReturnObligation.objects.get().status == ReturnStatus.SENT
    client.force_login(cast.manager)
    page = client.get(reverse("dealers:job", args=[row.pk])).content.decode()
    assert 'data-fitted="IGN-7"' in page and 'data-obligation-status="sent"' in page
    client.post(reverse("parts:return_step", args=[obligation.pk, "receive"]), {})
    assert ReturnObligation.objects.get().status == ReturnStatus.RECEIVED
