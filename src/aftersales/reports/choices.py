from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    """The reports of a service department (RP-1 … RP-3, FB-3)."""

    TECHNICIAN_DAILY = "technician_daily", _("Technician daily report")
    SUPERVISOR_DAILY = "supervisor_daily", _("Supervisor daily report")
    DAILY_HOURS = "daily_hours", _("Daily man-hours and expenses")
    WEEKLY_REPAIR = "weekly_repair", _("Weekly repair report")
    MONTHLY_HOURS = "monthly_hours", _("Monthly man-hour summary")
    APPRAISAL = "appraisal", _("Technicians' monthly appraisal")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


FREQUENCY = {
    ReportKind.TECHNICIAN_DAILY: Frequency.DAILY,
    ReportKind.SUPERVISOR_DAILY: Frequency.DAILY,
    ReportKind.DAILY_HOURS: Frequency.DAILY,
    ReportKind.WEEKLY_REPAIR: Frequency.WEEKLY,
    ReportKind.MONTHLY_HOURS: Frequency.MONTHLY,
    ReportKind.APPRAISAL: Frequency.MONTHLY,
}

RULE_IDS = {
    ReportKind.TECHNICIAN_DAILY: "RP-1",
    ReportKind.SUPERVISOR_DAILY: "RP-2",
    ReportKind.DAILY_HOURS: "RP-3",
    ReportKind.WEEKLY_REPAIR: "RP-3",
    ReportKind.MONTHLY_HOURS: "RP-3",
    ReportKind.APPRAISAL: "FB-3 · RP-3",
}


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the branch manager")
    APPROVED = "approved", _("Approved, with the service department")
    ACCEPTED = "accepted", _("Accepted by the service department")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")


# States in which the figures are frozen: a new run would change what someone signed.
FROZEN_STATES = frozenset({ReportState.SUBMITTED, ReportState.APPROVED, ReportState.ACCEPTED,
                           ReportState.REVIEWED, ReportState.PUBLISHED})


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Computing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", _("On schedule")
    ON_DEMAND = "on_demand", _("On demand")
