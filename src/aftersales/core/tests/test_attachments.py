"""Attachments: the type is read from the content, the size is limited, and a file is served only
to someone who may see what it is attached to."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.attachments import attachment_add, attachment_list
from aftersales.core.events import event_list
from aftersales.core.models import Attachment
from aftersales.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_photo_is_stored_listed_and_on_the_timeline():
    agent = UserFactory(role=Role.AGENT)
    customer = CustomerFactory()
    attachment = attachment_add(actor=agent, subject=customer, upload=png(), kind="photo")
    assert attachment.mime == "image/png" and attachment.size > 0
    assert attachment.file.name.endswith(".png") and "photo" not in attachment.file.name
    assert list(attachment_list(customer)) == [attachment]
    assert list(attachment_list(customer, kind="other")) == []
    assert [e.action for e in event_list(customer)] == ["attachment_add"]


def test_a_file_that_only_claims_to_be_a_photo_is_refused():
    customer = CustomerFactory()
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        attachment_add(actor=None, subject=customer, upload=fake)
    assert caught.value.code == "attachment_type"
    assert not Attachment.objects.exists()


def test_a_pdf_is_accepted_and_a_large_file_refused(settings):
    customer = CustomerFactory()
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", "application/pdf")
    assert attachment_add(actor=None, subject=customer, upload=pdf).mime == "application/pdf"
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError) as caught:
        attachment_add(actor=None, subject=customer, upload=png())
    assert caught.value.code == "attachment_size"
    assert Attachment.objects.count() == 1


def test_served_only_to_who_may_see_the_subject(client):
    owner = CustomerFactory()
    attachment = attachment_add(actor=None, subject=owner, upload=png())
    url = reverse("attachment", args=[attachment.pk])
    assert client.get(url).status_code == 302  # to the log-in
    other = UserFactory(role=Role.CUSTOMER, service_centre=None)
    CustomerFactory(user=other)
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(role=Role.AGENT))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(reverse("attachment", args=[attachment.pk + 99])).status_code == 404
