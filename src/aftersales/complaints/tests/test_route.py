"""Registration from any channel, numbering, the route with its step deadlines on the business
calendar (a holiday and an adjusted working day), the 13/17-day limit, approval by authority."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.models import CalendarDay

from .. import services
from ..choices import Channel, Market, Status, StepCode
from ..models import ApprovalAuthority, Complaint
from .factories import Team, drive, new_complaint

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def team():
    return Team()


def test_register_from_any_channel_numbers_yymm_serial(team, clock_at):
    clock_at(10, 0, day=date(2026, 11, 16), tick=False)
    a = new_complaint(team, channel=Channel.LETTER)
    b = new_complaint(team, channel=Channel.VISIT, customer=None, contact_name="王先生",
                      contact_phone="+8613900001111")
    assert (a.number, b.number) == ("KS26110001", "KS26110002")
    assert a.status == Status.REGISTERED and a.service_centre == team.centre
    assert [e.action for e in event_list(a)] == ["register"]
    step = a.steps.get()
    assert step.code == StepCode.INTAKE and step.department.code == "GMO"
    # ½ working day of 9 hours from 10:00 → 14:30
    assert step.due_at == datetime(2026, 11, 16, 14, 30, tzinfo=SH)


def test_register_refuses_what_the_intake_needs(team):
    with pytest.raises(ValidationError) as err:
        services.complaint_register(actor=team.agent, channel="phone", kind="quality",
                                    description="", customer=None, quantity=Decimal("5"),
                                    defective_quantity=Decimal("9"))
    assert {"description", "customer_request", "contact_name", "contact_phone",
            "defective_quantity"} <= set(err.value.message_dict)
    assert not Complaint.objects.exists()


def test_still_processing_replaces_the_request(team):
    c = new_complaint(team, customer_request="", still_processing=True)
    assert c.still_processing


def test_step_deadlines_cross_a_holiday_and_an_adjusted_working_day(team, clock_at):
    # 2026-09-30 (Wed) 16:00; 10-01…10-07 National Day holiday (holidays package); the centre
    # also works Sunday 2026-10-11? — we make Saturday 2026-10-10 an adjusted working day and
    # close Thursday 2026-10-08 by a calendar correction.
    CalendarDay.objects.create(service_centre=team.centre, date=date(2026, 10, 8),
                               is_working=False, note="停电")
    CalendarDay.objects.create(service_centre=team.centre, date=date(2026, 10, 10),
                               is_working=True, note="调休上班")
    team.centre.calendar_version += 1
    team.centre.save(update_fields=["calendar_version"])
    clock_at(16, 0, day=date(2026, 9, 30), tick=False)
    c = new_complaint(team)
    intake = c.steps.get()
    # ½ day = 4 h 30: 1 h 30 on 09-30, then 10-01…10-08 closed, 10-09 (Fri) 08:30 + 3 h → 11:30
    assert intake.due_at == datetime(2026, 10, 9, 11, 30, tzinfo=SH)
    clock_at(9, 0, day=date(2026, 10, 9), tick=False)
    c = services.step_complete(actor=team.people["GMO"], complaint=c, opinion="受理")
    qa = c.steps.get(code=StepCode.QA)
    # one working day (9 h) from Fri 09:00: 8 h 30 on Friday, then Saturday (adjusted) 08:30 + 30 min
    assert qa.due_at == datetime(2026, 10, 10, 9, 0, tzinfo=SH)
    # the whole case: 13 working days from acceptance (Fri 10-09 09:00)
    # working days after: 10-10(Sat, adjusted), 10-12…10-16, 10-19…10-23, 10-26, 10-27 → 13th
    # ends 10-27 09:00
    assert c.case_due_at == datetime(2026, 10, 27, 9, 0, tzinfo=SH)
    # QA reports within 3 working days: Sat 10-10 09:00, Mon 10-12 09:00, Tue 10-13 09:00
    assert c.qa_report_due_at == datetime(2026, 10, 13, 9, 0, tzinfo=SH)


def test_foreign_case_has_17_days_and_12_for_negotiation(team, clock_at):
    clock_at(9, 0, day=date(2026, 11, 2), tick=False)  # Monday
    c = new_complaint(team, market=Market.FOREIGN)
    c = services.step_complete(actor=team.people["GMO"], complaint=c, opinion="受理")
    # 17 working days from Mon 11-02 09:00 (no holidays in November): Wed 11-25 09:00
    assert c.case_due_at == datetime(2026, 11, 25, 9, 0, tzinfo=SH)
    c = drive(c, team, Status.NEGOTIATION)
    step = c.steps.get(code=StepCode.NEGOTIATION)
    assert step.due_at - step.started_at >= timedelta(days=12)
    domestic = new_complaint(team)
    domestic = services.step_complete(actor=team.people["GMO"], complaint=domestic, opinion="受理")
    assert domestic.case_due_at == datetime(2026, 11, 19, 9, 0, tzinfo=SH)  # 13 working days


def test_each_step_is_done_by_its_department(team):
    c = new_complaint(team)
    with pytest.raises(PermissionDenied):
        services.step_complete(actor=team.people["QA"], complaint=c, opinion="受理")
    c = services.step_complete(actor=team.people["GMO"], complaint=c, opinion="受理")
    with pytest.raises(ValidationError) as err:
        services.step_complete(actor=team.people["QA"], complaint=c, opinion="x")
    assert {"cause", "upheld"} <= set(err.value.message_dict)
    assert Complaint.objects.get(pk=c.pk).status == Status.QA


def test_approval_needs_the_authority_that_covers_the_amount(team):
    manager_level1 = team.people["SALES"]
    ApprovalAuthority.objects.get(level=1).users.add(manager_level1)
    c = drive(new_complaint(team), team, Status.APPROVAL, amount=Decimal("20000.00"))
    assert c.required_level == 2
    with pytest.raises(PermissionDenied):
        services.step_complete(actor=manager_level1, complaint=c, opinion="同意")
    c = services.step_complete(actor=team.approver, complaint=c, opinion="同意")
    assert c.status == Status.DECIDED and c.approved_by == team.approver


def test_reopen_creates_a_linked_case(team):
    c = drive(new_complaint(team), team, Status.CLOSED)
    new = services.complaint_reopen(actor=team.agent, complaint=c, reason="客户不接受折让")
    assert new.reopened_from == c and new.status == Status.REGISTERED and new.number != c.number
    assert list(c.reopenings.all()) == [new]


def test_not_upheld_collects_as_normal(team):
    c = drive(new_complaint(team), team, Status.NEGOTIATION, upheld=False)
    with pytest.raises(ValidationError):
        services.step_complete(actor=team.people["SALES"], complaint=c, opinion="协商",
                               proposed_outcome="allowance", proposed_amount="100")
    c = drive(c, team, Status.CLOSED, upheld=False)
    assert c.outcome == "not_upheld" and not hasattr(c, "receivable_exclusion")
