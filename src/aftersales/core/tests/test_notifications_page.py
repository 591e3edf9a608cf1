import pytest
from django.test import Client

from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.models import Notification

pytestmark = pytest.mark.django_db


def test_bell_counts_unread_and_page_marks_read():
    user = UserFactory(username="bell-user")
    other = UserFactory(username="bell-other")
    Notification.objects.create(user=user, text="SR26110001：到场时限即将到期", level="warning")
    Notification.objects.create(user=other, text="不是你的")
    client = Client()
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert "SR26110001" in page and "不是你的" not in page and 'data-unread="1"' in page
    client.post("/notifications/")
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other, read_at__isnull=True).exists()
