"""A payment is never recorded twice: the same POST sent at once by several threads records one
payment; different keys together never take more than is due (real threads with their own
connections, on SQLite and PostgreSQL)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aftersales.billing.choices import Method
from aftersales.billing.models import Handover, Payment
from aftersales.billing.selectors import charge_sheet_for
from aftersales.billing.services import payment_record
from aftersales.billing.tests.factories import Cast, complete, job_a, on_site_with_part, priced_part
from aftersales.core.tests.concurrency import at_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

WORKERS = 8


REFUSED = {ValidationError: ("refused", None)}


def _outcome(recorded):
    payment, created = recorded
    return ("new" if created else "repeat", payment.pk)


def _sheet(code):
    cast = Cast()
    job = complete(cast, on_site_with_part(cast, job_a(cast), priced_part(code, price="20.00",
                                                                              cost="5.00")))
    return cast, charge_sheet_for(job)


def test_identical_posts_at_once_record_one_payment():
    cast, sheet = _sheet("RACE-PAY-1")
    results = at_once(lambda i: _outcome(payment_record(
        actor=cast.technician, sheet=sheet, amount="100.00", method=Method.CASH,
        idempotency_key="same-key")), WORKERS, outcomes=REFUSED)
    kinds = [kind for kind, _ in results]
    assert kinds.count("new") == 1 and kinds.count("repeat") == WORKERS - 1
    assert len({pk for _, pk in results}) == 1
    assert Payment.objects.count() == 1 and Handover.objects.count() == 1


def test_different_keys_at_once_never_take_more_than_is_due():
    cast, sheet = _sheet("RACE-PAY-2")
    results = at_once(lambda i: _outcome(payment_record(
        actor=cast.technician, sheet=sheet, amount="40.00", method=Method.CASH,
        idempotency_key=f"key-{i}")), WORKERS, outcomes=REFUSED)
    kinds = [kind for kind, _ in results]
    assert kinds.count("new") == 2 and kinds.count("refused") == WORKERS - 2  # 2 × 40 ≤ 100
    assert sum(p.amount for p in Payment.objects.all()) == Decimal("80.00")
    assert Handover.objects.count() == 1
