from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import RegionKind  # noqa: F401  (customers speak of it too)


class CustomerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COMPANY = "company", _("Company")
    KEY_ACCOUNT = "key_account", _("Key account")


class Phase(models.TextChoices):
    """Lifecycle phase of an installed product (AR-3)."""

    UNBOXING = "unboxing", _("Unboxing")
    IN_WARRANTY = "in_warranty", _("In warranty")
    OUT_OF_WARRANTY = "out_of_warranty", _("Out of warranty")


class FaultCause(models.TextChoices):
    """The causes of a fault a service request records (the same values as the service app's
    ``Cause``; customers sits below service, so a contract names them here — a test keeps the two
    lists equal). All but product_fault make in-warranty work chargeable (SR-3)."""

    MISUSE = "misuse", _("Used against the manual")
    SELF_INSTALLED = "self_installed", _("Moved or installed by the customer")
    UNAUTHORISED_REPAIR = "unauthorised_repair", _("Repaired by someone unauthorised")
    UNSTABLE_POWER = "unstable_power", _("Unstable power (voltage, frequency)")
    FORCE_MAJEURE = "force_majeure", _("Force majeure (fire, earthquake …)")
    PRODUCT_FAULT = "product_fault", _("Product fault")


# What a new contract leaves out unless it says otherwise: the causes that are the customer's own
# doing (SR-3's first three). A maintenance contract pays for upkeep and wear, not for misuse; power
# faults and force majeure stay covered unless a contract excludes them (docs/contracts.md).
CONTRACT_DEFAULT_EXCLUDED = (FaultCause.MISUSE, FaultCause.SELF_INSTALLED,
                             FaultCause.UNAUTHORISED_REPAIR)


def contract_default_excluded() -> list[str]:
    return [str(c) for c in CONTRACT_DEFAULT_EXCLUDED]


class ContractState(models.TextChoices):
    """Where a contract stands on a day (derived from its period, never stored)."""

    UPCOMING = "upcoming", _("Not started")
    ACTIVE = "active", _("Active")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")


class RenewalOutcome(models.TextChoices):
    OPEN = "open", _("To do")
    RENEWED = "renewed", _("Renewed")
    LOST = "lost", _("Lost")


class LostReason(models.TextChoices):
    PRICE = "price", _("Fee too high")
    COMPETITOR = "competitor", _("Went to a competitor")
    PRODUCT_REPLACED = "product_replaced", _("Product replaced or removed")
    MOVED = "moved", _("Customer moved away")
    DISSATISFIED = "dissatisfied", _("Not satisfied with our service")
    NOT_NEEDED = "not_needed", _("No longer needed")
    UNREACHABLE = "unreachable", _("Could not be reached")
    OTHER = "other", _("Other")
