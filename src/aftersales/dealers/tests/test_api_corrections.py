"""A completed job's parts corrected through /api/v1/ (as on the job page): the dealer's system
adds a part it fitted but did not record, or takes off one recorded by mistake, until the
month's report is sent — idempotent, the dealer's login only, and a refusal changes nothing."""

from datetime import date
from decimal import Decimal

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.events import event_list
from aftersales.parts.choices import MoveKind
from aftersales.parts.models import ReturnObligation, ReturnStatus, StockMove
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.tests.factories import PartFactory

from .. import services
from ..models import DealerJobPart, MonthlyReport
from . import test_job_parts
from .test_api import client_for
from .test_job_parts import DONE, handed

net = test_job_parts.net  # the same dealers, stock and part as the page's corrections


def complete(net, *lines):
    return services.dealer_job_complete(actor=net["u1"], job=handed(net), parts=list(lines),
                                        **DONE)


def add_url(job):
    return f"/api/v1/dealer-jobs/{job.pk}/parts/"


def take_off_url(job, line_id):
    return f"/api/v1/dealer-jobs/{job.pk}/parts/{line_id}/take-off/"


def corrections(job):
    return [(e.action, e.note, e.data) for e in event_list(job) if e.action.startswith("part_")]


def test_a_part_fitted_but_not_recorded_is_added_through_the_api(net):
    done = complete(net)
    response = client_for(net["u1"]).post(add_url(done), {
        "part": net["part"].pk, "quantity": 2, "reason": "完工时漏记"}, format="json")
    assert response.status_code == 201, response.content
    line = DealerJobPart.objects.get()
    assert (line.job, line.part, line.quantity, line.unit_price, line.charged) == (
        done, net["part"], 2, Decimal("35.50"), False)
    body = response.json()
    assert (body["id"], body["state"]) == (done.pk, "completed")
    assert body["parts"] == [{"id": line.pk, "part": net["part"].pk, "part_code": "IGN-1",
                              "quantity": 2, "unit_price": "35.50", "charged": False}]
    move = StockMove.objects.get(kind=MoveKind.ISSUE)
    assert (move.warehouse, move.quantity, move.reference, move.actor) == (
        net["stock"], Decimal(-2), f"dealer-part:{line.pk}", net["u1"])
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 1
    assert ReturnObligation.objects.get().dealer_job_part == line  # free: owed back
    assert corrections(done) == [("part_add", "完工时漏记", {"part": "IGN-1", "quantity": 2})]


def test_the_quantity_is_one_unless_told(net):
    done = complete(net)
    response = client_for(net["u1"]).post(add_url(done), {
        "part": net["part"].pk, "reason": "漏记"}, format="json")
    assert response.status_code == 201 and response.json()["parts"][0]["quantity"] == 1


def test_a_part_recorded_by_mistake_is_taken_off_back_into_stock(net):
    done = complete(net, (net["part"], 2))
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 1
    line = done.parts.get()
    response = client_for(net["u1"]).post(take_off_url(done, line.pk), {"reason": "未更换"},
                                          format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["state"], body["parts"]) == (done.pk, "completed", [])
    assert not DealerJobPart.objects.exists()
    back = StockMove.objects.get(kind=MoveKind.RETURN)
    assert (back.warehouse, back.quantity, back.reference) == (
        net["stock"], Decimal(2), f"dealer-part:{line.pk}")
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 3
    assert ReturnObligation.objects.get().status == ReturnStatus.CANCELLED
    assert corrections(done) == [("part_take_off", "未更换", {"part": "IGN-1", "quantity": 2})]


