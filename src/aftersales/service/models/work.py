from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel

from ..choices import VisitOutcome


def _via_request(queryset, user, action):
    from .request import ServiceRequest

    return queryset.filter(request__in=ServiceRequest.objects.restrict(user, action).values("pk"))


class Visit(BaseModel):
    """One trip of a technician to the customer (WK-1, WK-4)."""

    request = models.ForeignKey("service.ServiceRequest", on_delete=models.CASCADE,
                                related_name="visits", verbose_name=_("request"))
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="visits", verbose_name=_("technician"))
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=VisitOutcome.choices,
                               default=VisitOutcome.PENDING)
    reason = models.TextField(_("reason"), blank=True)

    restrict_rule = staticmethod(_via_request)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["arrived_at"])]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")


class LaborEntry(BaseModel):
    """Hours a technician spent on a request, on site or at the bench (WK-3 repair card)."""

    request = models.ForeignKey("service.ServiceRequest", on_delete=models.CASCADE,
                                related_name="labor", verbose_name=_("request"))
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("technician"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.1"))])
    at_bench = models.BooleanField(_("at the bench"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    restrict_rule = staticmethod(_via_request)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["created_at"])]
        verbose_name = _("hours")
        verbose_name_plural = _("hours")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="service_hours_range")
        ]


class PartUsage(BaseModel):
    """A part fitted on a request, priced from the price list at the time (PT-1)."""

    request = models.ForeignKey("service.ServiceRequest", on_delete=models.CASCADE,
                                related_name="parts", verbose_name=_("request"))
    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    charged = models.BooleanField(_("charged"), default=True)
    at_bench = models.BooleanField(_("at the bench"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))

    restrict_rule = staticmethod(_via_request)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["created_at"])]
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="service_part_quantity")
        ]

    @property
    def amount(self) -> Decimal:
        return (self.unit_price * self.quantity) if self.charged else Decimal("0.00")


class Signature(BaseModel):
    """The customer's signature and opinion on the voucher (WK-1) or on return (WK-3)."""

    class Kind(models.TextChoices):
        COMPLETION = "completion", _("Work completed")
        CARRY_OUT = "carry_out", _("Product handed over for workshop repair")
        RETURN = "return", _("Product returned")

    request = models.ForeignKey("service.ServiceRequest", on_delete=models.CASCADE,
                                related_name="signatures", verbose_name=_("request"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    signer_name = models.CharField(_("signed by"), max_length=100)
    opinion = models.TextField(_("customer's opinion"), blank=True)
    image = models.TextField(_("signature"), help_text=_("PNG as a data: URL"))
    signed_at = models.DateTimeField(_("signed at"))

    restrict_rule = staticmethod(_via_request)

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
