"""The code by e-mail through a real SMTP server (aiosmtpd), sent after the transaction commits."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from aftersales.customers.models import Customer
from aftersales.portal.models import LoginCode

from .helpers import code_in, link_in


@pytest.fixture
def mail_customer(transactional_db):
    return Customer.objects.create(name="赵女士", phone="+8613500135000",
                                   email="zhao@example.com", address="上海市徐汇区漕溪北路1号")


@pytest.mark.django_db(transaction=True)
def test_code_by_email_through_smtp_signs_in(smtp_server, mail_customer, settings):
    client = Client()
    response = client.post(reverse("portal:login"), {"identifier": "zhao@example.com"})
    assert response.status_code == 302

    [envelope] = smtp_server.envelopes
    [message] = smtp_server.messages
    assert envelope.rcpt_tos == ["zhao@example.com"]
    assert envelope.mail_from == settings.DEFAULT_FROM_EMAIL
    body = message.get_content()
    code = code_in(body)
    assert code in str(message["Subject"])  # the code is in the subject, for phones' previews
    assert LoginCode.objects.get().destination == "zhao@example.com"

    client.post(reverse("portal:code"), {"code": code})

    mail_customer.refresh_from_db()
    assert int(client.session[SESSION_KEY]) == mail_customer.user_id


@pytest.mark.django_db(transaction=True)
def test_link_from_the_email_signs_in(smtp_server, mail_customer):
    Client().post(reverse("portal:login"), {"identifier": "ZHAO@example.com"})
    [message] = smtp_server.messages
    link = link_in(message.get_content()).removeprefix("http://testserver")
    browser = Client()
    assert browser.post(link).status_code == 302
    assert SESSION_KEY in browser.session


@pytest.mark.django_db(transaction=True)
def test_nothing_is_mailed_when_the_transaction_rolls_back(smtp_server, mail_customer):
    from django.db import transaction

    from aftersales.portal import services

    with pytest.raises(RuntimeError), transaction.atomic():
        services.login_code_request(identifier="zhao@example.com")
        raise RuntimeError("rolled back")
    assert smtp_server.envelopes == [] and not LoginCode.objects.exists()
