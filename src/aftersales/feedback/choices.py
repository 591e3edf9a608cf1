from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SurveyChannel(models.TextChoices):
    """How the survey reaches the customer: first choice by what we have (FB-1)."""

    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")
    QR = "qr", _("QR code on the voucher")


class Rating(models.IntegerChoices):
    """The four levels of FB-2 (4 = very satisfied … 1 = very dissatisfied)."""

    VERY_SATISFIED = 4, _("Very satisfied")
    SATISFIED = 3, _("Satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


# The four items of FB-2, in the order the customer sees them.
RATING_ITEMS = ("attitude", "skill", "punctuality", "promise")


class MessageKind(models.TextChoices):
    SURVEY = "survey", _("Survey invitation")
    REMINDER = "reminder", _("Survey reminder")
    CASE_OUTCOME = "case_outcome", _("Outcome of a follow-up case")
    SERIOUS_ALERT = "serious_alert", _("Serious complaint alert")


class MessageChannel(models.TextChoices):
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", pgettext_lazy("message status", "Failed")
    CANCELLED = "cancelled", _("Not needed any more")


class CaseSource(models.TextChoices):
    SURVEY = "survey", _("Survey")
    CALL = "call", _("Follow-up call")


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    CUSTOMER_TOLD = "customer_told", _("Customer told")
    CLOSED = "closed", _("Closed")


OPEN_CASE_STATUSES = frozenset({CaseStatus.OPEN, CaseStatus.IN_PROGRESS, CaseStatus.CUSTOMER_TOLD})


class CallKind(models.TextChoices):
    AFTER_REPAIR = "after_repair", _("After a repair")
    AFTER_COMPLAINT = "after_complaint", _("After a complaint was settled")


class CallStatus(models.TextChoices):
    PENDING = "pending", _("To call")
    REACHED = "reached", _("Reached")
    NOT_REACHED = "not_reached", _("Not reached, call again")
    CALL_BACK = "call_back", _("Call back later")
    CLOSED = "closed", _("Closed")


OPEN_CALL_STATUSES = frozenset({CallStatus.PENDING, CallStatus.NOT_REACHED, CallStatus.CALL_BACK})


class CallOutcome(models.TextChoices):
    """What the agent records after dialling (FB-5)."""

    REACHED = "reached", _("Reached the customer")
    NOT_REACHED = "not_reached", _("Not reached")
    CALL_BACK = "call_back", _("Customer asks to be called back")


class VisitStatus(models.TextChoices):
    OPEN = "open", _("To visit")
    DONE = "done", _("Visited")
    CANCELLED = "cancelled", _("Cancelled")
