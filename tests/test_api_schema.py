"""The API answers as its OpenAPI schema says (issue 9, item 13): schemathesis generates requests
from /api/schema/ for every operation and sends them to the application (in process, on the test
database), as an agent and as a technician; no answer may be a 5xx, and every answer's status,
content type, headers and body must be the ones the schema documents.

Bounded and repeatable: a fixed number of examples per operation and mode, derandomized (the same
examples on every run), no example database, no shrinking; the clock is pinned. ADR 0007."""

import os
from datetime import date
from decimal import Decimal

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services
from aftersales.service.choices import Status
from aftersales.service.tests.factories import Cast, drive, new_request

pytestmark = pytest.mark.django_db

# per operation and generation mode (~45 operations x 2 modes x 2 roles); more for a deeper search:
# API_SCHEMA_EXAMPLES=100 pytest tests/test_api_schema.py
EXAMPLES = int(os.environ.get("API_SCHEMA_EXAMPLES", "6"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
PINNED = date(2026, 11, 18)  # a Wednesday, a working day


@pytest.fixture
def in_process():
    """Requests share the test's transaction, as with Django's test client: the application must
    not close the connection at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def demo(clock_at):
    """A centre with demo-like work in each state the two roles meet."""
    clock_at(10, 40, day=PINNED)
    cast = Cast()
    part = PartFactory()
    registered = new_request(cast)
    assigned = new_request(cast)
    drive(assigned, cast, Status.ASSIGNED)
    on_site = new_request(cast)
    drive(on_site, cast, Status.ON_SITE)
    services.labor_add(actor=cast.technician, request=on_site, hours=Decimal("1.5"), note="换点火针")
    services.part_add(actor=cast.technician, request=on_site, part=part, quantity=1)
    for _ in range(3):
        InstalledProductFactory(customer=CustomerFactory(service_centre=cast.centre))
    ids = {"service-requests": [registered.pk, assigned.pk, on_site.pk],
           "customers": [registered.customer_id, on_site.customer_id],
           "installed-products": [registered.installed_product_id],
           "product-models": [registered.installed_product.model_id]}
    return cast, ids


def _strategy(operation, mode, ids):
    """Free ids (mostly unknown: 404) and, for an object's own paths, ids that exist."""
    free = operation.as_strategy(generation_mode=mode)
    resource = operation.path.split("/")[3]  # /api/v1/<resource>/{id}/...
    if "{id}" not in operation.path or resource not in ids or mode is GenerationMode.NEGATIVE:
        return free
    known = st.one_of(*[operation.as_strategy(generation_mode=mode, path_parameters={"id": pk})
                        for pk in ids[resource]])
    return st.one_of(known, free)


def _run(operation, strategy, headers, failures):
    @hypothesis.settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                         phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    @hypothesis.given(case=strategy)
    def check(case):
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, FailureGroup) as exc:  # noqa: BLE001 - gathered, reported together below
            failures.append(f"{operation.label}: {exc}"[:2000])

    check()


def schema_disagreements(app, user, ids, paths=()) -> tuple[int, list[str]]:
    """Send ``user``'s generated requests (valid and invalid) for every operation — or those
    whose path starts with one of ``paths`` — and check each answer against the schema; returns
    how many operations ran and the answers that disagree. Area tests call it for their own
    operations with their own data present."""
    token = Token.objects.create(user=user)
    headers = {"Authorization": f"Token {token.key}", "Accept-Language": "en"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
    schema.config.generation.update(allow_x00=False)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    if paths:
        operations = [op for op in operations if op.path.startswith(tuple(paths))]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, _strategy(operation, mode, ids), headers, failures)
    return len(operations), failures


def disagreements_text(failures: list[str]) -> str:
    return f"{len(failures)} answers disagree with the schema:\n" + "\n".join(failures[:25])


@pytest.mark.parametrize("role", ["agent", "technician"])
def test_api_answers_as_its_schema_says(in_process, demo, role):
    cast, ids = demo
    ran, failures = schema_disagreements(in_process, getattr(cast, role), ids)
    assert ran > 40
    assert not failures, disagreements_text(failures)


def test_every_time_filter_refuses_an_offset_no_zone_has(in_process, demo):
    """What the schema search found on PostgreSQL (stock moves' ``at_after``): each date-time
    query parameter of every operation answers an offset beyond ±14:00 with a 400 naming it."""
    from rest_framework.test import APIClient

    cast, _ids = demo
    client = APIClient()
    client.force_authenticate(cast.agent)
    schema = client.get("/api/schema/?format=json").json()
    checked = []
    for path, operations in schema["paths"].items():
        if "{" in path or "get" not in operations:
            continue
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] == "query" and parameter["schema"].get("format") == "date-time":
                response = client.get(path, {parameter["name"]: "2026-01-01T00:00:00-18:10"})
                assert response.status_code == 400, (path, parameter["name"], response.content)
                assert parameter["name"] in response.json()
                checked.append(f"{path}?{parameter['name']}")
    assert "/api/v1/stock-moves/?at_after" in checked
