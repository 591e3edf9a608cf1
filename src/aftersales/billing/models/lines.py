"""What a quote's line and a charge sheet's line hold alike."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import FreeReason, LineKind


class PricedLine(models.Model):
    """A line of work, a part or an expense at its price: ``value`` is quantity × unit price
    (half-up to 0.01); ``amount`` is what the customer pays for it: the value, or 0 for a free
    line (``free_reason`` says why: warranty, contract, internal work, follow-up visit)."""

    position = models.PositiveSmallIntegerField(_("line"))
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    part = models.ForeignKey("parts.Part", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("part"))
    free = models.BooleanField(_("free"), default=False)
    free_reason = models.CharField(_("why free"), max_length=20, choices=FreeReason.choices,
                                   blank=True)

    class Meta:
        abstract = True
