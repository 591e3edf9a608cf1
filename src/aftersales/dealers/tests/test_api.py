"""/api/v1/ for dealers: a dealer's system, logged in as the dealer's user, sees only its own
dealer, pushes its calls (idempotent), completes jobs handed to it and submits its report; it
reaches no other endpoint."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.tests.factories import Cast, new_request

from .. import services
from ..models import DealerJob, MonthlyReport
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
