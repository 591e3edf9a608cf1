import json
from datetime import date

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.service.tests.factories import Cast

DAY = date(2026, 6, 10)  # a Wednesday, no holiday


@pytest.fixture
def cast(db):
    return Cast()


@pytest.fixture
def account_manager(db):
    return UserFactory(username="km-li", role=Role.SUPERVISOR, first_name="李", last_name="经理")


@pytest.fixture
def sms(settings, tmp_path):
    settings.SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return tmp_path / "sms"


def outbox(folder) -> list[dict]:
    path = folder / "outbox.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
