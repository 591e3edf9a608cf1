from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DealerState(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class JobState(models.TextChoices):
    HANDED_OVER = "handed_over", _("Handed over")
    ACCEPTED = "accepted", _("Accepted")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_JOB_STATES = frozenset({JobState.HANDED_OVER, JobState.ACCEPTED})


class JobKind(models.TextChoices):
    REPAIR = "repair", _("Repair")
    INSTALL = "install", _("Installation")


class JobSource(models.TextChoices):
    HANDED = "handed", _("Handed over by us")
    OWN = "own", _("The dealer's own call")


class ReportState(models.TextChoices):
    DUE = "due", pgettext_lazy("report", "Due")
    SUBMITTED = "submitted", _("Submitted")


class AuditOutcome(models.TextChoices):
    PENDING = "pending", _("To call back")
    CONFIRMED = "confirmed", _("Confirmed by the customer")
    DISPUTED = "disputed", _("Customer disputes the work")
    UNREACHABLE = "unreachable", _("Customer not reachable")
