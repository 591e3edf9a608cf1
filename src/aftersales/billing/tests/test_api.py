"""/api/v1/ for billing: payments need an Idempotency-Key and are recorded once; a technician
sees only his own; quotes answered, hand-overs confirmed; a denied action changes nothing."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.billing.choices import HandoverState, QuoteState
from aftersales.billing.models import Handover, Payment, Quote
from aftersales.billing.selectors import charge_sheet_for
from aftersales.billing.services import quote_make
from aftersales.service.choices import Status

from .factories import Cast, Money, complete, job_a, on_site_with_part, priced_part

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _sheet(cast):
    job = complete(cast, on_site_with_part(cast, job_a(cast), priced_part("API-1", price="20.00",
                                                                              cost="5.00")))
    return charge_sheet_for(job)


def test_a_payment_needs_a_key_and_is_recorded_once():
    cast = Cast()
    sheet = _sheet(cast)
    api = _client(cast.technician)
    body = {"sheet": sheet.pk, "amount": "100.00", "method": "cash"}
    assert api.post("/api/v1/payments/", body, format="json").status_code == 400
    first = api.post("/api/v1/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = api.post("/api/v1/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    over = api.post("/api/v1/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert over.status_code == 400 and "amount" in over.json()
    assert Payment.objects.count() == 1
    listed = api.get("/api/v1/payments/").json()
    assert listed["count"] == 1 and listed["results"][0]["number"].startswith("SK")
    sheets = api.get("/api/v1/charge-sheets/").json()["results"]
    assert sheets[0]["total"] == "100.00" and len(sheets[0]["lines"]) == 2


def test_another_technician_neither_sees_nor_takes_payments():
    cast = Cast()
    sheet = _sheet(cast)
    _client(cast.technician).post("/api/v1/payments/", {"sheet": sheet.pk, "amount": "10.00",
                                                        "method": "cash"},
                                  format="json", HTTP_IDEMPOTENCY_KEY="a")
    stranger = UserFactory(username="tech-api", role=Role.TECHNICIAN, service_centre=cast.centre)
    api = _client(stranger)
    assert api.get("/api/v1/payments/").json()["count"] == 0
    assert api.get("/api/v1/handovers/").json()["count"] == 0
    denied = api.post("/api/v1/payments/", {"sheet": sheet.pk, "amount": "10.00",
                                            "method": "cash"},
                      format="json", HTTP_IDEMPOTENCY_KEY="b")
    assert denied.status_code == 400 and Payment.objects.count() == 1  # the sheet is unknown to him


def test_the_accountant_confirms_a_hand_over_the_technician_cannot():
    cast = Cast()
    sheet = _sheet(cast)
    _client(cast.technician).post("/api/v1/payments/", {"sheet": sheet.pk, "amount": "100.00",
                                                        "method": "qr"},
                                  format="json", HTTP_IDEMPOTENCY_KEY="h")
    handover = Handover.objects.get()
    url = f"/api/v1/handovers/{handover.pk}/confirm/"
    assert _client(cast.technician).post(url, {"counted": "100.00"},
                                         format="json").status_code == 403
    assert Handover.objects.get().state == HandoverState.OPEN
    response = _client(Money(cast).accountant).post(url, {"counted": "100.00"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "confirmed"
    assert response.json()["taken"] == "100.00"


def test_the_agent_records_an_agreement_through_the_api():
    cast = Cast()
    job = job_a(cast)
    quote = quote_make(actor=cast.agent, request=job)
    api = _client(cast.agent)
    assert api.get(f"/api/v1/quotes/{quote.pk}/").json()["lines"]
    response = api.post(f"/api/v1/quotes/{quote.pk}/agree/", {"signer_name": "李四"},
                        format="json")
    assert response.status_code == 200 and response.json()["state"] == QuoteState.AGREED
    job.refresh_from_db()
    assert job.status == Status.REGISTERED
    again = api.post(f"/api/v1/quotes/{quote.pk}/decline/", {"note": "x"}, format="json")
    assert again.status_code == 409 and Quote.objects.get().state == QuoteState.AGREED
