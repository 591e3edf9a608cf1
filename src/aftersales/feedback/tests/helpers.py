"""Test helpers: completed jobs through the real services, the SMS outbox, links in messages."""

import json
import re
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aftersales.core.events import event_list
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.feedback import services
from aftersales.feedback.models import FollowUpCall, Survey
from aftersales.service import services as service_services
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import SIGNATURE, drive, new_request

LINK = re.compile(r"https?://[^\s/]+/s/([A-Za-z0-9_-]+)/")


def completed_job(cast, *, customer=None, carry_in=False, days_ago=None, **kwargs):
    """A job driven to completed (on site or carried in and handed back), and its survey
    scheduled as the completing service will do it (``survey_schedule_for``)."""
    customer = customer or CustomerFactory(service_centre=cast.centre)
    request = new_request(cast, customer=customer, **kwargs)
    if carry_in:
        drive(request, cast, Status.INSPECTED)
        request.refresh_from_db()
        service_services.service_request_hand_back(actor=cast.agent, request=request,
                                                   signer_name="张三", signature=SIGNATURE)
    else:
        drive(request, cast, Status.COMPLETED)
    request.refresh_from_db()
    services.survey_schedule_for(request)  # as service_request_complete / hand_back will do
    if days_ago is not None:
        # Completed earlier: whatever completing scheduled for today is replaced by what it
        # would have scheduled then (once the completing services call survey_schedule_for).
        ServiceRequest.objects.filter(pk=request.pk).update(
            completed_at=timezone.now() - timedelta(days=days_ago))
        forget_feedback(request)
        request.refresh_from_db()
        services.survey_schedule_for(request)
    return request


def forget_feedback(request) -> None:
    """Remove the survey, call and queued tasks of a job, as if it had never been scheduled."""
    survey_ids = list(Survey.objects.filter(request=request).values_list("pk", flat=True))
    DBTaskResult.objects.filter(task_path__endswith="send_survey",
                                args_kwargs__args__0__in=survey_ids).delete()
    Survey.objects.filter(pk__in=survey_ids).delete()
    FollowUpCall.objects.filter(request=request).delete()


def survey_of(request) -> Survey:
    return Survey.objects.get(request=request)


def sms_lines(folder) -> list[dict]:
    path = Path(folder) / "outbox.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def token_in(text: str) -> str:
    match = LINK.search(text)
    assert match, f"no survey link in {text!r}"
    return match.group(1)


def actions(subject) -> list[str]:
    return [e.action for e in event_list(subject)]


def answer(token, **overrides):
    values = {"attitude": 4, "skill": 4, "punctuality": 4, "promise": 4, "comment": "",
              "may_call": True} | overrides
    return services.survey_answer(token=token, **values)


def fresh_token(survey, channel="sms") -> str:
    return services.survey_link_issue(survey=survey, channel=channel)
