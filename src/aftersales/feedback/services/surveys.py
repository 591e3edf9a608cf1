"""Surveys (FB-1, FB-2): scheduling, sending with retries, one reminder, answering once."""

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.sms import get_sms_backend
from aftersales.core.tasks import enqueue
from aftersales.core.workflow import transition_apply
from aftersales.service.models import ServiceRequest

from .. import rules, texts
from ..choices import (
    RATING_ITEMS,
    CallKind,
    CallStatus,
    CaseSource,
    MessageChannel,
    MessageKind,
    MessageStatus,
    SurveyChannel,
)
from ..models import (
    FeedbackSettings,
    FollowUpCall,
    OutboundMessage,
    Survey,
    SurveyLink,
)
from ..workflow import call_workflow
from .common import (
    DONE_STATUSES,
    EARLY_TOLERANCE,
    STALE_SENDING,
    SYSTEM,
    SurveyUnavailable,
    customer_destinations,
    customer_mobile,
    survey_due_at,
    token_hash,
)
from .followup import follow_up_call_schedule, follow_up_case_open

# Tasks this module schedules, by name (the tasks module imports this one).
DELIVER_MESSAGE_TASK = "aftersales.feedback.tasks.deliver_message"
REMIND_SURVEY_TASK = "aftersales.feedback.tasks.remind_survey"
SCHEDULE_MISSING_SURVEYS_TASK = "aftersales.feedback.tasks.schedule_missing_surveys"
SEND_SURVEY_TASK = "aftersales.feedback.tasks.send_survey"

logger = logging.getLogger("aftersales.feedback")

# --- scheduling (FB-1, FB-5) ------------------------------------------------------------------


def survey_schedule_for(request: ServiceRequest) -> Survey | None:
    """A completed job's survey for tomorrow morning and its follow-up call; idempotent.

    Internal work (category D) has no customer to ask and gets neither.
    """

    if request.internal or request.status not in DONE_STATUSES or request.completed_at is None:
        return None
    policy = FeedbackSettings.load()
    customer = request.customer
    with transaction.atomic():
        survey = Survey.objects.filter(request=request).first()
        if survey is None:
            due = survey_due_at(request.completed_at, request.service_centre, policy)
            mobile, email = customer_mobile(customer), customer.email
            channel = (SurveyChannel.SMS if mobile else SurveyChannel.EMAIL if email
                       else SurveyChannel.QR)
            try:
                with transaction.atomic():
                    survey = Survey.objects.create(
                        request=request, technician=request.assigned_technician,
                        customer=customer, channel=channel, due_at=due,
                        expires_at=due + timedelta(days=policy.survey_valid_days))
            except IntegrityError:  # scheduled meanwhile by another process
                survey = Survey.objects.get(request=request)
            else:
                event_append(subject=survey, action="schedule", data={"due_at": due,
                                                                      "channel": channel})
                enqueue(SEND_SURVEY_TASK, survey.pk, run_after=due)
        follow_up_call_schedule(request=request, kind=CallKind.AFTER_REPAIR)
    return survey


def surveys_schedule_missing(*, now: datetime | None = None) -> int:
    """The daily safety net: jobs completed since the day before yesterday without a survey get
    one; due surveys whose sending was lost are sent; stuck deliveries are retried. Idempotent.
    """

    now = now or timezone.now()
    today = timezone.localdate(now)
    since = datetime.combine(today - timedelta(days=2), datetime.min.time(),
                             timezone.get_current_timezone())
    missing = (ServiceRequest.objects
               .filter(status__in=DONE_STATUSES, internal=False, completed_at__gte=since,
                       survey__isnull=True)
               .select_related("customer", "service_centre", "assigned_technician"))
    count = 0
    for request in missing.iterator(chunk_size=500):
        if survey_schedule_for(request) is not None:
            count += 1
    lost = (Survey.objects.filter(due_at__lte=now - timedelta(minutes=10), sent_at__isnull=True,
                                  answered_at__isnull=True, expires_at__gt=now)
            .exclude(channel=SurveyChannel.QR)
            .annotate(n=Count("messages")).filter(n=0).values_list("pk", flat=True))
    for survey_id in lost:
        enqueue(SEND_SURVEY_TASK, survey_id)
    stale = OutboundMessage.objects.filter(status=MessageStatus.SENDING,
                                           created_at__lte=now - STALE_SENDING)
    for message_id in stale.values_list("pk", flat=True):
        if OutboundMessage.objects.filter(pk=message_id, status=MessageStatus.SENDING).update(
                status=MessageStatus.PENDING):
            enqueue(DELIVER_MESSAGE_TASK, message_id)
    with transaction.atomic():
        policy = FeedbackSettings.objects.select_for_update().get(pk=FeedbackSettings.load().pk)
        if policy.last_sweep_on != today:
            policy.last_sweep_on = today
            policy.save(update_fields=["last_sweep_on", "updated_at"])
            hour = (datetime.combine(today, policy.survey_hour) - timedelta(minutes=30)).time()
            tomorrow = datetime.combine(today + timedelta(days=1), hour,
                                        timezone.get_current_timezone())
            enqueue(SCHEDULE_MISSING_SURVEYS_TASK, run_after=tomorrow)
    return count


