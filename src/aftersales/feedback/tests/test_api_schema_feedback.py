"""The feedback endpoints answer as the OpenAPI schema says (the same checks as
tests/test_api_schema.py, over feedback's operations only, with an answered survey and its
follow-up case present)."""

import pytest
from tests.test_api_schema import (  # noqa: F401
    demo,
    disagreements_text,
    in_process,
    schema_disagreements,
)

from aftersales.feedback.models import FollowUpCase

from .helpers import answer, completed_job, fresh_token, survey_of

pytestmark = pytest.mark.django_db

FEEDBACK_PATHS = ("/api/v1/surveys/", "/api/v1/follow-up-cases/")


@pytest.mark.parametrize("role", ["supervisor", "technician"])
def test_feedback_api_answers_as_its_schema_says(in_process, demo, role):  # noqa: F811
    cast, ids = demo
    job = completed_job(cast)
    answer(fresh_token(survey_of(job)), attitude=1, comment="态度很差，我要投诉")
    ids = {**ids, "surveys": [survey_of(job).pk],
           "follow-up-cases": list(FollowUpCase.objects.values_list("pk", flat=True))}
    ran, failures = schema_disagreements(in_process, getattr(cast, role), ids, FEEDBACK_PATHS)
    assert ran == 4
    assert not failures, disagreements_text(failures)
