from django.db import models
from django.utils.translation import gettext_lazy as _


class TechnicianStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    OFF = "off", _("Off")


OUT_STATUSES = frozenset({TechnicianStatus.EN_ROUTE, TechnicianStatus.ON_SITE, TechnicianStatus.OFF})


class ClockKind(models.TextChoices):
    ARRIVAL = "arrival", _("Arrival (DS-3)")
    RESOLUTION = "resolution", _("Dealer resolution (DS-4)")
    REPLY = "reply", _("Hotline reply (SR-6)")
    COMPLAINT_REPLY = "complaint_reply", _("Complaint reply (CP-15)")


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    STOPPED = "stopped", _("Stopped")


class AlertLevel(models.TextChoices):
    WARNING = "warning", _("Warning")
    ESCALATION = "escalation", _("Escalation")
