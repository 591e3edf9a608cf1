"""Reports (RP-1 … RP-3, FB-3): one row per report and period, the runs that compute its figures,
and the admin-editable schedule that produces them."""

from datetime import time

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import is_headquarters
from aftersales.core.models import BaseModel

from .choices import ReportKind, ReportState, RunStatus, Trigger

TECHNICIAN_KINDS = (ReportKind.TECHNICIAN_DAILY, ReportKind.DAILY_HOURS)


def report_rule(queryset, user, action):
    """Managers of the service department see every centre's reports; a branch manager, a
    supervisor and an agent their centre's; a technician his centre's daily reports and
    published appraisals, of which the pages show him only his own line."""
    if is_headquarters(user):
        return queryset
    if not user.service_centre_id:
        return queryset.none()
    mine = queryset.filter(service_centre_id=user.service_centre_id)
    if user.role in (Role.MANAGER, Role.SUPERVISOR):
        return mine
    if user.role == Role.AGENT:
        return mine if action == "view" else queryset.none()
    if user.role == Role.TECHNICIAN:
        if action == "view":
            return mine.filter(Q(kind__in=TECHNICIAN_KINDS)
                               | Q(kind=ReportKind.APPRAISAL, state=ReportState.PUBLISHED))
        if action == "run":
            return mine.filter(kind=ReportKind.TECHNICIAN_DAILY)
    return queryset.none()


class Report(BaseModel):
    """One report of one service centre for one period (a day, an ISO week or a month)."""

    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    service_centre = models.ForeignKey("accounts.ServiceCentre", on_delete=models.PROTECT,
                                       related_name="reports", verbose_name=_("service centre"))
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"), help_text=_("Inclusive."))
    state = models.CharField(_("state"), max_length=12, choices=ReportState.choices,
                             default=ReportState.DRAFT)
    current_run = models.ForeignKey("reports.ReportRun", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("figures from run"))

    restrict_rule = staticmethod(report_rule)

    class Meta:
        ordering = ["-period_start", "kind", "service_centre_id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "service_centre", "period_start"],
                                    name="reports_one_report_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="reports_period_order"),
        ]
        indexes = [models.Index(fields=["service_centre", "kind", "-period_start"])]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.service_centre} {self.period_start}"


class ReportRun(models.Model):
    """One computation of a report's figures, on schedule or on demand, with its progress."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="runs",
                               verbose_name=_("report"))
    trigger = models.CharField(_("started"), max_length=10, choices=Trigger.choices)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices,
                              default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0,
                                                validators=[MaxValueValidator(100)])
    step = models.CharField(_("step"), max_length=100, blank=True)
    figures = models.JSONField(_("figures"), null=True, blank=True, encoder=DjangoJSONEncoder)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["report", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="reports_progress_range"),
        ]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")

    def __str__(self) -> str:
        return f"{self.report} #{self.pk} {self.status}"

    @property
    def active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class ReportSchedule(BaseModel):
    """When a report is produced for every service centre: daily reports the next morning for
    the day before, weekly reports on a weekday for the week before, monthly ones on a day of
    the month for the month before (times in the project's time zone)."""

    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    run_at = models.TimeField(_("time of day"), default=time(0, 30))
    weekday = models.PositiveSmallIntegerField(
        _("weekday (weekly reports)"), default=0, validators=[MaxValueValidator(6)],
        help_text=_("0 = Monday."))
    month_day = models.PositiveSmallIntegerField(
        _("day of the month (monthly reports)"), default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)])
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True)
    chain = models.PositiveIntegerField(
        default=0, editable=False,
        help_text=_("Raised when the schedule is (re)started; older wake-ups then stand down."))
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")

    def __str__(self) -> str:
        return self.get_kind_display()
