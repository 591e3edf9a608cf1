"""The parts price list (PT-1)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel


class Part(BaseModel):
    """One line of the parts price list (零部件价格表, PT-1)."""

    code = models.CharField(_("part number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit_price = models.DecimalField(
        _("unit price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    category = models.CharField(_("product category"), max_length=40, blank=True)
    unit = models.CharField(_("unit"), max_length=10, default="个",
                            help_text=_("pcs, m, kg, l …"))
    unit_decimals = models.PositiveSmallIntegerField(
        _("decimal places"), default=0,
        help_text=_("How finely the unit is counted: 0 for pieces, up to 3."))
    active = models.BooleanField(_("active"), default=True)
    fits = models.ManyToManyField(
        "customers.ProductModel", blank=True, related_name="parts", verbose_name=_("fits"),
        help_text=_("The product models this part fits; none: it fits any."))

    class Meta:
        ordering = ["code"]
        verbose_name = _("part")
        verbose_name_plural = _("parts price list")
        constraints = [
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="parts_price_not_negative"),
            models.CheckConstraint(condition=models.Q(unit_decimals__lte=3),
                                   name="parts_unit_decimals_at_most_3"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        return queryset if user.is_staff_role else queryset.none()
