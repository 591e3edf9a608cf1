from datetime import time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import COMPANY_WIDE_ROLES, RegionKind
from aftersales.core.models import BaseModel

from .choices import AlertLevel, ClockKind, ClockState, TechnicianStatus


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
        help_text=_("The longest it may be extended to, with a recorded reason (DS-4: 48)."))
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

    request = models.ForeignKey("service.ServiceRequest", on_delete=models.CASCADE,
                                related_name="clocks", verbose_name=_("request"))
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
                             default=ClockState.RUNNING, db_index=True)
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached = models.BooleanField(_("missed"), default=False, db_index=True)
    extension_reason = models.CharField(_("reason for extension"), max_length=200, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="dispatch_one_clock_per_kind"),
        ]
        indexes = [models.Index(fields=["state", "due_at"])]
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
