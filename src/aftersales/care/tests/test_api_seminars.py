"""/api/v1/ for influence centres, user seminars and referrals: read, invite (idempotent),
answers within the seats, referrals from a customer or a centre; and their schema."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient
from tests.test_api_schema import (  # noqa: F401
    demo,
    disagreements_text,
    in_process,
    schema_disagreements,
)

from aftersales.care import services
from aftersales.care.models import Referral, SeminarGuest
from aftersales.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
PATHS = ("/api/v1/influence-centres/", "/api/v1/seminars/", "/api/v1/seminar-guests/",
         "/api/v1/referrals/")


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def seminar(cast, time_machine):
    time_machine.move_to(datetime(2026, 6, 10, 9, 0, tzinfo=SH), tick=False)
    return services.seminar_save(
        actor=cast.supervisor, title="座谈会", kind="forum", place="会议室",
        starts_at=datetime(2026, 6, 13, 14, 0, tzinfo=SH), service_centre=cast.centre,
        host=cast.supervisor, capacity=1, agenda="")


def test_invite_once_and_answer_within_the_seats(cast, seminar):
    a, b = CustomerFactory(), CustomerFactory()
    api = _client(cast.agent)
    body = {"customers": [a.pk, b.pk], "send": False}
    headers = {"Idempotency-Key": "invite-1"}
    first = api.post(f"/api/v1/seminars/{seminar.pk}/invite/", body, format="json", headers=headers)
    assert first.status_code == 200, first.content
    assert first.json() == {"added": 2, "already": 0, "sent": 0}
    again = api.post(f"/api/v1/seminars/{seminar.pk}/invite/", body, format="json",
                     headers=headers)
    assert again.json() == first.json() and SeminarGuest.objects.count() == 2
    detail = api.get(f"/api/v1/seminars/{seminar.pk}/").json()
    assert {g["customer"] for g in detail["guests"]} == {a.pk, b.pk}
    ga, gb = (seminar.guests.get(customer=c) for c in (a, b))
    ok = api.post(f"/api/v1/seminar-guests/{ga.pk}/answer/", {"answer": "confirm"},
                  format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed"
    full = api.post(f"/api/v1/seminar-guests/{gb.pk}/answer/", {"answer": "confirm"},
                    format="json")
    assert full.status_code == 400
    gb.refresh_from_db()
    assert gb.status == "invited"
    assert _client(cast.technician).post(f"/api/v1/seminars/{seminar.pk}/invite/", body,
                                         format="json").status_code == 404


def test_referrals_from_a_customer_or_a_centre(cast):
    centre = services.influence_centre_save(actor=cast.supervisor, name="阳光物业",
                                            kind="property", keeper=cast.agent)
    api = _client(cast.agent)
    made = api.post("/api/v1/referrals/", {"centre": centre.pk, "prospect_name": "李女士"},
                    format="json")
    assert made.status_code == 201, made.content
    assert made.json()["centre"] == centre.pk and made.json()["referrer"] is None
    both = api.post("/api/v1/referrals/", {"centre": centre.pk, "referrer": CustomerFactory().pk,
                                           "prospect_name": "x"}, format="json")
    assert both.status_code == 400 and Referral.objects.count() == 1
    listed = api.get(f"/api/v1/referrals/?centre={centre.pk}").json()["results"]
    assert [r["prospect_name"] for r in listed] == ["李女士"]
    assert api.get("/api/v1/influence-centres/").json()["results"][0]["name"] == "阳光物业"


@pytest.mark.parametrize("role", ["agent", "technician"])
def test_the_seminar_api_answers_as_its_schema_says(in_process, demo, role):  # noqa: F811
    cast, ids = demo
    centre = services.influence_centre_save(actor=cast.supervisor, name="好家装饰",
                                            kind="decoration", keeper=cast.agent)
    referral = services.referral_create(actor=cast.agent, centre=centre, prospect_name="周先生")
    ids = {**ids, "influence-centres": [centre.pk], "referrals": [referral.pk]}
    ran, failures = schema_disagreements(in_process, getattr(cast, role), ids, PATHS)
    assert ran >= 4
    assert not failures, disagreements_text(failures)
