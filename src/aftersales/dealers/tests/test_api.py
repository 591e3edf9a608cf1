"""/api/v1/ for dealers: a dealer's system, logged in as the dealer's user, sees only its own
dealer, pushes its calls (idempotent), completes jobs handed to it and submits its report; it
reaches no other endpoint."""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import ReturnObligation, StockMove, Warehouse
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.services import stock_move
from aftersales.parts.tests.factories import PartFactory
from aftersales.service.tests.factories import Cast, new_request

from .. import services
from ..models import DealerJob, DealerJobPart, MonthlyReport
from .factories import dealer_login, dealer_make, region_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    cast = Cast()
    east, west = region_make("PD", "浦东", "浦东新区"), region_make("MH", "闵行", "闵行区")
    d1 = dealer_make("D1", "浦东经销商", east, centre=cast.centre)
    d2 = dealer_make("D2", "闵行经销商", west, centre=cast.centre)
    return {"cast": cast, "d1": d1, "d2": d2, "u1": dealer_login(d1, "dealer-1"),
            "u2": dealer_login(d2, "dealer-2"),
            "east": CustomerFactory(address="上海市浦东新区张江路1号"),
            "west": CustomerFactory(address="上海市闵行区莘庄路2号")}


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_dealer_reads_only_its_own_dealer_and_no_other_endpoint(net):
    api = client_for(net["u1"])
    body = api.get("/api/v1/dealers/").json()
    assert [d["code"] for d in body["results"]] == ["D1"]
    assert api.get(f"/api/v1/dealers/{net['d2'].pk}/").status_code == 404
    for url in ("/api/v1/customers/", "/api/v1/service-requests/", "/api/v1/warehouses/"):
        assert api.get(url).status_code == 403


