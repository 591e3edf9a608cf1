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


def test_a_dealer_system_reads_and_sends_back_what_its_dealer_owes_and_nothing_else(clock_at):
    """A dealer's login (its system's token) lists the faulty parts its dealer owes — not another
    dealer's, not a technician's — records their serials and sends them back; receiving is HQ's,
    and loans stay staff's."""
    from aftersales.dealers import services as dealers
    from aftersales.dealers.tests.factories import dealer_login, dealer_make, region_make
    from aftersales.parts.choices import WarehouseKind
    from aftersales.parts.models import Warehouse
    from aftersales.parts.tests.factories import PartFactory
    from aftersales.service.tests.factories import Cast, new_request

    clock_at(10, 0, day=TODAY, tick=False)
    cast = Cast()
    Warehouse.objects.create(code="C-API", name="总仓", kind=WarehouseKind.CENTRAL)
    region = region_make("PD", "浦东", "浦东新区")
    mine, other = (dealer_make(code, name, region, centre=cast.centre)
                   for code, name in (("D1", "浦东经销商"), ("D2", "另一经销商")))
    stock = Warehouse.objects.create(code="D1-API", name="经销商库", kind=WarehouseKind.DEALER,
                                     dealer=mine)
    part = PartFactory(code="IGN-API")
    stock_move(actor=cast.manager, warehouse=stock, part=part, kind=MoveKind.RECEIPT, quantity=2)
    user = dealer_login(mine, "dealer-api-1")
    customer = CustomerFactory(address="上海市浦东新区张江路1号")
    job = dealers.job_hand_to_dealer(actor=cast.supervisor, job=new_request(cast, customer=customer),
                                     dealer=mine)
    dealers.dealer_job_complete(actor=user, job=job, parts=[(part, 1)], fault_found="不点火",
                                fault_cause="点火针", action_taken="更换", confirmed_by="王先生")
    owed = ReturnObligation.objects.get(dealer=mine)
    _job(chargeable=False)  # a technician's job elsewhere, with its own obligation to come
    api = _client(user)
    rows = api.get("/api/v1/return-obligations/").json()["results"]
    assert [(r["id"], r["dealer"], r["dealer_job_part"]) for r in rows] == [
        (owed.pk, mine.pk, job.parts.get().pk)]
    assert _client(dealer_login(other, "dealer-api-2")).get(
        "/api/v1/return-obligations/").json()["results"] == []
    assert api.post(f"/api/v1/return-obligations/{owed.pk}/serials/",
                    {"faulty_serial": "F-9"}, format="json").status_code == 200
    sent = api.post(f"/api/v1/return-obligations/{owed.pk}/send/", {"tracking": "SF9"},
                    format="json", HTTP_IDEMPOTENCY_KEY="ship-1")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    assert api.post(f"/api/v1/return-obligations/{owed.pk}/receive/", {},
                    format="json").status_code == 403
    assert api.get("/api/v1/loans/").status_code == 403
    owed.refresh_from_db()
    assert (owed.status, owed.faulty_serial, owed.tracking) == ("sent", "F-9", "SF9")
