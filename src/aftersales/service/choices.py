from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    CHAT = "chat", _("Chat")
    PLATFORM = "platform", _("E-commerce platform")
    DEALER = "dealer", _("Dealer")
    LETTER = "letter", _("Fax / letter")


class Cause(models.TextChoices):
    """Causes of a fault; all but product_fault make in-warranty work chargeable (SR-3)."""

    MISUSE = "misuse", _("Used against the manual")
    SELF_INSTALLED = "self_installed", _("Moved or installed by the customer")
    UNAUTHORISED_REPAIR = "unauthorised_repair", _("Repaired by someone unauthorised")
    UNSTABLE_POWER = "unstable_power", _("Unstable power (voltage, frequency)")
    FORCE_MAJEURE = "force_majeure", _("Force majeure (fire, earthquake …)")
    PRODUCT_FAULT = "product_fault", _("Product fault")


CHARGEABLE_CAUSES = frozenset(c for c in Cause if c != Cause.PRODUCT_FAULT)


class Category(models.TextChoices):
    """Service category (SR-2)."""

    A = "A", _("A · paid")
    B = "B", _("B · contract")
    C = "C", _("C · free under warranty")
    D = "D", _("D · internal work")


class Kind(models.TextChoices):
    """What the visit is for: a repair call, installing a new product (WK-5), or a due
    preventive maintenance (PM-1)."""

    REPAIR = "repair", _("Repair")
    INSTALLATION = "installation", _("Installation")
    MAINTENANCE = "maintenance", _("Maintenance")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


URGENCY_RANK = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1, Urgency.NORMAL: 2}


class Status(models.TextChoices):
    AWAITING_AGREEMENT = "awaiting_agreement", _("Awaiting customer's agreement")
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    CARRIED_IN = "carried_in", _("At the workshop")
    REPAIRED = "repaired", _("Repaired, awaiting inspection")
    INSPECTED = "inspected", _("Inspected, ready to return")
    COMPLETED = "completed", _("Completed and signed")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = frozenset(Status) - {Status.CLOSED, Status.CANCELLED}
FIELD_STATUSES = frozenset({Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SITE})


class VisitOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    COMPLETED = "completed", _("Completed")
    CARRIED_IN = "carried_in", _("Product carried back")
    UNFINISHED = "unfinished", _("Unfinished, rescheduled")
    CANCELLED = "cancelled", _("Cancelled")


class RegisterDirection(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")
