"""/api/v1/warranty-outcomes/: read, and decide with an Idempotency-Key (a refund moves money)."""

import pytest
from rest_framework.test import APIClient

from aftersales.invoicing.models import CreditNote
from aftersales.service.tests.factories import Cast
from aftersales.warranty.models import WarrantyOutcome

from .helpers import job_with_priors


@pytest.mark.django_db
def test_decide_a_refund_once_with_the_same_key(clock_at):
    clock_at(10, 0)
    cast = Cast()
    job, earlier = job_with_priors(cast, priors=2)
    api = APIClient()
    api.force_authenticate(cast.supervisor)
    body = {"request": job.pk, "kind": "refund", "refund_amount": "1500.00",
            "same_fault": [r.pk for r in earlier], "note": "三次同一故障"}
    first = api.post("/api/v1/warranty-outcomes/", body, format="json",
                     HTTP_IDEMPOTENCY_KEY="sb-1")
    assert first.status_code == 201, first.json()
    again = api.post("/api/v1/warranty-outcomes/", body, format="json",
                     HTTP_IDEMPOTENCY_KEY="sb-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert WarrantyOutcome.objects.count() == 1 and CreditNote.objects.count() == 1
    data = first.json()
    assert data["kind"] == "refund" and data["credit_note_number"].startswith("CN") or \
        data["credit_note_number"]
    assert data["entitled"] == ["repair", "replacement", "refund"]
    # Without the key a repeat is a conflict, never a second refund.
    assert api.post("/api/v1/warranty-outcomes/", body, format="json").status_code == 409
    assert api.get(f"/api/v1/warranty-outcomes/{data['id']}/").json()["number"] == data["number"]
    assert api.get("/api/v1/warranty-outcomes/", {"kind": "refund"}).json()["count"] == 1


@pytest.mark.django_db
def test_not_entitled_is_400_and_agents_403(clock_at):
    clock_at(10, 0)
    cast = Cast()
    job, _ = job_with_priors(cast)
    api = APIClient()
    api.force_authenticate(cast.supervisor)
    response = api.post("/api/v1/warranty-outcomes/", {"request": job.pk, "kind": "refund",
                                                        "refund_amount": "10.00"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()
    api.force_authenticate(cast.agent)
    response = api.post("/api/v1/warranty-outcomes/", {"request": job.pk, "kind": "repair"},
                        format="json")
    assert response.status_code == 403
    assert not WarrantyOutcome.objects.exists()
