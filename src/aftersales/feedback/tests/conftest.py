import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.feedback.models import FeedbackSettings
from aftersales.service.tests.factories import Cast


@pytest.fixture
def cast(db):
    return Cast()


@pytest.fixture
def other_cast(db):
    return Cast(ServiceCentreFactory(code="SCX", name="北区服务中心"))


@pytest.fixture
def policy(db):
    return FeedbackSettings.load()


@pytest.fixture
def vice_president(db, policy):
    vp = UserFactory(username="vp", role=Role.MANAGER, service_centre=None, first_name="总",
                     last_name="王", email="vp@example.com", phone="+8613900000001")
    policy.notify_users.add(vp)
    return vp


@pytest.fixture
def sms(settings, tmp_path):
    settings.SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.SITE_URL = "http://testserver"
    return tmp_path / "sms"
