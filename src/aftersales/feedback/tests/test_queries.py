"""List pages load their rows in a fixed number of queries, however many rows there are."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales.feedback.models import FollowUpCall

from .helpers import answer, completed_job, fresh_token, survey_of

pytestmark = pytest.mark.django_db

PAGES = [("feedback:calls", {"show": "all"}), ("feedback:surveys", {}), ("feedback:cases", {}),
         ("feedback:visits", {"status": ""})]


def _jobs(cast, count):
    for _ in range(count):
        job = completed_job(cast)
        answer(fresh_token(survey_of(job)), attitude=1, comment="投诉")
    FollowUpCall.objects.update(due_at=timezone.now())


def _queries(client, name, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name, params", PAGES)
def test_list_query_count_does_not_grow_with_rows(cast, name, params):
    client = Client()
    client.force_login(cast.manager)
    _jobs(cast, 2)
    few = _queries(client, name, params)
    _jobs(cast, 6)
    assert _queries(client, name, params) == few