def survey_link_issue(*, survey: Survey, channel: str) -> str:
    """A new link token for this survey; only its hash is stored."""
    token = secrets.token_urlsafe(16)
    SurveyLink.objects.create(survey=survey, channel=channel, token_hash=token_hash(token))
    return token


def survey_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("survey:answer", args=[token])


def _queue_messages(survey: Survey, kind: str) -> int:

    created = 0
    for channel, destination in customer_destinations(survey.customer):
        subject, body = texts.survey_invitation(survey, channel=channel,
                                                reminder=kind == MessageKind.REMINDER)
        message, new = OutboundMessage.objects.get_or_create(
            survey=survey, kind=kind, channel=channel,
            defaults={"destination": destination, "subject": subject, "body": body})
        if new:
            enqueue(DELIVER_MESSAGE_TASK, message.pk)
            created += 1
    return created


def survey_send(*, survey_id: int, now: datetime | None = None) -> int:
    """Queue the survey's SMS and e-mail (both where both exist) at its due time (FB-1)."""

    now = now or timezone.now()
    with transaction.atomic():
        survey = (Survey.objects.select_for_update().select_related("customer", "request")
                  .filter(pk=survey_id).first())
        if survey is None or survey.answered_at or survey.is_expired(now):
            return 0
        if now + EARLY_TOLERANCE < survey.due_at:  # moved later: its own task will come
            enqueue(SEND_SURVEY_TASK, survey.pk, run_after=survey.due_at)
            return 0
        created = _queue_messages(survey, MessageKind.SURVEY)
        if created:
            event_append(subject=survey, action="send", at=now, data={"messages": created})
        elif not survey.messages.exists():
            event_append(subject=survey, action="no_contact", at=now,
                         note=_("No mobile number or e-mail: only the voucher's QR code."))
    return created


def survey_remind(*, survey_id: int, now: datetime | None = None) -> int:
    """One reminder if the survey is still unanswered (FB-1), through the channels that worked."""
    now = now or timezone.now()
    with transaction.atomic():
        survey = (Survey.objects.select_for_update().select_related("customer", "request")
                  .filter(pk=survey_id).first())
        if (survey is None or survey.answered_at or survey.reminded_at or survey.sent_at is None
                or survey.is_expired(now)):
            return 0
        if survey.messages.filter(kind=MessageKind.REMINDER).exists():
            return 0
        created = _queue_messages(survey, MessageKind.REMINDER)
        if created:
            event_append(subject=survey, action="remind", at=now, data={"messages": created})
    return created


def _deliver(message: OutboundMessage, subject: str, body: str) -> None:
    if message.channel == MessageChannel.SMS:
        get_sms_backend().send(message.destination, body)
    else:
        send_mail(subject, body, None, [message.destination], fail_silently=False)


def message_deliver(*, message_id: int) -> bool:
    """Send one message now (we are past the commit that queued it); retry later on failure."""

    policy = FeedbackSettings.load()
    with transaction.atomic():
        message = (OutboundMessage.objects.select_for_update(of=("self",))
                   .select_related("survey").filter(pk=message_id).first())
        if message is None or message.status != MessageStatus.PENDING:
            return False
        survey = message.survey
        body = message.body
        if message.kind in (MessageKind.SURVEY, MessageKind.REMINDER):
            if survey.answered_at or survey.is_expired():
                message.status = MessageStatus.CANCELLED
                message.save(update_fields=["status"])
                return False
            token = survey_link_issue(survey=survey, channel=message.channel)
            body = body.replace(texts.LINK, survey_url(token))
        message.status = MessageStatus.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts"])
    try:
        _deliver(message, message.subject, body)
    except Exception as exc:  # noqa: BLE001  (any gateway or SMTP failure is retried)
        logger.warning("message %s failed: %s", message_id, exc)
        with transaction.atomic():
            message = OutboundMessage.objects.select_for_update().get(pk=message_id)
            message.last_error = f"{exc.__class__.__name__}: {exc}"[:300]
            if message.attempts >= policy.send_max_attempts:
                message.status = MessageStatus.FAILED
                subject = message.survey or message.case
                if subject is not None:
                    event_append(subject=subject, action="send_failed", note=message.last_error,
                                 data={"message": message.pk, "channel": message.channel})
            else:
                message.status = MessageStatus.PENDING
                delay = timedelta(minutes=policy.retry_minutes * 2 ** (message.attempts - 1))
                enqueue(DELIVER_MESSAGE_TASK, message.pk, run_after=timezone.now() + delay)
            message.save(update_fields=["status", "last_error"])
        return False
    now = timezone.now()
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=message_id).update(status=MessageStatus.SENT,
                                                             sent_at=now, last_error="")
        if survey is not None:
            survey = Survey.objects.select_for_update().get(pk=survey.pk)
            if message.kind == MessageKind.SURVEY and survey.sent_at is None:
                survey.sent_at = now
                survey.save(update_fields=["sent_at", "updated_at"])
                event_append(subject=survey, action="sent", at=now,
                             data={"channel": message.channel})
                remind_at = now + timedelta(days=policy.reminder_after_days)
                if remind_at < survey.expires_at:
                    enqueue(REMIND_SURVEY_TASK, survey.pk, run_after=remind_at)
            elif message.kind == MessageKind.REMINDER and survey.reminded_at is None:
                survey.reminded_at = now
                survey.save(update_fields=["reminded_at", "updated_at"])
                event_append(subject=survey, action="reminded", at=now,
                             data={"channel": message.channel})
    return True


