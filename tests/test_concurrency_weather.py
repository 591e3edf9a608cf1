"""Bad weather (DS-6): several supervisors telling the same day's customers at once tell each
customer once — one notice wins, the others find nobody left to tell (real threads with their
own connections, on SQLite and PostgreSQL)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.tests.concurrency import at_once, ok
from aftersales.dispatch.models import WeatherNotice, WeatherNoticeRecipient
from aftersales.dispatch.weather import weather_notice_send
from aftersales.service import services
from aftersales.service.tests.factories import Cast, new_request

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

WORKERS = 6
TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 6, 10)


def test_supervisors_at_once_tell_each_customer_once(time_machine, settings, tmp_path):
    settings.SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    time_machine.move_to(datetime.combine(DAY, time(8), TZ).timestamp(), tick=False)
    cast = Cast()
    supervisors = [cast.supervisor] + [
        UserFactory(username=f"sup-{i}", role=Role.SUPERVISOR, service_centre=cast.centre)
        for i in range(WORKERS - 1)]
    for hour in (9, 11, 14):
        request = new_request(cast)
        services.service_request_assign(actor=cast.supervisor, request=request,
                                        technician=cast.technician,
                                        appointment_at=datetime.combine(DAY, time(hour), TZ))
    results = at_once(ok(lambda i: weather_notice_send(
        actor=supervisors[i], centre=cast.centre, day=DAY, reason="台风")), WORKERS)
    assert results.count("ok") == 1 and results.count("refused") == WORKERS - 1
    assert WeatherNotice.objects.count() == 1 and WeatherNoticeRecipient.objects.count() == 3
    lines = (tmp_path / "sms" / "outbox.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
