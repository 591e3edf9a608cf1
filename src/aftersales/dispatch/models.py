from datetime import time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.choices import COMPANY_WIDE_ROLES, RegionKind
from aftersales.core.ledger import AppendOnlyModel, LedgerQuerySet
from aftersales.core.models import BaseModel

from .choices import AlertLevel, ClockKind, ClockState, NoticeChannel, TechnicianStatus


def _staff_rule(queryset, user, action, centre_path="technician__service_centre"):
    if user.is_superuser or user.role in COMPANY_WIDE_ROLES:
        return queryset
    if user.is_staff_role and user.service_centre_id:
        return queryset.filter(**{f"{centre_path}_id": user.service_centre_id})
    return queryset.none()


class Skill(BaseModel):
    """What a technician can work on: a product category code (as on product models), or a
    certified trade (gas, electrical …) that needs a valid certificate."""

    code = models.SlugField(_("code"), max_length=40, unique=True,
                            help_text=_("For product categories: the category code, e.g. water_heater."))
    name = models.CharField(_("name"), max_length=100)
    needs_certificate = models.BooleanField(_("needs a valid certificate"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def restrict_rule(queryset, user, action):
        return queryset if user.is_staff_role else queryset.none()


class TechnicianProfile(BaseModel):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="technician", verbose_name=_("technician"))
    skills = models.ManyToManyField(Skill, blank=True, related_name="technicians",
                                    verbose_name=_("skills"))
    home_lat = models.DecimalField(_("home base latitude"), max_digits=9, decimal_places=6,
                                   null=True, blank=True)
    home_lon = models.DecimalField(_("home base longitude"), max_digits=9, decimal_places=6,
                                   null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=TechnicianStatus.choices,
                              default=TechnicianStatus.AVAILABLE)
    daily_capacity = models.PositiveSmallIntegerField(
        _("jobs per day"), default=6, validators=[MinValueValidator(1), MaxValueValidator(50)])
    rotation_rank = models.PositiveIntegerField(_("rotation order"), default=0)

    class Meta:
        ordering = ["rotation_rank", "user_id"]
        verbose_name = _("technician profile")
        verbose_name_plural = _("technician profiles")

    def __str__(self) -> str:
        return str(self.user)

    @staticmethod
    def restrict_rule(queryset, user, action):
        if user.role == "technician":
            return queryset.filter(user=user)
        return _staff_rule(queryset, user, action, centre_path="user__service_centre")


class Certificate(BaseModel):
    technician = models.ForeignKey(TechnicianProfile, on_delete=models.CASCADE,
                                   related_name="certificates", verbose_name=_("technician"))
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="certificates",
                              verbose_name=_("skill"))
    number = models.CharField(_("certificate number"), max_length=60, blank=True)
    expires_on = models.DateField(_("expires on"))

    class Meta:
        ordering = ["expires_on"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")


class Shift(BaseModel):
    """A technician's regular working hours on one weekday (0 = Monday)."""

    technician = models.ForeignKey(TechnicianProfile, on_delete=models.CASCADE,
                                   related_name="shifts", verbose_name=_("technician"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), validators=[MaxValueValidator(6)])
    starts_at = models.TimeField(_("starts"), default=time(8, 30))
    ends_at = models.TimeField(_("ends"), default=time(17, 30))

    class Meta:
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="dispatch_shift_order"),
            models.UniqueConstraint(fields=["technician", "weekday"], name="dispatch_shift_unique"),
        ]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")


