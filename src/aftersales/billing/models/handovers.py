"""The cash and QR money a technician took on one day, handed to the accountant (WK-2)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel

from ..choices import HandoverState
from .rules import by_technician


class Handover(BaseModel):
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="handovers", verbose_name=_("technician"))
    day = models.DateField(_("day"))
    state = models.CharField(_("state"), max_length=10, choices=HandoverState.choices,
                             default=HandoverState.OPEN)
    expected = models.DecimalField(_("taken"), max_digits=12, decimal_places=2, null=True,
                                   blank=True, help_text=_("Sum of the payments, at confirmation."))
    counted = models.DecimalField(_("received by the accountant"), max_digits=12,
                                  decimal_places=2, null=True, blank=True)
    difference = models.DecimalField(_("difference"), max_digits=12, decimal_places=2,
                                     null=True, blank=True)
    reason = models.TextField(_("reason for the difference"), blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    restrict_rule = staticmethod(by_technician("technician"))

    class Meta:
        ordering = ["-day", "technician_id", "-id"]
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        indexes = [models.Index(fields=["state", "day"])]
        constraints = [
            # payments after a confirmation open the day's next hand-over
            models.UniqueConstraint(fields=["technician", "day"], condition=Q(state="open"),
                                    name="billing_one_open_handover"),
        ]

    def __str__(self) -> str:
        return f"{self.technician} {self.day}"
