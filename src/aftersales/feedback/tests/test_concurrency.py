"""A survey is answered once even when several answers arrive at the same moment (two tabs,
the SMS and the e-mail link), and two agents recording one call never lose an attempt."""


import pytest

from aftersales.core.exceptions import ConflictError
from aftersales.core.tests.concurrency import at_once
from aftersales.feedback import services
from aftersales.feedback.models import FollowUpCall, FollowUpCase, Survey
from aftersales.service.tests.factories import Cast

from .helpers import completed_job, fresh_token, survey_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]
WORKERS = 6


def test_parallel_answers_one_wins():
    request = completed_job(Cast())
    survey = survey_of(request)
    tokens = [fresh_token(survey, channel="sms" if i % 2 else "email") for i in range(WORKERS)]
    def answer(index):
        try:
            services.survey_answer(token=tokens[index], attitude=1 + index % 4, skill=2,
                                   punctuality=2, promise=2, comment=f"第{index}份")
            return index
        except services.SurveyUnavailable as exc:
            assert exc.reason == "used"
            return None

    winners = [i for i in at_once(answer, WORKERS) if i is not None]

    assert len(winners) == 1
    survey = Survey.objects.get(pk=survey.pk)
    assert survey.comment == f"第{winners[0]}份"
    assert FollowUpCase.objects.filter(survey=survey).count() == 1  # one case, not six


def test_parallel_outcomes_count_every_attempt():
    cast = Cast()
    call = FollowUpCall.objects.get(request=completed_job(cast))
    def record(_):
        services.follow_up_call_record(actor=cast.agent, call=call, outcome="not_reached")
        return True

    done = sum(at_once(record, 2, outcomes={ConflictError: False}))
    call.refresh_from_db()
    assert call.attempts == done == 2
