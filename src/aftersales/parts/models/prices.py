"""A part's prices over time (PT-1): cost and customer price from a date on. A price change is
a new row, never an edit, so the price on any past day can be read back (docs/parts.md,
"Catalogue and prices")."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.ledger import AppendOnlyModel

from .catalogue import Part


class PartPrice(AppendOnlyModel):
    """One price of one part, valid from a day until the next row's day; never changed."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="prices",
                             verbose_name=_("part"))
    cost = models.DecimalField(_("cost price"), max_digits=10, decimal_places=2,
                               validators=[MinValueValidator(Decimal("0"))])
    price = models.DecimalField(_("customer price"), max_digits=10, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0"))])
    valid_from = models.DateField(_("valid from"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("by"))

    class Meta:
        ordering = ["part", "-valid_from"]
        verbose_name = _("part price")
        verbose_name_plural = _("part prices")
        constraints = [
            models.UniqueConstraint(fields=["part", "valid_from"], name="parts_price_one_per_day"),
            models.CheckConstraint(condition=Q(cost__gte=0) & Q(price__gte=0),
                                   name="parts_price_row_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.part.code} ¥{self.price} ({self.valid_from})"
