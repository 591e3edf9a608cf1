from django.db import models
from django.utils.translation import gettext_lazy as _


class OutcomeKind(models.TextChoices):
    """三包 (SR-3): how a request under the warranty ends."""

    REPAIR = "repair", _("Repair (包修)")
    REPLACEMENT = "replacement", _("Replacement (包换)")
    REFUND = "refund", _("Refund (包退)")
