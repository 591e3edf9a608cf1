from django.db import models
from django.utils.translation import gettext_lazy as _


class TechnicianStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    OFF = "off", _("Off")


OUT_STATUSES = frozenset({TechnicianStatus.EN_ROUTE, TechnicianStatus.ON_SITE, TechnicianStatus.OFF})


class ClockKind(models.TextChoices):
    ARRIVAL = "arrival", _("Arrival deadline")
    RESOLUTION = "resolution", _("Dealer resolution deadline")
    REPLY = "reply", _("Hotline reply deadline")
    COMPLAINT_REPLY = "complaint_reply", _("Complaint reply deadline")


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    STOPPED = "stopped", _("Stopped")


class AlertLevel(models.TextChoices):
    WARNING = "warning", _("Warning")
    ESCALATION = "escalation", _("Escalation")


class NoticeChannel(models.TextChoices):
    """How a customer was told of a weather notice (DS-6): a text to his mobile, else an
    e-mail, else the desk calls him (he has neither)."""

    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    CALL = "call", _("To be called")
