"""The sign-off route (RP-2) and publication (RP-3, FB-3) as explicit workflows: each allowed
step moves the report and records an event; an illegal step is a 409 and a denied one a 403
(or 404), and neither changes anything."""

import pytest
from django.contrib.contenttypes.models import ContentType

from aftersales.core.exceptions import ConflictError, IllegalTransition, PermissionDenied
from aftersales.core.models import Event, Notification
from aftersales.reports import services
from aftersales.reports.choices import ReportKind, ReportState
from aftersales.reports.models import Report

from .helpers import produced
from .scenario import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return Scenario(surveys=False)


def _events(report):
    return list(Event.objects.filter(content_type=ContentType.objects.get_for_model(Report),
                                     object_id=report.pk).order_by("id")
                .values_list("action", "from_state", "to_state"))


def _snapshot(report):
    report.refresh_from_db()
    return (report.state, report.version, report.current_run_id, len(_events(report)))


def test_route_supervisor_branch_manager_service_department(scenario):
    s = scenario
    report = produced(ReportKind.SUPERVISOR_DAILY, s)
    report = services.report_transition(actor=s.supervisor, report=report, name="submit")
    report = services.report_transition(actor=s.branch_manager, report=report, name="approve")
    report = services.report_transition(actor=s.hq, report=report, name="accept")
    assert report.state == ReportState.ACCEPTED
    assert _events(report)[-3:] == [("submit", "draft", "submitted"),
                                    ("approve", "submitted", "approved"),
                                    ("accept", "approved", "accepted")]
    event = Event.objects.filter(action="accept", object_id=report.pk).get()
    assert event.actor == s.hq and event.data["run"] == report.current_run_id


def test_send_back_needs_a_reason_and_returns_to_draft(scenario):
    s = scenario
    report = produced(ReportKind.SUPERVISOR_DAILY, s)
    report = services.report_transition(actor=s.supervisor, report=report, name="submit")
    from django.core.exceptions import ValidationError

    before = _snapshot(report)
    with pytest.raises(ValidationError):
        services.report_transition(actor=s.branch_manager, report=report, name="send_back")
    assert _snapshot(report) == before
    report = services.report_transition(actor=s.branch_manager, report=report, name="send_back",
                                        note="维修单数与派工单不符，请核对")
    assert report.state == ReportState.DRAFT
    assert Event.objects.get(action="send_back", object_id=report.pk).note.startswith("维修单数")


@pytest.mark.parametrize("step, state", [
    ("approve", ReportState.DRAFT), ("accept", ReportState.DRAFT),
    ("accept", ReportState.SUBMITTED), ("submit", ReportState.SUBMITTED),
    ("submit", ReportState.ACCEPTED), ("send_back", ReportState.ACCEPTED),
])
def test_illegal_steps_are_conflicts_and_change_nothing(scenario, step, state):
    s = scenario
    report = produced(ReportKind.SUPERVISOR_DAILY, s)
    Report.objects.filter(pk=report.pk).update(state=state)
    before = _snapshot(report)
    with pytest.raises(IllegalTransition):
        services.report_transition(actor=s.admin, report=report, name=step, note="x")
    assert _snapshot(report) == before


@pytest.mark.parametrize("who, step, state", [
    ("agent", "submit", ReportState.DRAFT),               # not a supervisor
    ("t1", "submit", ReportState.DRAFT),                  # a technician
    ("other_supervisor", "submit", ReportState.DRAFT),    # another centre's supervisor
    ("branch_manager", "submit", ReportState.DRAFT),      # the branch manager does not submit
    ("supervisor", "approve", ReportState.SUBMITTED),     # a supervisor does not approve
    ("other_manager", "approve", ReportState.SUBMITTED),  # another branch's manager
    ("hq", "approve", ReportState.SUBMITTED),             # HQ skips no branch manager
    ("branch_manager", "accept", ReportState.APPROVED),   # only the service department accepts
    ("branch_manager", "send_back", ReportState.APPROVED),
])
def test_denied_steps_change_nothing(scenario, who, step, state):
    s = scenario
    report = produced(ReportKind.SUPERVISOR_DAILY, s)
    Report.objects.filter(pk=report.pk).update(state=state)
    before = _snapshot(report)
    with pytest.raises(PermissionDenied):
        services.report_transition(actor=getattr(s, who), report=report, name=step, note="x")
    assert _snapshot(report) == before


