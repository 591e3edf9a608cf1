"""The pages: who sees which list (and only his centre's rows), the call page with its script,
outcomes through the form, cases and visits, the survey page in the customer's language."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.views import PAGE_SIZE
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.feedback.choices import CallStatus, CaseStatus
from aftersales.feedback.models import FollowUpCall, FollowUpCase, VisitTask
from aftersales.portal.tests.helpers import portal_user_for

from .helpers import answer, completed_job, fresh_token, survey_of

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def job(cast):
    return completed_job(cast, customer=CustomerFactory(name="孙先生", phone="+8613500002222"))


@pytest.fixture
def complaint(job):
    answer(fresh_token(survey_of(job)), attitude=1, comment="我要投诉")
    return FollowUpCase.objects.get()


# --- who sees which list ------------------------------------------------------------------

@pytest.mark.parametrize("name, allowed", [
    ("feedback:calls", {"agent", "supervisor", "manager"}),
    ("feedback:surveys", {"agent", "supervisor", "manager"}),
    ("feedback:cases", {"supervisor", "manager"}),
    ("feedback:visits", {"supervisor", "manager"}),
])
def test_lists_by_role(cast, name, allowed):
    for role in ("agent", "supervisor", "technician", "manager"):
        response = _client(getattr(cast, role)).get(reverse(name))
        assert response.status_code == (200 if role in allowed else 403), (name, role)
    customer = portal_user_for(CustomerFactory())
    assert _client(customer).get(reverse(name)).status_code == 403
    assert Client().get(reverse(name)).status_code == 302  # to the sign-in page


def test_call_list_shows_only_the_agents_centre(cast, other_cast, job):
    mine = FollowUpCall.objects.get(request=job)
    theirs = FollowUpCall.objects.get(request=completed_job(other_cast))
    FollowUpCall.objects.update(due_at=timezone.now())
    page = _client(cast.agent).get(reverse("feedback:calls")).content.decode()
    assert f'data-call="{mine.pk}"' in page and f'data-call="{theirs.pk}"' not in page
    # Headquarters sees both, and may filter by centre.
    hq = _client(cast.manager)
    assert f'data-call="{theirs.pk}"' in hq.get(reverse("feedback:calls")).content.decode()
    only = hq.get(reverse("feedback:calls"), {"centre": other_cast.centre.pk}).content.decode()
    assert f'data-call="{mine.pk}"' not in only and f'data-call="{theirs.pk}"' in only
    # Another centre's call page is the same 404 as a missing one.
    assert _client(cast.agent).get(reverse("feedback:call", args=[theirs.pk])).status_code == 404
    assert _client(cast.agent).get(reverse("feedback:call", args=[99999])).status_code == 404


def test_call_list_puts_due_calls_first_and_paginates(cast):
    jobs = [completed_job(cast) for _ in range(PAGE_SIZE + 2)]
    calls = FollowUpCall.objects.filter(request__in=jobs).order_by("pk")
    now = timezone.now()
    FollowUpCall.objects.filter(pk__in=[c.pk for c in calls]).update(due_at=now + timedelta(days=3))
    due_now = calls[5]
    FollowUpCall.objects.filter(pk=due_now.pk).update(due_at=now - timedelta(hours=2))
    client = _client(cast.agent)
    due = client.get(reverse("feedback:calls")).content.decode()
    assert due.count("data-call=") == 1 and f'data-call="{due_now.pk}"' in due
    everything = client.get(reverse("feedback:calls"), {"show": "open"})
    body = everything.content.decode()
    assert body.index("data-call=") == body.index(f'data-call="{due_now.pk}"')  # first row
    assert body.count("data-call=") == PAGE_SIZE
    assert everything.context["page"].paginator.count == PAGE_SIZE + 2
    second = client.get(reverse("feedback:calls"), {"show": "open", "page": 2})
    assert second.content.decode().count("data-call=") == 2


def test_call_list_search(cast, job):
    FollowUpCall.objects.update(due_at=timezone.now())
    client = _client(cast.agent)
    assert "孙先生" in client.get(reverse("feedback:calls"), {"q": job.number}).content.decode()
    assert "孙先生" in client.get(reverse("feedback:calls"), {"q": "13500002222"}).content.decode()
    assert "孙先生" not in client.get(reverse("feedback:calls"), {"q": "SR0000"}).content.decode()


def test_call_page_has_script_phone_job_and_answers(cast, job):
    answer(fresh_token(survey_of(job)), skill=3, comment="还行")
    call = FollowUpCall.objects.get(request=job)
    page = _client(cast.agent).get(reverse("feedback:call", args=[call.pk])).content.decode()
    assert 'href="tel:+8613500002222"' in page
    assert job.number in page and "还行" in page
    assert "{number}" not in page and "{agent}" not in page  # the script is filled in


def test_recording_through_the_form(cast, job):
    call = FollowUpCall.objects.get(request=job)
    client = _client(cast.agent)
    url = reverse("feedback:call_record", args=[call.pk])
    bad = client.post(url, {"o-version": call.version, "o-outcome": "reached", "o-note": ""})
    assert bad.status_code == 400
    call.refresh_from_db()
    assert call.attempts == 0
    ok = client.post(url, {"o-version": call.version, "o-outcome": "not_reached"})
    assert ok.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.NOT_REACHED and call.attempts == 1
    stale = client.post(url, {"o-version": call.version - 1, "o-outcome": "not_reached"})
    assert stale.status_code == 302  # a message, not a 500
    call.refresh_from_db()
    assert call.attempts == 1


def test_technician_cannot_post_an_outcome(cast, job):
    call = FollowUpCall.objects.get(request=job)
    response = _client(cast.technician).post(reverse("feedback:call_record", args=[call.pk]),
                                              {"o-version": call.version, "o-outcome": "reached",
                                               "o-note": "x"})
    assert response.status_code == 403
    call.refresh_from_db()
    assert call.attempts == 0 and call.status == CallStatus.PENDING


# --- cases and visits -----------------------------------------------------------------------

def test_case_page_and_actions_for_the_service_department(cast, complaint):
    client = _client(cast.manager)
    page = client.get(reverse("feedback:case", args=[complaint.pk])).content.decode()
    assert complaint.number in page and "我要投诉" in page and 'action="' in page
    url = reverse("feedback:case_action", args=[complaint.pk, "take_up"])
    assert client.post(url, {"take_up-version": complaint.version, "take_up-note": ""}).status_code == 400
    assert client.post(url, {"take_up-version": complaint.version,
                             "take_up-note": "已致电道歉"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.IN_PROGRESS


def test_supervisor_reads_cases_but_cannot_act(cast, complaint):
    client = _client(cast.supervisor)
    page = client.get(reverse("feedback:case", args=[complaint.pk])).content.decode()
    assert complaint.number in page and 'action="/feedback/cases/' not in page
    response = client.post(reverse("feedback:case_action", args=[complaint.pk, "take_up"]),
                           {"take_up-version": complaint.version, "take_up-note": "试试"})
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.OPEN and complaint.handler is None


def test_other_centres_supervisor_sees_no_case(cast, other_cast, complaint):
    client = _client(other_cast.supervisor)
    assert client.get(reverse("feedback:case", args=[complaint.pk])).status_code == 404
    assert complaint.number not in client.get(reverse("feedback:cases")).content.decode()


def test_supervisor_records_his_visit(cast, complaint):
    visit = VisitTask.objects.get(case=complaint)
    client = _client(cast.supervisor)
    assert "孙先生" in client.get(reverse("feedback:visits")).content.decode()
    url = reverse("feedback:visit_action", args=[visit.pk, "complete"])
    client.post(url, {f"v{visit.pk}-version": visit.version, f"v{visit.pk}-report": ""})
    visit.refresh_from_db()
    assert visit.status == "open"
    client.post(url, {f"v{visit.pk}-version": visit.version,
                      f"v{visit.pk}-report": "上门道歉，更换配件，客户满意"})
    visit.refresh_from_db()
    assert visit.status == "done" and visit.report.startswith("上门道歉")


def test_another_supervisor_cannot_record_the_visit(cast, complaint):
    visit = VisitTask.objects.get(case=complaint)
    colleague = UserFactory(username="sup-2", role=Role.SUPERVISOR, service_centre=cast.centre)
    _client(colleague).post(reverse("feedback:visit_action", args=[visit.pk, "complete"]),
                            {f"v{visit.pk}-version": visit.version, f"v{visit.pk}-report": "x"})
    visit.refresh_from_db()
    assert visit.status == "open" and visit.report == ""


def test_survey_list_shows_the_response_rate(cast):
    answered = completed_job(cast, days_ago=2)
    completed_job(cast, days_ago=2)
    completed_job(cast)  # not due yet: does not count
    answer(fresh_token(survey_of(answered)), attitude=2)
    response = _client(cast.manager).get(reverse("feedback:surveys"))
    rate = response.context["rate"]
    assert (rate.due, rate.answered, rate.rate) == (2, 1, 50.0)
    assert "50.0 %" in response.content.decode()
    low = _client(cast.manager).get(reverse("feedback:surveys"), {"state": "low"})
    assert low.context["page"].paginator.count == 1


# --- the survey page -------------------------------------------------------------------------

def test_survey_page_speaks_simplified_chinese_by_default(job):
    page = Client().get(f"/s/{fresh_token(survey_of(job))}/").content.decode()
    assert 'lang="zh-hans"' in page and "很满意" in page and "很不满意" in page


def test_survey_page_follows_lang_and_the_browser(job):
    token = fresh_token(survey_of(job))
    english = Client().get(f"/s/{token}/?lang=en").content.decode()
    assert "Very satisfied" in english and 'lang="en"' in english
    traditional = Client(HTTP_ACCEPT_LANGUAGE="zh-Hant-TW,zh;q=0.8").get(f"/s/{token}/")
    assert "很滿意" in traditional.content.decode()


def test_answer_in_english_thanks_in_english(job):
    token = fresh_token(survey_of(job))
    response = Client().post(f"/s/{token}/?lang=en", {
        "lang": "en", "attitude": "4", "skill": "4", "punctuality": "4", "promise": "4",
        "may_call": "no"}, follow=True)
    assert "Thank you" in response.content.decode()
    assert survey_of(job).may_call is False


def test_portal_snippet_offers_the_survey_once_completed(cast, job):
    from django.template.loader import render_to_string

    html = render_to_string("feedback/_portal_survey.html", {"sr": job})
    assert reverse("feedback:survey_for_request", args=[job.number]) in html
    answer(fresh_token(survey_of(job)))
    job.refresh_from_db()
    again = render_to_string("feedback/_portal_survey.html", {"sr": job})
    assert reverse("feedback:survey_for_request", args=[job.number]) not in again


def test_manager_gives_the_visit_to_another_supervisor(cast, other_cast, complaint):
    visit = VisitTask.objects.get(case=complaint)
    colleague = UserFactory(username="sup-3", role=Role.SUPERVISOR, service_centre=cast.centre)
    client = _client(cast.manager)
    url = reverse("feedback:visit_action", args=[visit.pk, "assign"])
    # Another centre's supervisor is not offered, and not accepted.
    client.post(url, {f"a{visit.pk}-version": visit.version,
                      f"a{visit.pk}-supervisor": other_cast.supervisor.pk})
    visit.refresh_from_db()
    assert visit.assigned_to == cast.supervisor
    client.post(url, {f"a{visit.pk}-version": visit.version, f"a{visit.pk}-supervisor": colleague.pk})
    visit.refresh_from_db()
    assert visit.assigned_to == colleague


def test_policy_is_edited_in_the_admin(cast, complaint, policy):
    admin = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = _client(admin)
    page = client.get(reverse("admin:feedback_feedbacksettings_change", args=[policy.pk]))
    assert page.status_code == 200 and "投诉" in page.content.decode()
    for name in ("survey", "followupcase", "followupcall", "visittask", "outboundmessage"):
        assert client.get(reverse(f"admin:feedback_{name}_changelist")).status_code == 200
    # One row only: no second settings row, no deleting it.
    assert client.get(reverse("admin:feedback_feedbacksettings_add")).status_code == 403