def test_the_same_idempotency_key_corrects_once(net):
    done = complete(net)
    api = client_for(net["u1"])
    body = {"part": net["part"].pk, "quantity": 1, "reason": "漏记"}
    first = api.post(add_url(done), body, format="json", HTTP_IDEMPOTENCY_KEY="add-1")
    again = api.post(add_url(done), body, format="json", HTTP_IDEMPOTENCY_KEY="add-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert DealerJobPart.objects.count() == 1
    assert StockMove.objects.filter(kind=MoveKind.ISSUE).count() == 1
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 2
    assert len(corrections(done)) == 1
    line_id = first.json()["parts"][0]["id"]
    first = api.post(take_off_url(done, line_id), {"reason": "错"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="off-1")
    again = api.post(take_off_url(done, line_id), {"reason": "错"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="off-1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again["Idempotent-Replayed"] == "true" and again.json()["parts"] == []
    assert StockMove.objects.filter(kind=MoveKind.RETURN).count() == 1
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 3


def _unchanged(net, done, line):
    assert list(done.parts.all()) == [line] and line.quantity == 1
    assert stock_on_hand(warehouse=net["stock"], part=net["part"]) == 2
    assert StockMove.objects.filter(kind=MoveKind.ISSUE).count() == 1
    assert not StockMove.objects.filter(kind=MoveKind.RETURN).exists()
    assert ReturnObligation.objects.get().status == ReturnStatus.OPEN
    assert corrections(done) == []


def test_another_dealer_sees_no_such_job_and_hq_may_not_correct(net):
    done = complete(net, (net["part"], 1))
    line = done.parts.get()
    admin = UserFactory(username="admin-1", role=Role.ADMIN, service_centre=None)
    other = PartFactory(code="VALVE-1")
    add = {"part": other.pk, "quantity": 1, "reason": "漏记"}
    off = {"reason": "错"}
    other_dealer = client_for(net["u2"])
    assert other_dealer.post(add_url(done), add, format="json").status_code == 404
    assert other_dealer.post(take_off_url(done, line.pk), off, format="json").status_code == 404
    # HQ sees the job but corrects nothing, as on the page (an admin too: the dealer's record)
    for user in (net["cast"].supervisor, net["cast"].manager, admin):
        hq = client_for(user)
        assert hq.get(f"/api/v1/dealer-jobs/{done.pk}/").status_code == 200
        assert hq.post(add_url(done), add, format="json").status_code == 403, user.role
        assert hq.post(take_off_url(done, line.pk), off, format="json").status_code == 403
    _unchanged(net, done, line)


def test_no_correction_once_the_month_is_reported(net, clock_at):
    done = complete(net, (net["part"], 1))
    line = done.parts.get()
    clock_at(10, 0, day=date(2026, 12, 1), tick=False)
    services.monthly_reports_open(today=date(2026, 12, 1))
    report = MonthlyReport.objects.get(dealer=net["d1"])
    services.monthly_report_submit(actor=net["u1"], report=report, installs=0, repairs=1,
                                   parts_replaced=1)
    api = client_for(net["u1"])
    refused = "此工单的配件已不能更正：工单未完工，或其所在月份已上报。"
    response = api.post(add_url(done), {"part": net["part"].pk, "reason": "漏记"},
                        format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [refused]}
    response = api.post(take_off_url(done, line.pk), {"reason": "未更换"}, format="json",
                        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [
        "The parts of this job can no longer be corrected: it is not completed, or its month "
        "has been reported."]}
    _unchanged(net, done, line)
    report.refresh_from_db()
    assert report.parts_replaced == 1


def test_a_line_of_another_job_or_none_is_not_found(net):
    done = complete(net, (net["part"], 1))
    line = done.parts.get()
    api = client_for(net["u1"])
    other = complete(net)  # the dealer's own other job
    assert api.post(take_off_url(other, line.pk), {"reason": "错"},
                    format="json").status_code == 404
    assert api.post(take_off_url(done, line.pk + 1000), {"reason": "错"},
                    format="json").status_code == 404
    assert api.post(f"/api/v1/dealer-jobs/{done.pk + 1000}/parts/",
                    {"part": net["part"].pk, "reason": "漏记"}, format="json").status_code == 404
    _unchanged(net, done, line)


def test_a_reason_is_required_and_the_service_refusals_name_the_field(net):
    done = complete(net, (net["part"], 1))
    line = done.parts.get()
    api = client_for(net["u1"])
    other = PartFactory(code="VALVE-9")
    for body in ({"part": other.pk}, {"part": other.pk, "reason": "  "}):
        response = api.post(add_url(done), body, format="json")
        assert response.status_code == 400 and list(response.json()) == ["reason"]
    for body in ({}, {"reason": ""}):
        response = api.post(take_off_url(done, line.pk), body, format="json")
        assert response.status_code == 400 and list(response.json()) == ["reason"]
    response = api.post(add_url(done), {"part": other.pk, "reason": "漏记"}, format="json",
                        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400  # none of it in the dealer's stock
    assert response.json() == {"parts": [
        f"Only 0 {other.unit} of VALVE-9 in 浦东经销商库: 1 cannot be taken."]}
    response = api.post(add_url(done), {"part": net["part"].pk, "reason": "再记一次"},
                        format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "IGN-1 已在此工单上" in response.json()["parts"][0]
    for field, body in (("part", {"part": 0}), ("quantity", {"part": other.pk, "quantity": 0})):
        response = api.post(add_url(done), {**body, "reason": "漏记"}, format="json")
        assert response.status_code == 400 and list(response.json()) == [field]
    _unchanged(net, done, line)


def test_the_schema_documents_the_corrections(net):
    schema = client_for(net["cast"].manager).get("/api/schema/?format=json").json()

    def body_of(operation):
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]

    add = schema["paths"]["/api/v1/dealer-jobs/{id}/parts/"]["post"]
    assert set(add["responses"]) >= {"201", "400", "403", "404"}
    assert set(body_of(add)["required"]) == {"part", "reason"}
    off = schema["paths"]["/api/v1/dealer-jobs/{id}/parts/{line}/take-off/"]["post"]
    assert set(off["responses"]) >= {"200", "400", "403", "404"}
    assert body_of(off)["required"] == ["reason"]
    line = [p for p in off["parameters"] if p["name"] == "line"][0]
    assert (line["in"], line["schema"]["type"], line["required"]) == ("path", "integer", True)
    assert "id" in schema["components"]["schemas"]["DealerJobPart"]["properties"]