# --- answering (FB-2) -------------------------------------------------------------------------

def survey_link_open(*, token: str) -> Survey:
    """The survey behind a link, if it can still be answered; notes the first opening."""
    link = SurveyLink.objects.select_related("survey").filter(token_hash=token_hash(token)).first()
    if link is None:
        raise SurveyUnavailable("invalid")
    survey = link.survey
    if survey.answered_at:
        raise SurveyUnavailable("used")
    if survey.is_expired():
        raise SurveyUnavailable("expired")
    if link.opened_at is None:
        SurveyLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=timezone.now())
    return survey


def _clean_ratings(values: dict) -> dict[str, int]:
    errors, ratings = {}, {}
    for item in RATING_ITEMS:
        try:
            value = int(values.get(item))
        except (TypeError, ValueError):
            value = None
        if value not in (1, 2, 3, 4):
            errors[item] = [_("Please choose one of the four answers.")]
        ratings[item] = value
    if errors:
        raise ValidationError(errors)
    return ratings


def survey_answer(*, token: str, attitude, skill, punctuality, promise, comment: str = "",
                  may_call: bool = False) -> Survey:
    """The customer's answer, once (FB-2), routed to follow-up at once (FB-4)."""
    ratings = _clean_ratings({"attitude": attitude, "skill": skill,
                              "punctuality": punctuality, "promise": promise})
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationError({"comment": [_("Please keep the comment under 2000 characters.")]})
    now = timezone.now()
    with transaction.atomic():
        link = SurveyLink.objects.select_for_update().filter(token_hash=token_hash(token)).first()
        if link is None:
            raise SurveyUnavailable("invalid")
        survey = (Survey.objects.select_for_update()
                  .select_related("request__service_centre", "customer").get(pk=link.survey_id))
        if survey.answered_at:
            raise SurveyUnavailable("used")
        if survey.is_expired(now):
            raise SurveyUnavailable("expired")
        for item, value in ratings.items():
            setattr(survey, item, value)
        survey.comment, survey.may_call = comment, bool(may_call)
        survey.answered_at, survey.answered_via = now, link.channel
        survey.version += 1
        survey.save(update_fields=[*RATING_ITEMS, "comment", "may_call", "answered_at",
                                   "answered_via", "version", "updated_at"])
        link.used_at = now
        link.save(update_fields=["used_at"])
        event_append(subject=survey, action="answer", at=now,
                     data={**ratings, "score": survey.score, "may_call": survey.may_call,
                           "via": link.channel})
        survey.messages.filter(status=MessageStatus.PENDING).update(
            status=MessageStatus.CANCELLED)
        policy = FeedbackSettings.load()
        assessment = rules.assess(
            ratings, comment, low_max=policy.low_score_max, serious_max=policy.serious_score_max,
            complaint_words=policy.words(policy.complaint_words),
            serious_words=policy.words(policy.serious_words))
        if assessment.opens_case:
            follow_up_case_open(request=survey.request, source=CaseSource.SURVEY, survey=survey,
                       summary=comment, serious=assessment.serious,
                       complaint=assessment.complaint, reasons=assessment.reasons(ratings),
                       policy=policy)
        if not survey.may_call:
            _call_not_wanted(survey)
    return survey


def _call_not_wanted(survey: Survey) -> None:
    """The customer said not to call: an untouched call after the repair is closed."""
    call = (FollowUpCall.objects.select_for_update()
            .filter(request_id=survey.request_id, kind=CallKind.AFTER_REPAIR,
                    status=CallStatus.PENDING, attempts=0).first())
    if call is not None:
        transition_apply(workflow=call_workflow, instance=call, name="close", actor=SYSTEM,
                         note=_("The customer asked in the survey not to be called."),
                         changes={"outcome_note": _("Not wanted (survey).")})


def survey_link_for_customer(*, actor, request: ServiceRequest) -> str:
    """The voucher's QR code → the portal → this: a link for the signed-in customer's own job."""
    if getattr(actor, "role", None) != Role.CUSTOMER or request.customer.user_id != actor.pk:
        raise PermissionDenied()
    with transaction.atomic():
        survey = Survey.objects.filter(request=request).first() or survey_schedule_for(request)
        if survey is None:
            raise SurveyUnavailable("invalid")
        if survey.answered_at:
            raise SurveyUnavailable("used")
        if survey.is_expired():
            raise SurveyUnavailable("expired")
        return survey_link_issue(survey=survey, channel=SurveyChannel.QR)