def test_service_department_approves_for_a_centre_without_branch_manager(scenario):
    s = scenario
    s.branch_manager.is_active = False
    s.branch_manager.save()
    report = produced(ReportKind.SUPERVISOR_DAILY, s)
    report = services.report_transition(actor=s.supervisor, report=report, name="submit")
    report = services.report_transition(actor=s.hq, report=report, name="approve")
    assert report.state == ReportState.APPROVED


def test_signed_figures_are_frozen(scenario):
    s = scenario
    report = produced(ReportKind.SUPERVISOR_DAILY, s)
    services.report_transition(actor=s.supervisor, report=report, name="submit")
    report.refresh_from_db()
    runs = report.runs.count()
    with pytest.raises(ConflictError):
        services.report_run_request(actor=s.supervisor, report=report)
    assert report.runs.count() == runs


def test_empty_report_cannot_be_submitted(scenario):
    s = scenario
    report = services.report_get_or_create(kind=ReportKind.SUPERVISOR_DAILY, centre=s.centre,
                                           day=s.r1.reported_at.date())
    with pytest.raises(ConflictError):
        services.report_transition(actor=s.supervisor, report=report, name="submit")
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT


def test_monthly_hours_reviewed_then_published(scenario):
    s = scenario
    report = produced(ReportKind.MONTHLY_HOURS, s)
    with pytest.raises(IllegalTransition):
        services.report_transition(actor=s.hq, report=report, name="publish")
    report = services.report_transition(actor=s.supervisor, report=report, name="review")
    with pytest.raises(PermissionDenied):
        services.report_transition(actor=s.supervisor, report=report, name="publish")
    report = services.report_transition(actor=s.branch_manager, report=report, name="publish")
    assert report.state == ReportState.PUBLISHED


def test_published_appraisal_notifies_and_shows_each_technician_his_line(client, scenario):
    s = scenario
    report = produced(ReportKind.APPRAISAL, s)
    client.force_login(s.t1)
    assert client.get(f"/reports/{report.pk}/").status_code == 404  # not published yet
    services.report_transition(actor=s.hq, report=report, name="publish")
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "wang", "li", "zhao"}
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "王强" in html and "李明" not in html
    mine = client.get("/reports/mine/").content.decode()
    assert f"/reports/{report.pk}/" in mine


def test_step_pages_answer_409_and_403(client, scenario):
    s = scenario
    report = produced(ReportKind.SUPERVISOR_DAILY, s)
    client.force_login(s.branch_manager)
    illegal = client.post(f"/reports/{report.pk}/do/approve/",
                          {"approve-version": report.version, "approve-note": ""})
    assert illegal.status_code == 409
    assert "不能" in illegal.content.decode() or "not possible" in illegal.content.decode()
    client.force_login(s.agent)
    denied = client.post(f"/reports/{report.pk}/do/submit/",
                         {"submit-version": report.version, "submit-note": ""})
    assert denied.status_code == 403
    client.force_login(s.other_supervisor)
    hidden = client.post(f"/reports/{report.pk}/do/submit/",
                         {"submit-version": report.version, "submit-note": ""})
    assert hidden.status_code == 404
    client.force_login(s.supervisor)
    stale = client.post(f"/reports/{report.pk}/do/submit/",
                        {"submit-version": report.version + 5, "submit-note": ""})
    assert stale.status_code == 409
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT
    done = client.post(f"/reports/{report.pk}/do/submit/",
                       {"submit-version": report.version, "submit-note": "今日正常"})
    assert done.status_code == 302
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED
