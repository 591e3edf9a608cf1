"""Survey link security: a link opens one survey, once, until it expires, without sign-in;
forged, tampered, expired, used and other people's links change nothing and leak nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.feedback import services
from aftersales.feedback.models import Survey, SurveyLink
from aftersales.portal.tests.helpers import portal_user_for

from .helpers import answer, completed_job, fresh_token, survey_of

pytestmark = pytest.mark.django_db

GOOD = {"attitude": "4", "skill": "3", "punctuality": "4", "promise": "4", "comment": "很好",
        "may_call": "yes"}


@pytest.fixture
def job(cast):
    return completed_job(cast, customer=CustomerFactory(name="陈秘密", phone="+8613811112222"))


@pytest.fixture
def token(job):
    return fresh_token(survey_of(job))


def _url(token):
    return reverse("survey:answer", args=[token])


def _assert_no_leak(response, job):
    body = response.content.decode()
    assert "陈秘密" not in body and job.number not in body and "+8613811112222" not in body
    assert "<form" not in body


def test_link_opens_without_sign_in_and_answers_once(job, token):
    client = Client()
    page = client.get(_url(token))
    assert page.status_code == 200
    assert 'name="attitude"' in page.content.decode()
    response = client.post(_url(token), GOOD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("survey:thanks"))
    survey = survey_of(job)
    assert (survey.attitude, survey.skill, survey.punctuality, survey.promise) == (4, 3, 4, 4)
    assert survey.comment == "很好" and survey.may_call is True
    assert survey.answered_via == "sms" and survey.score == pytest.approx(91.7, abs=0.1)
    assert SurveyLink.objects.get(token_hash=services.token_hash(token)).used_at is not None


def test_only_a_hash_of_the_token_is_stored(job, token):
    assert not SurveyLink.objects.filter(token_hash=token).exists()
    assert SurveyLink.objects.filter(token_hash=services.token_hash(token)).exists()


def test_reused_link_shows_answered_page_and_changes_nothing(job, token):
    client = Client()
    client.post(_url(token), GOOD)
    before = Survey.objects.values().get(pk=survey_of(job).pk)
    again = client.post(_url(token), GOOD | {"attitude": "1", "comment": "改答案"})
    assert again.status_code == 410
    assert 'data-reason="used"' in again.content.decode()
    assert "这份调查已经回答过了" in again.content.decode()
    _assert_no_leak(again, job)
    assert Survey.objects.values().get(pk=before["id"]) == before
    assert client.get(_url(token)).status_code == 410


def test_a_second_link_of_an_answered_survey_is_used_too(job, token):
    other = fresh_token(survey_of(job), channel="email")
    answer(token)
    with pytest.raises(services.SurveyUnavailable) as exc:
        answer(other, attitude=1)
    assert exc.value.reason == "used"
    assert survey_of(job).attitude == 4


def test_expired_link(job, token):
    Survey.objects.filter(request=job).update(expires_at=timezone.now() - timedelta(minutes=1))
    client = Client()
    response = client.get(_url(token))
    assert response.status_code == 410 and 'data-reason="expired"' in response.content.decode()
    _assert_no_leak(response, job)
    assert client.post(_url(token), GOOD).status_code == 410
    assert survey_of(job).answered_at is None


@pytest.mark.parametrize("forged", [
    "x", "A" * 22, "not-a-real-token-at-all", "%2e%2e", "%00", "a" * 300, "'--",
])
def test_forged_links_get_a_friendly_404(job, forged):
    client = Client()
    response = client.get(f"/s/{forged}/")
    assert response.status_code == 404
    assert "我们无法打开这份调查" in response.content.decode()  # our page, in zh-hans by default
    _assert_no_leak(response, job)
    assert client.post(f"/s/{forged}/", GOOD).status_code == 404
    assert survey_of(job).answered_at is None


def test_tampered_link(job, token):
    flipped = ("B" if token[5] != "B" else "C")
    tampered = token[:5] + flipped + token[6:]
    for candidate in (tampered, token[:-1], token + "x", token.upper() if token.upper() != token else token.lower()):
        response = Client().post(_url(candidate), GOOD)
        assert response.status_code == 404
        _assert_no_leak(response, job)
    assert survey_of(job).answered_at is None


def test_another_customers_token_only_touches_that_customers_survey(cast):
    mine = completed_job(cast)
    theirs = completed_job(cast)
    their_token = fresh_token(survey_of(theirs))
    Client().post(_url(their_token), GOOD | {"attitude": "1"})
    assert survey_of(mine).answered_at is None  # nothing reaches my survey
    assert survey_of(theirs).attitude == 1


def test_portal_link_is_the_signed_in_customers_own(cast):
    mine = completed_job(cast)
    theirs = completed_job(cast)
    me = portal_user_for(mine.customer)
    client = Client()
    client.force_login(me)
    response = client.get(reverse("feedback:survey_for_request", args=[mine.number]))
    assert response.status_code == 302 and response["Location"].startswith("/s/")
    assert client.get(response["Location"]).status_code == 200
    link = SurveyLink.objects.filter(survey__request=mine, channel="qr").get()
    assert link.survey == survey_of(mine)
    # Another customer's request: the same 404 as a number that does not exist.
    other = client.get(reverse("feedback:survey_for_request", args=[theirs.number]))
    missing = client.get(reverse("feedback:survey_for_request", args=["SR00000000"]))
    assert other.status_code == missing.status_code == 404
    assert not SurveyLink.objects.filter(survey__request=theirs, channel="qr").exists()


def test_portal_link_asks_a_stranger_to_sign_in(job):
    response = Client().get(reverse("feedback:survey_for_request", args=[job.number]))
    assert response.status_code == 302 and "/portal/login/" in response["Location"]


def test_portal_link_before_completion_says_not_yet(cast):
    from aftersales.service.tests.factories import new_request

    request = new_request(cast)
    client = Client()
    client.force_login(portal_user_for(request.customer))
    response = client.get(reverse("feedback:survey_for_request", args=[request.number]))
    assert response.status_code == 409
    assert not Survey.objects.exists()


def test_answer_needs_all_four_ratings_and_a_choice(job, token):
    response = Client().post(_url(token), {"attitude": "4", "comment": "x"})
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("q has-error") == 4  # skill, punctuality, promise, may we call
    assert survey_of(job).answered_at is None
    bad = Client().post(_url(token), GOOD | {"skill": "5"})
    assert bad.status_code == 400 and survey_of(job).answered_at is None
