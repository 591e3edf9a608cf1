"""The dealers' endpoints answer as the OpenAPI schema says (as tests/test_api_schema.py does for
every endpoint as an agent and a technician), here also as a dealer's login and a supervisor:
no 5xx, and every status, content type, header and body as documented."""

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

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.tests.factories import Cast, new_request

from .. import services
from .factories import dealer_login, dealer_make, region_make

pytestmark = pytest.mark.django_db
EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture
def in_process():
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _run(operation, strategy, headers, failures):
    @hypothesis.settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                         phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    @hypothesis.given(case=strategy)
    def check(case):
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, FailureGroup) as exc:  # noqa: BLE001 - gathered, reported below
            failures.append(f"{operation.label}: {exc}"[:2000])

    check()


@pytest.mark.parametrize("role", ["dealer", "supervisor"])
def test_dealer_endpoints_answer_as_their_schema_says(in_process, clock_at, role):
    from datetime import date

    clock_at(10, 40, day=date(2026, 11, 18))
    cast = Cast()
    dealer = dealer_make("D1", "浦东经销商", region_make("PD", "浦东", "浦东新区"), centre=cast.centre)
    user = dealer_login(dealer, "dealer-s")
    job = services.job_hand_to_dealer(actor=cast.supervisor, dealer=dealer,
                                      job=new_request(cast, customer=CustomerFactory()))
    services.monthly_reports_open(today=date(2026, 11, 18))
    report = dealer.reports.get()
    ids = {"dealers": [dealer.pk], "dealer-jobs": [job.pk], "dealer-reports": [report.pk],
           "dealer-statements": [dealer.pk]}
    actor = user if role == "dealer" else cast.supervisor
    token = Token.objects.create(user=actor)
    headers = {"Authorization": f"Token {token.key}", "Accept-Language": "en"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", in_process)
    schema.config.generation.update(allow_x00=False)
    failures: list[str] = []
    operations = [r.ok() for r in schema.get_all_operations()
                  if r.ok().path.startswith("/api/v1/dealer")]
    # the dealer jobs' two part corrections, the dealer's statement of account and the reminder
    # to pay among them (the reminder is the back office's: a dealer and a supervisor get 403)
    assert len(operations) == 15
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            free = operation.as_strategy(generation_mode=mode)
            resource = operation.path.split("/")[3]
            strategy = free
            if "{id}" in operation.path and mode is GenerationMode.POSITIVE:
                strategy = st.one_of(operation.as_strategy(
                    generation_mode=mode, path_parameters={"id": ids[resource][0]}), free)

            _run(operation, strategy, headers, failures)
    assert not failures, f"{len(failures)} answers disagree with the schema:\n" + "\n".join(
        failures[:10])
