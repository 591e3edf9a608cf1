"""List pages run a fixed number of queries, however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.service.choices import Status
from aftersales.service.tests.factories import drive, new_request

pytestmark = pytest.mark.django_db


def queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name, status", [("field:jobs", Status.ASSIGNED),
                                          ("field:workshop", Status.CARRIED_IN)])
def test_list_queries_do_not_grow_with_rows(client, cast, name, status):
    client.force_login(cast.technician)
    drive(new_request(cast), cast, status)
    drive(new_request(cast), cast, status)
    few = queries(client, reverse(name))
    for _ in range(4):
        drive(new_request(cast), cast, status)
    assert queries(client, reverse(name)) == few
