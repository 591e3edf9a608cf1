"""A customer's page shows how he rated the jobs done for him and his open follow-up cases
(FB-2, FB-4); the desk sees it, and nothing of it when he was never surveyed."""

import pytest
from django.urls import reverse

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.feedback.models import FollowUpCase

from .helpers import answer, completed_job, fresh_token, survey_of

pytestmark = pytest.mark.django_db


def _panel(client, user, customer) -> str:
    client.force_login(user)
    html = client.get(reverse("customers:detail", args=[customer.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    if 'data-panel="customer-feedback"' not in html:
        return ""
    return html.split('data-panel="customer-feedback"', 1)[1].split("</section>", 1)[0]


def test_the_mean_score_the_latest_answers_and_the_open_cases(client, cast, sms):
    customer = CustomerFactory(service_centre=cast.centre, name="葛女士")
    pleased = completed_job(cast, customer=customer)
    answer(fresh_token(survey_of(pleased)), comment="师傅很专业")
    unhappy = completed_job(cast, customer=customer)
    answer(fresh_token(survey_of(unhappy)), attitude=1, skill=2, punctuality=1, promise=2,
           comment="迟到两个小时")
    waiting = completed_job(cast, customer=customer)

    panel = _panel(client, cast.supervisor, customer)
    # (100 + 16.7) / 2: the mean of the two answered surveys on 0–100 (1, 2, 1, 2 is 16.7)
    assert 'data-mean-score class="">58</strong>' in panel
    assert "2 surveys answered" in panel and "1 not answered" in panel
    assert panel.index(unhappy.number) < panel.index(pleased.number)  # the latest first
    assert waiting.number not in panel
    assert "迟到两个小时" in panel
    case = FollowUpCase.objects.get(request=unhappy)  # the low answer opened a case (FB-4)
    assert case.number in panel and "Open follow-up cases" in panel
    # the agent sees the ratings, not the cases (their list is the supervisors')
    agent_panel = _panel(client, cast.agent, customer)
    assert "迟到两个小时" in agent_panel and case.number not in agent_panel


def test_nothing_for_a_customer_never_surveyed(client, cast):
    customer = CustomerFactory(service_centre=cast.centre)
    assert _panel(client, cast.agent, customer) == ""


def test_the_other_centres_surveys_stay_theirs(client, cast, other_cast, sms):
    customer = CustomerFactory(service_centre=other_cast.centre)
    job = completed_job(other_cast, customer=customer)
    answer(fresh_token(survey_of(job)))
    assert _panel(client, other_cast.agent, customer) != ""
    assert _panel(client, cast.agent, customer) == ""  # he sees the customer, not their surveys
