"""The care endpoints answer as the OpenAPI schema says (the same checks as
tests/test_api_schema.py, over care's operations only, with care data present)."""

import pytest
from tests.test_api_schema import (  # noqa: F401
    demo,
    disagreements_text,
    in_process,
    schema_disagreements,
)

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
    ran, failures = schema_disagreements(in_process, getattr(cast, role), ids, CARE_PATHS)
    assert ran >= 7
    assert not failures, disagreements_text(failures)
