"""Limits that must hold under parallel requests: codes per customer, one use per code."""


import pytest

from aftersales.core.tests.concurrency import at_once
from aftersales.portal import services
from aftersales.portal.models import CodeStatus, LoginCode

from .helpers import code_in

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_parallel_requests_never_send_more_than_three_codes(sms, customer):
    customer.phone_alt = "+8613700137000"
    customer.save()
    identifiers = ["13800138000", "13700137000", "li.xiansheng@example.com"] * 2
    at_once(lambda i: services.login_code_request(identifier=identifiers[i]), len(identifiers))
    assert LoginCode.objects.filter(customer=customer).count() == services.PER_CUSTOMER
    assert LoginCode.objects.filter(status=CodeStatus.LIVE).count() == 1


def test_a_code_entered_twice_at_once_signs_in_once(sms, customer):
    services.login_code_request(identifier="13800138000")
    code = code_in(sms.messages[-1]["text"])
    results = at_once(lambda _: services.login_code_verify(identifier="13800138000", code=code), 4,
                      outcomes={services.LoginFailed: "refused"})
    signed_in = [r for r in results if isinstance(r, services.SignIn)]
    refused = [r for r in results if r == "refused"]
    assert len(signed_in) == 1 and len(refused) == 3
    customer.refresh_from_db()
    assert signed_in[0].user.pk == customer.user_id
