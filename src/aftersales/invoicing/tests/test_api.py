"""/api/v1/ invoices, credit notes, return notes and receivables."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.tests.factories import Cast

from ..models import CreditNote, Invoice, ReturnNote
from .factories import accountant, payment_make, sheet_make

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def customer(cast):
    return CustomerFactory(service_centre=cast.centre)


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_issue_an_invoice_for_a_month_once_per_key(cast, customer):
    sheet_make(customer, "88.80", at=datetime(2026, 11, 2, 9, tzinfo=SH), cast=cast)
    api = _client(accountant())
    body = {"customer": customer.pk, "period": "2611"}
    first = api.post("/api/v1/invoices/", body, format="json", HTTP_IDEMPOTENCY_KEY="inv-1")
    assert first.status_code == 201, first.content
    assert first.data["total"] == "88.80" and first.data["kind"] == "batch"
    assert first.data["lines"][0]["net"] == "78.58" and first.data["lines"][0]["tax"] == "10.22"
    again = api.post("/api/v1/invoices/", body, format="json", HTTP_IDEMPOTENCY_KEY="inv-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.data["number"] == first.data["number"] and Invoice.objects.count() == 1
    other_key = api.post("/api/v1/invoices/", body, format="json", HTTP_IDEMPOTENCY_KEY="inv-2")
    assert other_key.status_code == 400 and "customer" in other_key.data  # nothing left
    assert api.post("/api/v1/invoices/", body, format="json").status_code == 400  # no key
    listing = api.get("/api/v1/invoices/", {"customer": customer.pk})
    assert listing.data["count"] == 1
    assert api.get(f"/api/v1/invoices/{first.data['id']}/").data["number"] == first.data["number"]


@pytest.mark.parametrize("body", [
    {"period": "2613"}, {"period": "26"}, {}, {"period": "2611", "sheets": []},
])
def test_bad_issue_requests_are_400(customer, body):
    response = _client(accountant()).post("/api/v1/invoices/", {"customer": customer.pk, **body},
                                          format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 400
    assert not Invoice.objects.exists()


def test_credit_notes_via_the_api_never_exceed_the_invoice(cast, customer):
    api = _client(accountant())
    invoice = api.post("/api/v1/invoices/", {"customer": customer.pk,
                                             "sheets": [sheet_make(customer, "100",
                                                                   cast=cast).pk]},
                       format="json", HTTP_IDEMPOTENCY_KEY="i").data
    body = {"customer": customer.pk, "invoice": invoice["id"], "amount": "60",
            "reason": "安装费多收", "lines": [{"description": "安装费", "amount": "60"}]}
    made = api.post("/api/v1/credit-notes/", body, format="json", HTTP_IDEMPOTENCY_KEY="c1")
    assert made.status_code == 201 and made.data["number"].startswith("CN")
    refused = api.post("/api/v1/credit-notes/", body, format="json", HTTP_IDEMPOTENCY_KEY="c2")
    assert refused.status_code == 400 and "40.00" in refused.data["amount"][0]
    refund = api.post("/api/v1/credit-notes/", {"customer": customer.pk, "kind": "refund",
                                                "amount": "15.5", "reason": "退款"},
                      format="json", HTTP_IDEMPOTENCY_KEY="c3")
    assert refund.status_code == 201 and refund.data["invoice"] is None
    assert CreditNote.objects.count() == 2
    assert api.get("/api/v1/credit-notes/", {"kind": "refund"}).data["count"] == 1


def test_return_notes_and_receivables(cast, customer):
    api = _client(accountant())
    sheet = sheet_make(customer, "200", cast=cast)
    invoice = api.post("/api/v1/invoices/", {"customer": customer.pk, "sheets": [sheet.pk]},
                       format="json", HTTP_IDEMPOTENCY_KEY="i").data
    payment_make(sheet, "50")
    note = api.post("/api/v1/return-notes/", {
        "invoice": invoice["id"], "reason": "配件未用退回",
        "lines": [{"description": "滤芯", "amount": "30", "quantity": "2"}]},
        format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert note.status_code == 201 and note.data["amount"] == "30.00"
    assert note.data["received_at"] is None and ReturnNote.objects.count() == 1
    rows = api.get("/api/v1/receivables/").data["results"]
    assert rows == [{"customer": customer.pk, "customer_name": customer.name,
                     "invoiced": "200.00", "paid": "50.00", "credited": "30.00",
                     "outstanding": "120.00", "not_due": "0.00",
                     "buckets": {"0_30": "120.00", "31_60": "0.00", "61_90": "0.00",
                                 "over_90": "0.00"}}]
    assert api.get("/api/v1/receivables/", {"as_of": "bad"}).status_code == 400


def test_desk_staff_read_but_may_not_issue_technicians_see_nothing(cast, customer):
    sheet = sheet_make(customer, "10", cast=cast)
    agent = _client(cast.agent)
    response = agent.post("/api/v1/invoices/", {"customer": customer.pk, "sheets": [sheet.pk]},
                          format="json", HTTP_IDEMPOTENCY_KEY="x")
    assert response.status_code == 403 and not Invoice.objects.exists()
    assert agent.get("/api/v1/invoices/").status_code == 200
    technician = _client(cast.technician)
    assert technician.get("/api/v1/invoices/").data["count"] == 0
    assert technician.get("/api/v1/receivables/").data["count"] == 0
    assert Decimal(sheet.total) == Decimal("10")
