"""Concurrent writers never lose or duplicate data: numbering, stale edits, idempotent POSTs.

These tests use real transactions and real threads, each with its own database connection,
on SQLite (file database, IMMEDIATE transactions) and on PostgreSQL (row locks).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from aftersales.core.exceptions import StaleWrite
from aftersales.core.models import DocumentCounter
from aftersales.core.numbering import next_number, number_assign
from aftersales.core.tests.concurrency import at_once
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service import services
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

WORKERS = 8
TOTAL = 200


def test_200_numbers_from_parallel_workers_are_unique_and_gap_free():
    cast = Cast()
    customers = [CustomerFactory(service_centre=cast.centre) for _ in range(WORKERS)]
    def worker(index):
        made = []
        for _ in range(TOTAL // WORKERS):
            request = services.service_request_create(
                actor=cast.agent, customer=customers[index], description="并发叫修",
                internal=True)
            made.append(request.number)
        return made

    numbers = [n for chunk in at_once(worker, WORKERS) for n in chunk]

    assert len(numbers) == TOTAL == len(set(numbers))
    assert ServiceRequest.objects.count() == TOTAL
    prefix = numbers[0][:6]
    serials = sorted(int(n[6:]) for n in numbers)
    assert serials == list(range(1, TOTAL + 1)), "gaps or repeats in the serials"
    assert all(n.startswith(prefix) for n in numbers)


def test_rolled_back_document_leaves_no_gap_and_months_restart():
    with transaction.atomic():
        first = next_number("test_doc", "T", datetime(2026, 3, 31, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number("test_doc", "T", datetime(2026, 3, 5, tzinfo=ZoneInfo("Asia/Shanghai")))
        raise RuntimeError("the document failed to save")
    with transaction.atomic():
        second = next_number("test_doc", "T", datetime(2026, 3, 6, tzinfo=ZoneInfo("Asia/Shanghai")))
        april = next_number("test_doc", "T", datetime(2026, 4, 1, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert (first, second, april) == ("T26030001", "T26030002", "T26040001")
    with pytest.raises(RuntimeError):
        next_number("test_doc", "T")  # outside a transaction it would not be gap-free


def test_a_saved_document_takes_its_number_last_in_one_form_on_every_database():
    """number_assign writes the serial into the saved row (one statement on PostgreSQL, two on
    SQLite): the month's first number, the next, and past four digits the serial just grows."""
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    made = services.service_request_create(actor=cast.agent, customer=customer,
                                           description="编号", internal=True)
    moment = datetime(2026, 5, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    numbers = []
    with transaction.atomic():
        numbers.append(number_assign(made, doc_type="test_doc", prefix="Q", moment=moment))
        numbers.append(number_assign(made, doc_type="test_doc", prefix="Q", moment=moment))
        DocumentCounter.objects.filter(doc_type="test_doc", period="2605").update(last=9999)
        numbers.append(number_assign(made, doc_type="test_doc", prefix="Q", moment=moment))
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                number_assign(made, doc_type="test_doc", prefix="Q", moment=moment)
                raise RuntimeError("the document failed")
    assert numbers == ["Q26050001", "Q26050002", "Q260510000"]
    made.refresh_from_db()
    assert made.number == "Q260510000"
    assert DocumentCounter.objects.get(doc_type="test_doc", period="2605").last == 10000


def test_concurrent_edits_one_wins_the_other_is_told():
    cast = Cast()
    request = services.service_request_create(actor=cast.agent, customer=CustomerFactory(),
                                              description="原始描述", internal=True)
    version = request.version
    texts = ["甲的修改", "乙的修改"]

    def edit(index):
        copy = ServiceRequest.objects.get(pk=request.pk)
        services.service_request_update(actor=cast.agent, request=copy, description=texts[index],
                                        expected_version=version)
        return "ok"

    results = sorted(at_once(edit, 2, outcomes={StaleWrite: "stale"}))
    assert results == ["ok", "stale"]
    request.refresh_from_db()
    assert request.description in {"甲的修改", "乙的修改"} and request.version == version + 1


def test_same_idempotency_key_in_parallel_creates_one_request():
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    body = {"customer": customer.pk, "channel": "phone", "description": "重复提交", "internal": True}
    def post(_):
        client = APIClient()
        client.force_authenticate(cast.agent)
        response = client.post("/api/v1/service-requests/", body, format="json",
                               HTTP_IDEMPOTENCY_KEY="call-42")
        return response.status_code, response.json().get("number")

    results = at_once(post, WORKERS)
    assert {status for status, _ in results} == {201}
    assert len({number for _, number in results}) == 1
    assert ServiceRequest.objects.count() == 1
