"""The care endpoints answer as the OpenAPI schema says (the same checks as
tests/test_api_schema.py, over care's operations only, with care data present)."""

import pytest
import schemathesis
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from tests.test_api_schema import _run, _strategy, demo, in_process  # noqa: F401

from aftersales.care import services
from aftersales.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CARE_PATHS = ("/api/v1/key-accounts/", "/api/v1/care-")


@pytest.mark.parametrize("role", ["agent", "technician"])
def test_care_api_answers_as_its_schema_says(in_process, demo, role):  # noqa: F811
    cast, ids = demo
    account = services.key_account_mark(actor=cast.manager, customer=CustomerFactory(),
                                        manager=cast.supervisor)
    ids = {**ids, "key-accounts": [account.pk]}
    token = Token.objects.create(user=getattr(cast, role))
    headers = {"Authorization": f"Token {token.key}", "Accept-Language": "en"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", in_process)
    schema.config.generation.update(allow_x00=False)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if op.path.startswith(CARE_PATHS)]
    assert len(operations) >= 7
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, _strategy(operation, mode, ids), headers, failures)
    assert not failures, f"{len(failures)} answers disagree with the schema:\n" + "\n".join(
        failures[:25])
