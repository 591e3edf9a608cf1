"""Parts a dealer sends back against a parts order (PT-3: one receiving point for returns;
docs/parts.md, "Parts a dealer sends back"). The store that supplied the order receives them: the
parts go back into its stock, a charged order refunds what they cost the dealer, and the order's
invoice is credited (invoicing's handler). A document: never changed once received."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.ledger import AppendOnlyModel

from .catalogue import Part
from .requests import MaterialRequest, MaterialRequestLine, material_request_rule


def order_return_rule(queryset, user, action):
    """Whoever sees the order sees what was sent back against it."""
    return queryset.filter(material_request__in=material_request_rule(
        MaterialRequest.objects.all(), user, action))


class OrderReturn(AppendOnlyModel):
    """退货单: parts a dealer sent back against one of its orders, as the store received them."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    material_request = models.ForeignKey(MaterialRequest, on_delete=models.PROTECT,
                                         related_name="order_returns",
                                         verbose_name=_("parts order"))
    amount = models.DecimalField(
        _("refund"), max_digits=12, decimal_places=2,
        help_text=_("What the parts cost the dealer on the order; zero for a free order."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("received by"))

    restrict_rule = staticmethod(order_return_rule)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("parts sent back")
        verbose_name_plural = _("parts sent back")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="parts_order_return_amount"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderReturnLine(AppendOnlyModel):
    """One part sent back: how many of an order's line, at the price the line took."""

    order_return = models.ForeignKey(OrderReturn, on_delete=models.PROTECT, related_name="lines",
                                     verbose_name=_("parts sent back"))
    order_line = models.ForeignKey(MaterialRequestLine, on_delete=models.PROTECT,
                                   related_name="return_lines",
                                   verbose_name=_("material request line"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2, null=True,
                                     blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("part sent back")
        verbose_name_plural = _("parts sent back")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0),
                                   name="parts_order_return_line_positive"),
            models.UniqueConstraint(fields=["order_return", "order_line"],
                                    name="parts_order_return_line_once"),
        ]

    @property
    def amount(self) -> Decimal:
        if self.unit_price is None:
            return Decimal("0.00")
        return (self.unit_price * self.quantity).quantize(Decimal("0.01"))