def test_pushed_call_is_idempotent_and_region_checked(net):
    api = client_for(net["u1"])
    body = {"customer": net["east"].pk, "kind": "repair", "description": "漏水", "reference": "X-1"}
    first = api.post("/api/v1/dealer-jobs/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = api.post("/api/v1/dealer-jobs/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201 and again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and DealerJob.objects.count() == 1
    assert first.json()["due_at"] is not None
    other = api.post("/api/v1/dealer-jobs/", {**body, "customer": net["west"].pk,
                                              "reference": "X-2"}, format="json")
    assert other.status_code == 400 and DealerJob.objects.count() == 1
    hq = client_for(net["cast"].manager)
    assert hq.post("/api/v1/dealer-jobs/", body, format="json").status_code == 403


def test_hand_over_by_hq_and_completion_by_the_dealer(net):
    job = new_request(net["cast"], customer=net["east"])
    hq = client_for(net["cast"].supervisor)
    response = hq.post("/api/v1/dealer-jobs/hand-over/", {"request": job.pk,
                                                         "dealer": net["d1"].pk}, format="json")
    assert response.status_code == 201, response.content
    row_id = response.json()["id"]
    assert client_for(net["u2"]).post(f"/api/v1/dealer-jobs/{row_id}/accept/").status_code == 404
    api = client_for(net["u1"])
    assert client_for(net["u1"]).post("/api/v1/dealer-jobs/hand-over/", {
        "request": job.pk, "dealer": net["d1"].pk}, format="json").status_code in (400, 403)
    done = api.post(f"/api/v1/dealer-jobs/{row_id}/complete/", {
        "fault_found": "不点火", "fault_cause": "点火针脏", "action_taken": "清洁",
        "confirmed_by": "王先生", "rating": 4}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "completed"
    again = api.post(f"/api/v1/dealer-jobs/{row_id}/complete/", {
        "fault_found": "a", "fault_cause": "b", "action_taken": "c", "confirmed_by": "d"},
        format="json")
    assert again.status_code == 409


def test_report_submitted_through_the_api(net):
    services.monthly_reports_open(today=date(2026, 12, 1))
    report = MonthlyReport.objects.get(dealer=net["d1"])
    other = MonthlyReport.objects.get(dealer=net["d2"])
    api = client_for(net["u1"])
    assert [r["id"] for r in api.get("/api/v1/dealer-reports/").json()["results"]] == [report.pk]
    assert api.post(f"/api/v1/dealer-reports/{other.pk}/submit/", {"installs": 1, "repairs": 1},
                    format="json").status_code == 404
    response = api.post(f"/api/v1/dealer-reports/{report.pk}/submit/",
                        {"installs": 2, "repairs": 6}, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    replay = api.post(f"/api/v1/dealer-reports/{report.pk}/submit/",
                      {"installs": 2, "repairs": 6}, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"


def _stocked(net, part_code="IGN-9", quantity=2):
    """D1's stock place holding ``quantity`` of a part."""
    place = Warehouse.objects.create(code="D1-S", name="浦东经销商库", kind=WarehouseKind.DEALER,
                                     dealer=net["d1"])
    part = PartFactory(code=part_code, unit_price=Decimal("35.50"))
    stock_move(actor=net["cast"].manager, warehouse=place, part=part, kind=MoveKind.RECEIPT,
               quantity=quantity)
    return place, part


DONE = {"fault_found": "不点火", "fault_cause": "点火针脏", "action_taken": "换点火针",
        "confirmed_by": "王先生"}


def test_completion_with_the_parts_fitted(net, clock_at):
    clock_at(10, 0, day=date(2026, 11, 10), tick=False)
    place, part = _stocked(net)
    job = new_request(net["cast"], customer=net["east"])  # in warranty: the parts are free
    row = services.job_hand_to_dealer(actor=net["cast"].supervisor, job=job, dealer=net["d1"])
    api = client_for(net["u1"])
    url = f"/api/v1/dealer-jobs/{row.pk}/complete/"
    unknown = api.post(url, {**DONE, "parts": [{"part": "NOPE", "quantity": 1}]}, format="json")
    assert unknown.status_code == 400 and "parts" in unknown.json()
    short = api.post(url, {**DONE, "parts": [{"part": "IGN-9", "quantity": 3}]}, format="json",
                     HTTP_ACCEPT_LANGUAGE="en")
    assert short.status_code == 400
    assert short.json()["parts"] == [  # in the caller's language
        f"Only 2 {part.unit} of IGN-9 in 浦东经销商库: 3 cannot be taken."]
    assert DealerJob.objects.get(pk=row.pk).state == "handed_over"
    assert stock_on_hand(warehouse=place, part=part) == 2
    done = api.post(url, {**DONE, "parts": [{"part": "IGN-9", "quantity": 2}]}, format="json",
                    HTTP_IDEMPOTENCY_KEY="c1")
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["state"] == "completed"
    assert body["parts"] == [{"id": DealerJobPart.objects.get().pk, "part": part.pk,
                              "part_code": "IGN-9", "quantity": 2, "unit_price": "35.50",
                              "charged": False}]
    assert stock_on_hand(warehouse=place, part=part) == 0
    assert ReturnObligation.objects.get().dealer == net["d1"]
    replay = api.post(url, {**DONE, "parts": [{"part": "IGN-9", "quantity": 2}]}, format="json",
                      HTTP_IDEMPOTENCY_KEY="c1")
    assert replay.status_code == 200 and StockMove.objects.filter(kind=MoveKind.ISSUE).count() == 1


def test_an_own_call_names_its_unit_and_old_clients_complete_without_parts(net, clock_at):
    clock_at(10, 0, day=date(2026, 11, 10), tick=False)
    place, part = _stocked(net)
    api = client_for(net["u1"])
    first = api.post("/api/v1/dealer-jobs/", {"customer": net["east"].pk, "description": "漏水"},
                     format="json").json()
    unit = InstalledProductFactory(customer=net["east"])
    response = api.post(f"/api/v1/dealer-jobs/{first['id']}/complete/", {
        **DONE, "installed_product": unit.pk, "parts": [{"part": "IGN-9"}]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["installed_product"] == unit.pk
    assert response.json()["parts"][0]["charged"] is False  # the unit is in warranty
    assert ReturnObligation.objects.get().request is None
    second = api.post("/api/v1/dealer-jobs/", {"customer": net["east"].pk, "description": "异响"},
                      format="json").json()
    old = api.post(f"/api/v1/dealer-jobs/{second['id']}/complete/", DONE, format="json")
    assert old.status_code == 200 and old.json()["parts"] == []
    assert StockMove.objects.filter(kind=MoveKind.ISSUE).count() == 1


def test_the_schema_documents_the_parts_of_a_completion(net):
    schema = client_for(net["cast"].manager).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/dealer-jobs/{id}/complete/"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(body["required"]) == {"fault_found", "fault_cause", "action_taken",
                                     "confirmed_by"}  # parts and the unit are optional
    assert body["properties"]["parts"]["type"] == "array" and body["properties"]["parts"][
        "description"]
    line = schema["components"]["schemas"][
        body["properties"]["parts"]["items"]["$ref"].rsplit("/", 1)[1]]
    assert set(line["properties"]) == {"part", "quantity"} and line["required"] == ["part"]
    assert body["properties"]["installed_product"]["nullable"] is True