class DeadlinePolicy(BaseModel):
    """One service commitment: how long, on which clock, when to warn (DS-3, DS-4, SR-6, CP-15)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ClockKind.choices)
    region_kind = models.CharField(_("region"), max_length=10, choices=RegionKind.choices,
                                   blank=True, help_text=_("Empty: every region."))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.25"))])
    extended_hours = models.DecimalField(
        _("extended hours"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("The longest it may be extended to, with a recorded reason."))
    working_time = models.BooleanField(
        _("counts working time only"), default=True,
        help_text=_("On: hours on the service centre's business calendar. Off: clock hours."))
    warn_at_percent = models.PositiveSmallIntegerField(
        _("warning threshold (percent of time used)"), default=75, validators=[MinValueValidator(1), MaxValueValidator(99)])
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "region_kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "region_kind"], condition=Q(active=True),
                                    name="dispatch_one_active_policy"),
        ]
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_region_kind_display()} {self.hours}h".strip()

    @property
    def budget(self) -> timedelta:
        return timedelta(hours=float(self.hours))

    @staticmethod
    def restrict_rule(queryset, user, action):
        if action == "view":
            return queryset if user.is_staff_role else queryset.none()
        return queryset if user.is_superuser or user.role in COMPANY_WIDE_ROLES else queryset.none()


class DeadlineClock(BaseModel):
    """A running deadline on one request. It pauses while the job waits on the customer."""

    # indexed by the (request, kind) unique constraint
    request = models.ForeignKey("service.ServiceRequest", on_delete=models.CASCADE,
                                related_name="clocks", verbose_name=_("request"), db_index=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ClockKind.choices)
    policy = models.ForeignKey(DeadlinePolicy, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("policy"))
    working_time = models.BooleanField(default=True)
    budget_seconds = models.PositiveIntegerField(_("allowed (seconds)"))
    warn_at_percent = models.PositiveSmallIntegerField(default=75)
    started_at = models.DateTimeField(_("started at"))
    resumed_at = models.DateTimeField(_("running since"), null=True, blank=True)
    consumed_seconds = models.PositiveIntegerField(
        _("used before the last pause (seconds)"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=ClockState.choices,
                             default=ClockState.RUNNING)  # indexed with due_at (Meta)
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached = models.BooleanField(_("missed"), default=False, db_index=True)
    extension_reason = models.CharField(_("reason for extension"), max_length=200, blank=True)
    # When the next alert not fired yet falls due (warn_at, then due_at; none when both fired);
    # read only while the clock runs: the workers' sweep (clocks.clock_alerts_fire_due).
    alert_at = models.DateTimeField(_("next alert at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="dispatch_one_clock_per_kind"),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            # The sweep's read: running clocks by their next alert (others leave the index).
            models.Index(fields=["alert_at"], condition=Q(state="running"),
                         name="dispatch_clock_alert_due"),
        ]
        verbose_name = _("deadline clock")
        verbose_name_plural = _("deadline clocks")

    def __str__(self) -> str:
        return f"{self.request_id}:{self.kind}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        from aftersales.service.models import ServiceRequest

        return queryset.filter(request__in=ServiceRequest.objects.restrict(user, action).values("pk"))


class ClockAlert(models.Model):
    """A warning or escalation that fired for a clock: at most one per clock and level."""

    clock = models.ForeignKey(DeadlineClock, on_delete=models.CASCADE, related_name="alerts")
    level = models.CharField(max_length=12, choices=AlertLevel.choices)
    fired_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clock", "level"], name="dispatch_alert_once"),
        ]


class RotationState(models.Model):
    """Where the fair rotation (DS-2) of a service centre stands: who got the last job."""

    service_centre = models.OneToOneField("accounts.ServiceCentre", on_delete=models.CASCADE,
                                          related_name="rotation")
    last_technician = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    turns = models.PositiveIntegerField(default=0)


# --- Bad weather (DS-6): the customers of a day's visits are told ------------------------------

class WeatherNotice(AppendOnlyModel):
    """A supervisor's word that bad weather stops or delays a centre's visits on ``day``: every
    customer with a visit that day who was not told yet is told (DS-6), once. Append-only."""

    service_centre = models.ForeignKey("accounts.ServiceCentre", on_delete=models.PROTECT,
                                       related_name="weather_notices",
                                       verbose_name=_("service centre"))
    day = models.DateField(_("day"))
    reason = models.CharField(_("weather"), max_length=100,
                              help_text=_("What the weather is, in a few words: typhoon, "
                                          "rainstorm, snow …"))
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+", verbose_name=pgettext_lazy("notice", "sent by"))

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("weather notice")
        verbose_name_plural = _("weather notices")
        indexes = [models.Index(fields=["service_centre", "day"], name="dispatch_weather_day")]

    def __str__(self) -> str:
        return f"{self.service_centre} {self.day} {self.reason}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _staff_rule(queryset, user, action, centre_path="service_centre")


class WeatherNoticeRecipient(AppendOnlyModel):
    """One request whose customer a weather notice told, and how: each request once a day (a
    unique constraint), so a notice sent again tells only those not told yet."""

    notice = models.ForeignKey(WeatherNotice, on_delete=models.PROTECT,
                               related_name="recipients", verbose_name=_("weather notice"))
    request = models.ForeignKey("service.ServiceRequest", on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("request"))
    day = models.DateField(_("day"))
    channel = models.CharField(_("told by"), max_length=10, choices=NoticeChannel.choices)
    address = models.CharField(_("sent to"), max_length=254, blank=True)

    class Meta:
        ordering = ["notice", "id"]
        verbose_name = _("customer told of the weather")
        verbose_name_plural = _("customers told of the weather")
        constraints = [models.UniqueConstraint(fields=["request", "day"],
                                               name="dispatch_weather_told_once")]


# --- Day plan (issue 3): an optimised plan of a centre's day, reviewed and published -----------

class DayPlanStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SOLVING = "solving", _("Planning")
    READY = "ready", _("Ready for review")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    SUPERSEDED = "superseded", _("Superseded")


def _plan_rule(queryset, user, action, centre_path="service_centre"):
    """Supervisors see their centre's plans; a branch manager his branch's; headquarters'
    managers (no centre) and administrators every centre's. Nobody else."""
    from aftersales.accounts.choices import Role

    if user.is_superuser or user.role == Role.ADMIN:
        return queryset
    if user.role == Role.MANAGER and not user.service_centre_id:
        return queryset
    if user.role in {Role.SUPERVISOR, Role.MANAGER} and user.service_centre_id:
        return queryset.filter(**{f"{centre_path}_id": user.service_centre_id})
    return queryset.none()


