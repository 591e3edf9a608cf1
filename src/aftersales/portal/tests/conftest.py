import pytest

from aftersales.customers.tests.factories import CustomerFactory

from .helpers import sms_messages


class Outbox:
    def __init__(self, folder):
        self.folder = folder

    @property
    def messages(self) -> list[dict]:
        return sms_messages(self.folder)

    def to(self, phone: str) -> list[dict]:
        return [m for m in self.messages if m["to"] == phone]


@pytest.fixture
def sms(settings, tmp_path):
    """The FileSmsBackend's outbox, in a folder of this test's own."""
    settings.SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.SITE_URL = "http://testserver"
    return Outbox(tmp_path / "sms")


@pytest.fixture
def customer(db):
    return CustomerFactory(name="李先生", phone="+8613800138000", email="li.xiansheng@example.com")


@pytest.fixture
def other_customer(db):
    return CustomerFactory(name="王女士", phone="+8613912345678", email="wang@example.com")
