"""/api/v1/return-obligations/ and /api/v1/loans/ (PT-3): who sees what, the steps through the
services, idempotent POSTs, clear 400/403/404/409s."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.parts.choices import MoveKind
from aftersales.parts.models import Loan, ReturnObligation
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.services import stock_move
from aftersales.parts.tests.test_returns import TODAY, _job
from aftersales.service import services as service

pytestmark = pytest.mark.django_db


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def fitted(clock_at):
    clock_at(10, 0, day=TODAY, tick=False)
    cast, van, central, part, request = _job(chargeable=False)
    service.part_add(actor=cast.technician, request=request, part=part)
    return cast, van, central, part, request


def test_the_technician_sends_his_own_and_the_central_warehouse_receives_it(fitted):
    cast, van, central, part, request = fitted
    obligation = ReturnObligation.objects.get()
    other = UserFactory(username="tech-api-else", role="technician", service_centre=cast.centre)
    assert _client(other).get("/api/v1/return-obligations/").json()["results"] == []
    assert _client(other).post(f"/api/v1/return-obligations/{obligation.pk}/send/",
                               {"faulty_serial": "F"}, format="json").status_code == 404

    technician = _client(cast.technician)
    rows = technician.get("/api/v1/return-obligations/?overdue=false").json()["results"]
    assert [r["id"] for r in rows] == [obligation.pk] and rows[0]["due_on"] == "2026-12-18"
    response = technician.post(f"/api/v1/return-obligations/{obligation.pk}/send/", {},
                               format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "serial" in str(response.json())
    body = {"faulty_serial": "F-9", "tracking": "SF9"}
    first = technician.post(f"/api/v1/return-obligations/{obligation.pk}/send/", body,
                            format="json", HTTP_IDEMPOTENCY_KEY="send-1")
    again = technician.post(f"/api/v1/return-obligations/{obligation.pk}/send/", body,
                            format="json", HTTP_IDEMPOTENCY_KEY="send-1")
    assert first.status_code == again.status_code == 200 and first.json()["status"] == "sent"
    assert again["Idempotent-Replayed"] == "true"
    assert technician.post(f"/api/v1/return-obligations/{obligation.pk}/send/", body,
                           format="json").status_code == 409
    assert _client(cast.supervisor).post(
        f"/api/v1/return-obligations/{obligation.pk}/receive/", {},
        format="json").status_code == 403
    received = _client(cast.manager).post(f"/api/v1/return-obligations/{obligation.pk}/receive/",
                                          {}, format="json")
    assert received.status_code == 200 and received.json()["status"] == "received"


def test_loans_lend_and_come_back_through_the_ledger(fitted):
    cast, van, central, part, request = fitted
    stock_move(actor=cast.manager, warehouse=central, part=part, kind=MoveKind.RECEIPT,
               quantity=1)
    customer = CustomerFactory(service_centre=cast.centre)
    manager = _client(cast.manager)
    body = {"warehouse": central.pk, "part": part.pk, "quantity": "1", "customer": customer.pk,
            "due_on": "2026-12-10"}
    first = manager.post("/api/v1/loans/", body, format="json", HTTP_IDEMPOTENCY_KEY="loan-1")
    again = manager.post("/api/v1/loans/", body, format="json", HTTP_IDEMPOTENCY_KEY="loan-1")
    assert first.status_code == again.status_code == 201 and Loan.objects.count() == 1
    assert stock_on_hand(warehouse=central, part=part) == 0
    short = manager.post("/api/v1/loans/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert short.status_code == 400 and "Only 0" in short.json()["quantity"][0]
    both = manager.post("/api/v1/loans/", {**body, "dealer": None, "customer": None},
                        format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert both.status_code == 400 and "borrower" in both.json()
    loan_id = first.json()["id"]
    assert [r["id"] for r in manager.get("/api/v1/loans/?overdue=false").json()["results"]] == [
        loan_id]
    back = manager.post(f"/api/v1/loans/{loan_id}/return/", {}, format="json")
    assert back.status_code == 200 and back.json()["status"] == "returned"
    assert stock_on_hand(warehouse=central, part=part) == 1
    assert manager.post(f"/api/v1/loans/{loan_id}/return/", {}, format="json").status_code == 409
    assert date.fromisoformat(back.json()["due_on"]) == date(2026, 12, 10)
    assert _client(cast.technician).get(f"/api/v1/loans/{loan_id}/").status_code == 404
