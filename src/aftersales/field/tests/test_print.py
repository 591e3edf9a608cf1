"""Print views: voucher, product receipt, repair card — each with a QR code to the portal."""

import pytest
from django.test import override_settings
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.service.choices import Status
from aftersales.service.models import ProductReceipt
from aftersales.service.tests.factories import Cast, drive, new_request

pytestmark = pytest.mark.django_db


def url(name, job):
    return reverse(f"field:{name}", args=[job.pk])


@override_settings(SITE_URL="https://service.example.cn/")
def test_voucher_has_the_number_the_work_the_signature_and_a_qr_code(client):
    cast = Cast()
    job = drive(new_request(cast), cast, Status.COMPLETED)
    client.force_login(cast.agent)
    body = client.get(url("print_voucher", job)).content.decode()
    assert job.number in body
    assert '<div class="qr" data-qr><svg' in body
    assert f"https://service.example.cn/portal/requests/{job.number}/" in body
    assert "点火针积碳" in body and "更换点火针" in body  # fault → cause → action
    assert 'data-signature' in body and "data:image/png;base64," in body
    assert "data-print" in body and "print-doc.css" in body


def test_receipt_is_stamped_cancelled_after_return(client):
    cast = Cast()
    job = drive(new_request(cast), cast, Status.INSPECTED)
    receipt = ProductReceipt.objects.get(request=job)
    client.force_login(cast.technician)
    body = client.get(url("print_receipt", job)).content.decode()
    assert receipt.number in body and job.number in body and "<svg" in body
    assert "热水器主机一台" in body
    assert "data-cancelled" not in body
    drive(job, cast, Status.COMPLETED)
    body = client.get(url("print_receipt", job)).content.decode()
    assert "data-cancelled" in body


def test_repair_card_print(client):
    cast = Cast()
    job = drive(new_request(cast), cast, Status.INSPECTED)
    client.force_login(cast.supervisor)
    body = client.get(url("print_repair_card", job)).content.decode()
    assert job.number in body and "<svg" in body and "更换主板" in body
    assert str(cast.supervisor) in body  # inspected by


def test_receipt_and_card_need_a_carry_in(client):
    cast = Cast()
    job = drive(new_request(cast), cast, Status.ON_SITE)
    client.force_login(cast.technician)
    assert client.get(url("print_voucher", job)).status_code == 200
    assert client.get(url("print_receipt", job)).status_code == 404
    assert client.get(url("print_repair_card", job)).status_code == 404


@pytest.mark.parametrize("name", ["print_voucher", "print_receipt", "print_repair_card"])
def test_print_views_are_restricted(client, name):
    cast = Cast()
    job = drive(new_request(cast), cast, Status.INSPECTED)
    client.force_login(UserFactory(role=Role.TECHNICIAN, service_centre=cast.centre))
    assert client.get(url(name, job)).status_code == 404
    client.force_login(Cast().agent)
    assert client.get(url(name, job)).status_code == 404
    client.force_login(UserFactory(role=Role.CUSTOMER, service_centre=None))
    assert client.get(url(name, job)).status_code == 403
    client.force_login(cast.agent)
    assert client.get(url(name, job)).status_code == 200
