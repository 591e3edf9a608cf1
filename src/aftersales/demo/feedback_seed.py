"""Demo data for feedback: customers answer most of the surveys that have gone out, mostly
content, a few not, so the dashboard's satisfaction, the survey lists, the appraisal's scores and
the follow-up work they open all have something to show. Answers go through the real services
(``survey_send``, ``survey_answer``) at simulated moments, so a poor answer opens its follow-up case
as it would in use."""

from datetime import timedelta

from django.conf import settings
from django.test.utils import override_settings

from aftersales.feedback.choices import MessageStatus, SurveyChannel
from aftersales.feedback.models import OutboundMessage, Survey
from aftersales.feedback.services import (
    message_deliver,
    survey_answer,
    survey_link_issue,
    survey_send,
)

ANSWER_SHARE = 0.75
# (weight, ratings attitude/skill/punctuality/promise, comment, may we call)
ANSWERS = [
    (40, (4, 4, 4, 4), "", False),
    (14, (4, 4, 4, 4), "师傅很专业，讲解清楚，谢谢！", False),
    (12, (4, 4, 3, 4), "", False),
    (8, (4, 3, 4, 4), "修好了，希望以后不要再坏。", False),
    (6, (3, 3, 3, 3), "", False),
    (4, (4, 4, 2, 3), "比约定时间晚到了一个小时。", True),
    (2, (2, 3, 2, 2), "等了两天才上门，服务一般。", True),
    (1, (1, 2, 1, 1), "师傅态度差，收费不合理，我要投诉。", True),
]


def seed_feedback(rng, clock) -> int:
    """Send each survey that fell due at its time and answer most of them a little later.
    The past's messages go to files in the data directory (sms/, mail/), not to the console.
    Returns the number answered."""
    with override_settings(SMS_BACKEND="aftersales.core.sms.FileSmsBackend",
                           SMS_FILE_PATH=settings.DATA_DIR / "sms",
                           EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                           EMAIL_FILE_PATH=str(settings.DATA_DIR / "mail")):
        return _answer(rng, clock)


def _answer(rng, clock) -> int:
    now = clock.real_now()
    weights = [a[0] for a in ANSWERS]
    answered = 0
    for survey in Survey.objects.filter(due_at__lte=now - timedelta(hours=2),
                                        answered_at__isnull=True).order_by("due_at", "pk"):
        clock.set(survey.due_at)
        survey_send(survey_id=survey.pk)
        for message_id in OutboundMessage.objects.filter(
                survey=survey, status=MessageStatus.PENDING).values_list("pk", flat=True):
            message_deliver(message_id=message_id)
        if rng.random() >= ANSWER_SHARE:
            continue
        at = survey.due_at + timedelta(minutes=rng.uniform(10, 36 * 60))
        if at >= now:
            continue
        clock.set(at)
        _weight, ratings, comment, may_call = rng.choices(ANSWERS, weights=weights)[0]
        token = survey_link_issue(survey=survey, channel=SurveyChannel.SMS)
        attitude, skill, punctuality, promise = ratings
        survey_answer(token=token, attitude=attitude, skill=skill, punctuality=punctuality,
                      promise=promise, comment=comment, may_call=may_call)
        answered += 1
    clock.set(None)
    return answered
