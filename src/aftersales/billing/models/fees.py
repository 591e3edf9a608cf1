"""Admin-editable labour rule: a service fee per product category (house style rule 11)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel


class ServiceFee(BaseModel):
    """The labour charged for one job on a product of ``category`` (ProductModel.category);
    a model whose category has no row is charged its own ProductModel.service_fee. Labour
    beyond that fee is charged by the hour: the row's ``hourly_rate``, else the billing
    settings' rate."""

    category = models.SlugField(_("product category"), max_length=40, unique=True)
    fee = models.DecimalField(_("service fee"), max_digits=10, decimal_places=2,
                              validators=[MinValueValidator(Decimal("0"))])
    hourly_rate = models.DecimalField(
        _("hourly labour rate"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Extra labour on this category's jobs (beyond the service fee) is charged "
                    "this much an hour; empty: the billing settings' rate."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["category"]
        verbose_name = _("service fee")
        verbose_name_plural = _("service fees")
        constraints = [models.CheckConstraint(condition=Q(fee__gte=0), name="billing_fee_not_negative"),
                       models.CheckConstraint(condition=Q(hourly_rate__gte=0)
                                              | Q(hourly_rate__isnull=True),
                                              name="billing_rate_not_negative")]

    def __str__(self) -> str:
        return f"{self.category} ¥{self.fee}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        return queryset if user.is_staff_role else queryset.none()


class BillingSettings(BaseModel):
    """One row of billing policy with the documents' defaults."""

    follow_up_days = models.PositiveSmallIntegerField(
        _("follow-up window (days)"), default=30,
        help_text=_("A call on the same product within this many days after a completed job is "
                    "a follow-up visit: no service fee."))
    on_site_limit = models.DecimalField(
        _("small fee paid on site up to"), max_digits=10, decimal_places=2,
        default=Decimal("500.00"),
        help_text=_("Charges up to this amount are paid on the spot; larger ones are "
                    "invoiced."))
    hourly_rate = models.DecimalField(
        _("hourly labour rate"), max_digits=10, decimal_places=2, default=Decimal("80.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Extra labour (beyond the service fee: a long repair, a second visit) is "
                    "charged this much an hour where the product category sets no rate of "
                    "its own."))

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")

    @classmethod
    def current(cls) -> "BillingSettings":
        return cls.objects.order_by("pk").first() or cls()
