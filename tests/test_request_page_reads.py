"""A request's page reads what most requests do not have (material requests, return obligations,
a 三包 outcome, dealer jobs, quotes, carry-in documents, photos) without joining their related
tables into reads that find nothing: compiling those joins was ~1 ms of CPU per panel on every
page (issue 14, bench/lists). When such rows exist, their related rows are read after them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db

# Tables whose rows a request usually lacks; a read of one of them must select from it alone.
SELDOM = ("parts_materialrequest", "parts_returnobligation", "warranty_warrantyoutcome",
          "dealers_dealerjob", "billing_quote", "service_productreceipt",
          "service_registerentry", "service_repaircard", "core_attachment")
FROM = re.compile(r'\bFROM "(\w+)"(.*)', re.S)


def _reads_of_seldom_tables(queries) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for query in queries:
        match = FROM.search(query["sql"])
        if match and match.group(1) in SELDOM:
            found.setdefault(match.group(1), []).append(match.group(2))
    return found


def test_a_plain_requests_page_reads_the_seldom_sections_without_joins(client):
    cast = Cast()
    job = new_request(cast)
    client.force_login(cast.manager)  # the manager sees every panel (dealers, 三包 decision)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("service:detail", args=[job.pk]))
    assert page.status_code == 200
    reads = _reads_of_seldom_tables(queries.captured_queries)
    assert set(reads) >= {"parts_materialrequest", "parts_returnobligation", "dealers_dealerjob",
                          "billing_quote", "service_registerentry", "service_repaircard"}
    joined = {table: rest for table, rests in reads.items() for rest in rests if " JOIN " in rest}
    assert joined == {}
