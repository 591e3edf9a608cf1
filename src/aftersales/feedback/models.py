"""Satisfaction surveys, follow-up cases, follow-up calls and supervisors' visits (FB-1 … FB-5).

``Survey`` and ``FollowUpCall`` are an interface other apps build on (reports, technician
appraisal): keep their field names and meanings.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.choices import Role
from aftersales.accounts.models import is_headquarters
from aftersales.core.models import BaseModel
from aftersales.core.querysets import RestrictedQuerySet

from . import defaults
from .choices import (
    OPEN_CALL_STATUSES,
    OPEN_CASE_STATUSES,
    RATING_ITEMS,
    CallKind,
    CallStatus,
    CaseSource,
    CaseStatus,
    MessageChannel,
    MessageKind,
    MessageStatus,
    Rating,
    SurveyChannel,
    VisitStatus,
)

# --- who sees what (house style rule 8) ---------------------------------------------------------


def _centre_scope(queryset, user, roles, path="request__service_centre"):
    if is_headquarters(user):
        return queryset
    if user.role in roles and user.service_centre_id:
        return queryset.filter(**{f"{path}_id": user.service_centre_id})
    return queryset.none()


CALL_DESK = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER})
CASE_READERS = frozenset({Role.SUPERVISOR, Role.MANAGER})
CASE_HANDLERS = frozenset({Role.MANAGER})
VISITORS = frozenset({Role.SUPERVISOR, Role.MANAGER})


# --- policy (house style rule 11) --------------------------------------------------------------


class FeedbackSettings(models.Model):
    """The service department's survey and follow-up policy: one row, edited in the admin."""

    survey_hour = models.TimeField(
        _("survey sent at"), default=defaults.SURVEY_HOUR,
        help_text=_("The morning after the job, in the service centre's time zone."))
    survey_valid_days = models.PositiveSmallIntegerField(
        _("survey link valid for (days)"), default=defaults.SURVEY_VALID_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)])
    reminder_after_days = models.PositiveSmallIntegerField(
        _("one reminder after (days)"), default=defaults.REMINDER_AFTER_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)])
    low_score_max = models.PositiveSmallIntegerField(
        _("follow-up case at or below level"), default=defaults.LOW_SCORE_MAX,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("Any item rated at or below this level opens a follow-up case "
                    "(4 very satisfied … 1 very dissatisfied)."))
    serious_score_max = models.PositiveSmallIntegerField(
        _("serious at or below level"), default=defaults.SERIOUS_SCORE_MAX,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("Any item rated at or below this level makes the case serious."))
    complaint_words = models.TextField(
        _("complaint words"), default=defaults.COMPLAINT_WORDS, blank=True,
        help_text=_("One per line. A comment containing one opens a follow-up case and a "
                    "supervisor's visit."))
    serious_words = models.TextField(
        _("serious words"), default=defaults.SERIOUS_WORDS, blank=True,
        help_text=_("One per line. A comment containing one makes the case serious."))
    notify_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+",
        verbose_name=_("notified of serious cases at once"),
        help_text=_("The vice-president in charge. Empty: the service department's "
                    "managers."))
    visit_due_days = models.PositiveSmallIntegerField(
        _("supervisor visits within (working days)"), default=defaults.VISIT_DUE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(30)])
    call_delay_days = models.PositiveSmallIntegerField(
        _("follow-up call after (working days)"), default=defaults.CALL_DELAY_DAYS,
        validators=[MaxValueValidator(30)])
    call_max_attempts = models.PositiveSmallIntegerField(
        _("call attempts at most"), default=defaults.CALL_MAX_ATTEMPTS,
        validators=[MinValueValidator(1), MaxValueValidator(10)])
    script_after_repair = models.TextField(
        _("call script after a repair"), blank=True,
        help_text=_("Empty: the built-in script in the agent's language."))
    script_after_complaint = models.TextField(
        _("call script after a complaint"), blank=True,
        help_text=_("Empty: the built-in script in the agent's language."))
    send_max_attempts = models.PositiveSmallIntegerField(
        _("sending attempts at most"), default=defaults.SEND_MAX_ATTEMPTS,
        validators=[MinValueValidator(1), MaxValueValidator(20)])
    retry_minutes = models.PositiveSmallIntegerField(
        _("first retry after (minutes)"), default=defaults.RETRY_MINUTES,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Each further retry waits twice as long."))
    last_sweep_on = models.DateField(_("last daily check"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("survey and follow-up settings")
        verbose_name_plural = _("survey and follow-up settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="feedback_settings_singleton"),
            models.CheckConstraint(condition=Q(serious_score_max__lte=models.F("low_score_max")),
                                   name="feedback_serious_within_low"),
        ]

    def __str__(self) -> str:
        return str(_("Survey and follow-up settings"))

    @classmethod
    def load(cls) -> "FeedbackSettings":
        row, _created = cls.objects.get_or_create(pk=1)
        return row

    @staticmethod
    def words(text: str) -> list[str]:
        raw = (text or "").replace(",", "\n").replace("，", "\n").replace("、", "\n")
        return [w.strip().casefold() for w in raw.splitlines() if w.strip()]


# --- surveys (FB-1, FB-2) ----------------------------------------------------------------------


class SurveyQuerySet(RestrictedQuerySet):
    def answered(self):
        return self.filter(answered_at__isnull=False)

    def unanswered(self):
        return self.filter(answered_at__isnull=True)

    def live(self, now=None):
        return self.unanswered().filter(expires_at__gt=now or timezone.now())


def survey_rule(queryset, user, action):
    if user.role == Role.TECHNICIAN and action == "view":
        return queryset.filter(technician=user)
    return _centre_scope(queryset, user, CALL_DESK)


def _rating_field(label):
    return models.PositiveSmallIntegerField(
        label, choices=Rating.choices, null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)])


class Survey(BaseModel):
    """The satisfaction survey of one completed job (FB-1): sent the next morning, answered once."""

    request = models.OneToOneField("service.ServiceRequest", on_delete=models.CASCADE,
                                   related_name="survey", verbose_name=_("request"))
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="surveys",
                                   verbose_name=_("technician"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="surveys", verbose_name=_("customer"))
    channel = models.CharField(_("sent through"), max_length=10, choices=SurveyChannel.choices)
    due_at = models.DateTimeField(_("to be sent at"), db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, db_index=True)
    answered_via = models.CharField(_("answered through"), max_length=10,
                                    choices=SurveyChannel.choices, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    attitude = _rating_field(pgettext_lazy("survey item", "attitude"))
    skill = _rating_field(pgettext_lazy("survey item", "skill"))
    punctuality = _rating_field(pgettext_lazy("survey item", "arrival time"))
    promise = _rating_field(pgettext_lazy("survey item", "keeping promises"))
    comment = models.TextField(_("comment"), blank=True)
    may_call = models.BooleanField(_("may we call"), default=False)

    objects = SurveyQuerySet.as_manager()
    restrict_rule = staticmethod(survey_rule)

    class Meta:
        ordering = ["-due_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [models.Index(fields=["technician", "answered_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | (
                    Q(attitude__isnull=False) & Q(skill__isnull=False)
                    & Q(punctuality__isnull=False) & Q(promise__isnull=False)),
                name="feedback_answered_has_ratings"),
            *[models.CheckConstraint(condition=Q(**{f"{item}__isnull": True})
                                     | Q(**{f"{item}__gte": 1, f"{item}__lte": 4}),
                                     name=f"feedback_{item}_range") for item in RATING_ITEMS],
        ]

    def __str__(self) -> str:
        return f"{self.request_id}"

    @property
    def ratings(self) -> dict[str, int | None]:
        return {item: getattr(self, item) for item in RATING_ITEMS}

    @property
    def score(self) -> float | None:
        """Mean of the four items on 0–100: (mean − 1) / 3 × 100; None until answered."""
        values = [v for v in self.ratings.values() if v is not None]
        if len(values) != len(RATING_ITEMS):
            return None
        return round((sum(values) / len(values) - 1) / 3 * 100, 1)

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def state(self) -> str:
        if self.answered_at:
            return "answered"
        if self.is_expired():
            return "expired"
        return "sent" if self.sent_at else "scheduled"


class SurveyLink(models.Model):
    """One link to a survey (SMS, e-mail or the voucher's QR code). Only its hash is stored."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="links")
    channel = models.CharField(max_length=10, choices=SurveyChannel.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")


# --- outbound messages: sent by a task after commit, with retries --------------------------------


class OutboundMessage(models.Model):
    """One text message or e-mail to a customer or a manager, delivered by a background task.

    Survey messages keep ``%(link)s`` in ``body``: each delivery attempt issues a fresh link,
    so no usable link is ever stored.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    channel = models.CharField(_("sent through"), max_length=10, choices=MessageChannel.choices)
    destination = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    survey = models.ForeignKey(Survey, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="messages")
    case = models.ForeignKey("FollowUpCase", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="messages")
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices,
                              default=MessageStatus.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        constraints = [
            models.UniqueConstraint(fields=["survey", "kind", "channel"],
                                    condition=Q(survey__isnull=False),
                                    name="feedback_one_survey_message_per_channel"),
            models.UniqueConstraint(fields=["case", "kind", "channel", "destination"],
                                    condition=Q(case__isnull=False),
                                    name="feedback_one_case_message_per_destination"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.destination}"


# --- follow-up cases (FB-4, CP-15 reply deadline) ------------------------------------------------


class FollowUpCaseQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_CASE_STATUSES)

    def reply_overdue(self, now=None):
        return self.filter(status=CaseStatus.OPEN, reply_due_at__lte=now or timezone.now())


def case_rule(queryset, user, action):
    roles = CASE_HANDLERS if action == "change" else CASE_READERS
    return _centre_scope(queryset, user, roles, path="service_centre")


class FollowUpCase(BaseModel):
    """A low score or a complaint heard in a survey or a call, for the service department."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    request = models.ForeignKey("service.ServiceRequest", on_delete=models.PROTECT,
                                related_name="follow_up_cases", verbose_name=_("request"))
    service_centre = models.ForeignKey("accounts.ServiceCentre", on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("service centre"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="follow_up_cases", verbose_name=_("customer"))
    source = models.CharField(_("source"), max_length=10, choices=CaseSource.choices)
    survey = models.OneToOneField(Survey, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="case", verbose_name=_("survey"))
    call = models.OneToOneField("FollowUpCall", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="raised_case", verbose_name=_("raised in call"))
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices,
                              default=CaseStatus.OPEN, db_index=True)
    serious = models.BooleanField(_("serious"), default=False, db_index=True)
    complaint = models.BooleanField(_("complaint"), default=False,
                                    help_text=_("The customer complained: a supervisor visits."))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    summary = models.TextField(_("what the customer said"), blank=True)
    reply_due_at = models.DateTimeField(_("reply due"), db_index=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("handled by"))
    outcome = models.TextField(_("outcome told to the customer"), blank=True)
    customer_told_at = models.DateTimeField(_("customer told at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = FollowUpCaseQuerySet.as_manager()
    restrict_rule = staticmethod(case_rule)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("follow-up case")
        verbose_name_plural = _("follow-up cases")
        indexes = [models.Index(fields=["service_centre", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(survey__isnull=False) | Q(call__isnull=False),
                                   name="feedback_case_has_source"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES

    def reply_overdue(self, now=None) -> bool:
        moment = self.replied_at or now or timezone.now()
        return moment > self.reply_due_at


# --- follow-up calls (FB-5) ---------------------------------------------------------------------


class FollowUpCallQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_CALL_STATUSES)


def call_rule(queryset, user, action):
    return _centre_scope(queryset, user, CALL_DESK)


class FollowUpCall(BaseModel):
    """A call to the customer after a repair, or after his complaint was settled (FB-5)."""

    request = models.ForeignKey("service.ServiceRequest", on_delete=models.PROTECT,
                                related_name="follow_up_calls", verbose_name=_("request"))
    case = models.ForeignKey(FollowUpCase, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="calls", verbose_name=_("follow-up case"))
    kind = models.CharField(_("kind"), max_length=20, choices=CallKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=CallStatus.choices,
                              default=CallStatus.PENDING, db_index=True)
    due_at = models.DateTimeField(_("call by"), db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    outcome_note = models.TextField(_("call outcome"), blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("called by"))
    called_at = models.DateTimeField(_("last called at"), null=True, blank=True)

    objects = FollowUpCallQuerySet.as_manager()
    restrict_rule = staticmethod(call_rule)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.UniqueConstraint(fields=["request"],
                                    condition=Q(kind=CallKind.AFTER_REPAIR),
                                    name="feedback_one_call_after_repair"),
            models.UniqueConstraint(fields=["case"],
                                    condition=Q(kind=CallKind.AFTER_COMPLAINT),
                                    name="feedback_one_call_after_complaint"),
            models.CheckConstraint(
                condition=Q(kind=CallKind.AFTER_REPAIR) | Q(case__isnull=False),
                name="feedback_complaint_call_has_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.request_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CALL_STATUSES


# --- supervisors' visits (FB-4) ------------------------------------------------------------------


class VisitTaskQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status=VisitStatus.OPEN)


def visit_rule(queryset, user, action):
    return _centre_scope(queryset, user, VISITORS, path="service_centre")


class VisitTask(BaseModel):
    """A supervisor visits a complaining customer in person (FB-4)."""

    case = models.ForeignKey(FollowUpCase, on_delete=models.PROTECT, related_name="visits",
                             verbose_name=_("follow-up case"))
    request = models.ForeignKey("service.ServiceRequest", on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("request"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("customer"))
    service_centre = models.ForeignKey("accounts.ServiceCentre", on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("service centre"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="visit_tasks",
                                    verbose_name=_("supervisor"))
    due_on = models.DateField(_("visit by"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=VisitStatus.choices,
                              default=VisitStatus.OPEN, db_index=True)
    report = models.TextField(_("visit report"), blank=True)
    done_at = models.DateTimeField(_("visited at"), null=True, blank=True)

    objects = VisitTaskQuerySet.as_manager()
    restrict_rule = staticmethod(visit_rule)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("supervisor's visit")
        verbose_name_plural = _("supervisors' visits")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="open"),
                                    name="feedback_one_open_visit_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.due_on}"