class DayPlan(BaseModel):
    """A plan of one service centre's day: which technician does which open job, in what order,
    at what expected time; what cannot fit is deferred (SR-5). Planned in the background."""

    service_centre = models.ForeignKey("accounts.ServiceCentre", on_delete=models.PROTECT,
                                       related_name="day_plans", verbose_name=_("service centre"))
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=12, choices=DayPlanStatus.choices,
                              default=DayPlanStatus.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0,
                                                validators=[MaxValueValidator(100)])
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("asked by"))
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="replans", verbose_name=_("re-plan of"))
    time_limit = models.PositiveSmallIntegerField(
        _("solver time limit (seconds)"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(600)])
    job_minutes = models.PositiveSmallIntegerField(
        _("time on site per job (minutes)"), default=60,
        validators=[MinValueValidator(5), MaxValueValidator(480)])
    keep_assignments = models.BooleanField(
        _("keep assigned jobs with their technicians"), default=False,
        help_text=_("Assigned jobs not yet started stay with their technician; only their order "
                    "and times may change."))
    as_of = models.DateTimeField(_("planned as of"), null=True, blank=True,
                                 help_text=_("The moment the open jobs were read."))
    problem = models.JSONField(_("planning problem"), default=dict, blank=True)
    routes = models.JSONField(_("routes"), default=dict, blank=True)
    # Summary figures (recomputed after every change by hand).
    travel_km = models.FloatField(_("travel (km)"), default=0)
    travel_min = models.FloatField(_("travel (minutes)"), default=0)
    jobs_planned = models.PositiveIntegerField(_("jobs planned"), default=0)
    jobs_deferred = models.PositiveIntegerField(_("jobs deferred"), default=0)
    jobs_late = models.PositiveIntegerField(_("jobs late"), default=0)
    solve_seconds = models.FloatField(_("solver time (seconds)"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("published by"))

    restrict_rule = staticmethod(_plan_rule)

    class Meta:
        ordering = ["-day", "-created_at", "-id"]
        indexes = [models.Index(fields=["service_centre", "day", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="dispatch_plan_progress"),
            models.UniqueConstraint(fields=["service_centre", "day"],
                                    condition=Q(status="published"),
                                    name="dispatch_one_published_plan_per_day"),
        ]
        verbose_name = _("day plan")
        verbose_name_plural = _("day plans")

    def __str__(self) -> str:
        return f"{self.service_centre} {self.day:%Y-%m-%d}"

    @property
    def is_running(self) -> bool:
        return self.status in {DayPlanStatus.QUEUED, DayPlanStatus.SOLVING}


class PlanItem(BaseModel):
    """One job in a day plan: its technician and place in his route with the expected times, or
    deferred (no technician) with the reason; and why (explanation codes and figures)."""

    plan = models.ForeignKey(DayPlan, on_delete=models.CASCADE, related_name="items",
                             verbose_name=_("day plan"))
    request = models.ForeignKey("service.ServiceRequest", on_delete=models.CASCADE,
                                related_name="plan_items", verbose_name=_("request"))
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="plan_items",
                                   verbose_name=_("technician"))
    sequence = models.PositiveSmallIntegerField(_("position"), default=0)
    expected_arrival = models.DateTimeField(_("expected arrival"), null=True, blank=True)
    expected_start = models.DateTimeField(_("expected start"), null=True, blank=True)
    expected_end = models.DateTimeField(_("expected end"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    reason = models.CharField(_("reason"), max_length=60, blank=True,
                              help_text=_("Why this technician, or why deferred (a code)."))
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False,
                                 help_text=_("Work already started: it stays where it is."))
    moved_by_hand = models.BooleanField(_("moved by hand"), default=False)
    # The request as it was when planned: publishing skips requests that changed since.
    status_at_plan = models.CharField(_("status when planned"), max_length=20)
    technician_at_plan = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(_("on publishing"), max_length=20, blank=True)
    outcome_note = models.CharField(_("note on publishing"), max_length=300, blank=True)

    restrict_rule = staticmethod(lambda qs, user, action: _plan_rule(
        qs, user, action, centre_path="plan__service_centre"))

    class Meta:
        ordering = ["plan_id", "sequence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "request"], name="dispatch_plan_item_once"),
        ]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.request_id}"

    @property
    def deferred(self) -> bool:
        return self.technician_id is None
