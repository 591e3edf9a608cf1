"""/api/v1/surveys/ and /api/v1/follow-up-cases/: feedback read by outside systems (a BI, a
call centre's CRM), with the pages' rule of who sees which rows."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.feedback.models import FollowUpCase

from .helpers import answer, completed_job, fresh_token, survey_of

pytestmark = pytest.mark.django_db


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_surveys_with_their_ratings_and_score_filtered_by_answer(cast, other_cast):
    answered, waiting = completed_job(cast), completed_job(cast)
    elsewhere = completed_job(other_cast)
    before = timezone.now()
    answer(fresh_token(survey_of(answered)), attitude=4, skill=3, punctuality=2, promise=4,
           comment="来晚了一点")
    api = _client(cast.supervisor)
    rows = api.get("/api/v1/surveys/").json()["results"]
    assert {row["request"] for row in rows} == {answered.pk, waiting.pk}  # not the other centre's
    row = next(row for row in rows if row["request"] == answered.pk)
    assert row["request_number"] == answered.number and row["state"] == "answered"
    assert (row["attitude"], row["skill"], row["punctuality"], row["promise"]) == (4, 3, 2, 4)
    assert row["score"] == 75.0 and row["comment"] == "来晚了一点"
    assert next(r for r in rows if r["request"] == waiting.pk)["score"] is None
    only = api.get("/api/v1/surveys/?answered=true").json()["results"]
    assert [r["request"] for r in only] == [answered.pk]
    assert [r["request"] for r in api.get("/api/v1/surveys/?answered=false").json()["results"]] \
        == [waiting.pk]
    since = before.isoformat().replace("+00:00", "Z")
    assert [r["request"] for r in api.get(f"/api/v1/surveys/?answered_after={since}")
            .json()["results"]] == [answered.pk]
    assert api.get(f"/api/v1/surveys/{survey_of(elsewhere).pk}/").status_code == 404
    assert _client(other_cast.supervisor).get("/api/v1/surveys/").json()["count"] == 1
    # read only: surveys are answered through the customer's link, cases on the pages
    assert api.post("/api/v1/surveys/", {}, format="json").status_code == 405
    assert api.patch(f"/api/v1/surveys/{survey_of(answered).pk}/", {"comment": "x"},
                     format="json").status_code == 405


def test_a_technician_reads_only_his_own_surveys_and_a_customer_none(cast):
    job = completed_job(cast)
    own = _client(cast.technician).get("/api/v1/surveys/").json()["results"]
    assert [r["request"] for r in own] == [job.pk]
    colleague = UserFactory(username="tech-other", role=Role.TECHNICIAN,
                            service_centre=cast.centre)
    assert _client(colleague).get("/api/v1/surveys/").json()["results"] == []
    customer = UserFactory(username="cust-api", role=Role.CUSTOMER)
    CustomerFactory(user=customer)
    assert _client(customer).get("/api/v1/surveys/").status_code == 403
    assert _client(customer).get("/api/v1/follow-up-cases/").status_code == 403


def test_follow_up_cases_say_why_they_were_opened_and_when_the_reply_is_due(cast):
    job = completed_job(cast)
    answer(fresh_token(survey_of(job)), attitude=1, comment="态度很差，我要投诉")
    case = FollowUpCase.objects.get()
    api = _client(cast.supervisor)
    rows = api.get("/api/v1/follow-up-cases/?status=open").json()["results"]
    assert [r["number"] for r in rows] == [case.number]
    row = rows[0]
    assert row["request"] == job.pk and row["request_number"] == job.number
    assert row["survey"] == survey_of(job).pk and row["complaint"] is True
    assert {"kind": "rating", "item": "attitude", "rating": 1} in row["reasons"]
    assert row["reply_due_at"] and row["replied_at"] is None
    assert api.get("/api/v1/follow-up-cases/?status=closed").json()["results"] == []
    assert _client(cast.technician).get("/api/v1/follow-up-cases/").json()["results"] == []


def test_a_page_of_surveys_costs_the_same_statements_for_one_row_or_many(
        cast, django_assert_max_num_queries):
    completed_job(cast)
    api = _client(cast.supervisor)
    with django_assert_max_num_queries(4) as one:
        assert api.get("/api/v1/surveys/").json()["count"] == 1
    for _ in range(4):
        completed_job(cast)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert api.get("/api/v1/surveys/").json()["count"] == 5
