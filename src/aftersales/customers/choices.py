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
