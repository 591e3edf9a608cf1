from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Basis(models.TextChoices):
    """What a maintenance plan counts (PM-1): months since installation, or the meter."""

    TIME = "time", _("Every N months")
    METER = "meter", _("Every N on the meter")


class MeterUnit(models.TextChoices):
    HOURS = "hours", _("Operating hours")
    KM = "km", _("Kilometres")


class ReadingSource(models.TextChoices):
    TECHNICIAN = "technician", _("Technician")
    CUSTOMER = "customer", _("Customer")
    DESK = "desk", _("Service desk")


class VisitState(models.TextChoices):
    """A due visit's state, derived from its request and the date (never stored)."""

    DUE = "due", pgettext_lazy("maintenance visit", "Due")
    OVERDUE = "overdue", pgettext_lazy("maintenance visit", "Overdue")
    DONE = "done", pgettext_lazy("maintenance visit", "Done")
    CANCELLED = "cancelled", pgettext_lazy("maintenance visit", "Cancelled")
