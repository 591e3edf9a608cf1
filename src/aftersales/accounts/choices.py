from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    TECHNICIAN = "technician", _("Technician")
    MANAGER = "manager", _("Service manager")
    ADMIN = "admin", _("Administrator")
    CUSTOMER = "customer", _("Customer")
    ACCOUNTANT = "accountant", _("Accountant")
    DEALER = "dealer", _("Dealer")


# The company's own staff. A dealer's login is not staff: it sees only its own region (dealers/).
STAFF_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.TECHNICIAN, Role.MANAGER, Role.ADMIN,
                         Role.ACCOUNTANT})
COMPANY_WIDE_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
DESK_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})


class RegionKind(models.TextChoices):
    URBAN = "urban", _("Urban")
    SUBURBAN = "suburban", _("Suburban")
