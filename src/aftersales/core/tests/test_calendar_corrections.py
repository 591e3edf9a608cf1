from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.core.calendar import add_working_hours
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.services import calendar_day_clear, calendar_day_set

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def test_a_correction_applies_at_once_and_can_be_removed():
    centre = ServiceCentreFactory()
    admin = UserFactory(username="cal-admin", role=Role.ADMIN, service_centre=None)
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=SH)
    assert add_working_hours(friday, 6, centre=centre) == datetime(2026, 11, 30, 13, 0, tzinfo=SH)
    calendar_day_set(actor=admin, centre=centre, day=friday.date().replace(day=28), is_working=True,
                     note="公司安排周六上班")
    assert add_working_hours(friday, 6, centre=centre) == datetime(2026, 11, 28, 13, 0, tzinfo=SH)
    calendar_day_clear(actor=admin, centre=centre, day=friday.date().replace(day=28))
    assert add_working_hours(friday, 6, centre=centre) == datetime(2026, 11, 30, 13, 0, tzinfo=SH)


def test_only_administrators_correct_the_calendar():
    centre = ServiceCentreFactory()
    agent = UserFactory(username="cal-agent", role=Role.AGENT, service_centre=centre)
    with pytest.raises(PermissionDenied):
        calendar_day_set(actor=agent, centre=centre, day=datetime(2026, 12, 1).date(), is_working=False)
    assert centre.calendar_days.count() == 0


def test_centre_hours_are_used():
    from datetime import time

    centre = ServiceCentreFactory(opens_at=time(9, 0), closes_at=time(18, 0))
    monday = datetime(2026, 11, 30, 7, 0, tzinfo=SH)
    assert add_working_hours(monday, 6, centre=centre) == datetime(2026, 11, 30, 15, 0, tzinfo=SH)
