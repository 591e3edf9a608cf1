"""Limits that must hold under parallel requests: codes per customer, one use per code."""

import threading

import pytest
from django.db import connection

from aftersales.portal import services
from aftersales.portal.models import CodeStatus, LoginCode

from .helpers import code_in

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def in_parallel(jobs):
    """Run each callable in its own thread (and database connection); return results/errors."""
    results, barrier = [None] * len(jobs), threading.Barrier(len(jobs))

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            results[i] = job()
        except Exception as exc:  # noqa: BLE001  (collected and asserted on by the test)
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_parallel_requests_never_send_more_than_three_codes(sms, customer):
    customer.phone_alt = "+8613700137000"
    customer.save()
    identifiers = ["13800138000", "13700137000", "li.xiansheng@example.com"] * 2
    results = in_parallel([
        (lambda ident=ident: services.login_code_request(identifier=ident)) for ident in identifiers
    ])
    assert not [r for r in results if isinstance(r, Exception)]
    assert LoginCode.objects.filter(customer=customer).count() == services.PER_CUSTOMER
    assert LoginCode.objects.filter(status=CodeStatus.LIVE).count() == 1


def test_a_code_entered_twice_at_once_signs_in_once(sms, customer):
    services.login_code_request(identifier="13800138000")
    code = code_in(sms.messages[-1]["text"])
    results = in_parallel([
        lambda: services.login_code_verify(identifier="13800138000", code=code) for _ in range(4)
    ])
    signed_in = [r for r in results if isinstance(r, services.SignIn)]
    refused = [r for r in results if isinstance(r, services.LoginFailed)]
    assert len(signed_in) == 1 and len(refused) == 3
    customer.refresh_from_db()
    assert signed_in[0].user.pk == customer.user_id
