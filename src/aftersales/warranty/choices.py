from django.db import models
from django.utils.translation import gettext_lazy as _


class OutcomeKind(models.TextChoices):
    """三包 (SR-3): how a request under the warranty ends."""

    REPAIR = "repair", _("Repair (包修)")
    REPLACEMENT = "replacement", _("Replacement (包换)")
    REFUND = "refund", _("Refund (包退)")


class DisposalKind(models.TextChoices):
    """What becomes of a faulty unit given back on a replacement or refund."""

    TO_MAKER = "to_maker", _("Returned to the maker")
    REFURBISHED = "refurbished", _("Refurbished and put back")
    SCRAPPED = "scrapped", _("Scrapped")


class PayoutMethod(models.TextChoices):
    """How a 三包 refund's money reached the customer."""

    TRANSFER = "transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    ORIGINAL = "original", _("Original payment channel")
