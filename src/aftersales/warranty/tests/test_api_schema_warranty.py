"""The 三包 endpoints answer as the OpenAPI schema says (the same checks as
tests/test_api_schema.py, over warranty's operations only): with a replacement whose faulty unit
came back and a refund present, as the supervisor who receives and disposes of units and as the
manager, who may also pay refunds out."""

import pytest
from tests.test_api_schema import (  # noqa: F401
    demo,
    disagreements_text,
    in_process,
    schema_disagreements,
)

from aftersales.parts.choices import WarehouseKind
from aftersales.parts.models import Warehouse
from aftersales.warranty import services

from .helpers import job_with_priors

pytestmark = pytest.mark.django_db

WARRANTY_PATHS = ("/api/v1/warranty-outcomes/",)


@pytest.mark.parametrize("role", ["supervisor", "manager"])
def test_warranty_api_answers_as_its_schema_says(in_process, demo, role):  # noqa: F811
    cast, ids = demo
    store = Warehouse.objects.create(code="ST-SB", name="中心仓", kind=WarehouseKind.CENTRE,
                                     service_centre=cast.centre)
    job, _ = job_with_priors(cast, days_since_purchase=3)
    replacement = services.outcome_decide(actor=cast.supervisor, request=job,
                                          kind="replacement", serious_fault=True,
                                          replacement_serial="SN-NEW-SCHEMA")
    services.unit_received(actor=cast.supervisor, outcome=replacement, warehouse=store,
                           serial="SN-OLD-SCHEMA")
    job, _ = job_with_priors(cast, days_since_purchase=3)
    refund = services.outcome_decide(actor=cast.supervisor, request=job, kind="refund",
                                     serious_fault=True, refund_amount="880.00")
    ids = {**ids, "warranty-outcomes": [replacement.pk, refund.pk]}
    ran, failures = schema_disagreements(in_process, getattr(cast, role), ids, WARRANTY_PATHS)
    assert ran == 7
    assert not failures, disagreements_text(failures)
