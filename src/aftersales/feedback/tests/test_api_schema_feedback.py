"""The feedback endpoints answer as the OpenAPI schema says (the same checks as
tests/test_api_schema.py, over feedback's operations only, with an answered survey and its
follow-up case present)."""

import pytest
import schemathesis
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from tests.test_api_schema import _run, _strategy, demo, in_process  # noqa: F401

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
    token = Token.objects.create(user=getattr(cast, role))
    headers = {"Authorization": f"Token {token.key}", "Accept-Language": "en"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", in_process)
    schema.config.generation.update(allow_x00=False)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if op.path.startswith(FEEDBACK_PATHS)]
    assert len(operations) == 4
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, _strategy(operation, mode, ids), headers, failures)
    assert not failures, f"{len(failures)} answers disagree with the schema:\n" + "\n".join(
        failures[:25])
