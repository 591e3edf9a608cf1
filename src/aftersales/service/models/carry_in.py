from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel

from ..choices import RegisterDirection
from .work import _via_request


class ProductReceipt(BaseModel):
    """Product receipt (客户商品领取收据) given to the customer when a product is carried back."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    request = models.ForeignKey("service.ServiceRequest", on_delete=models.CASCADE,
                                related_name="receipts", verbose_name=_("request"))
    items = models.TextField(_("items taken"), help_text=_("Product, accessories, condition."))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("issued by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    restrict_rule = staticmethod(_via_request)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("product receipt")
        verbose_name_plural = _("product receipts")

    def __str__(self) -> str:
        return self.number


class RegisterEntry(models.Model):
    """A line of the customer-product in/out register (客户商品进出登记簿). Append-only."""

    request = models.ForeignKey("service.ServiceRequest", on_delete=models.CASCADE,
                                related_name="register_entries", verbose_name=_("request"))
    receipt = models.ForeignKey(ProductReceipt, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("receipt"))
    direction = models.CharField(_("direction"), max_length=3, choices=RegisterDirection.choices)
    at = models.DateTimeField(_("at"), db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("register entry")
        verbose_name_plural = _("in/out register")


class RepairCard(BaseModel):
    """Repair card (修护卡) hanging on a carried-in product: work, inspection, return (WK-3)."""

    request = models.OneToOneField("service.ServiceRequest", on_delete=models.CASCADE,
                                   related_name="repair_card", verbose_name=_("request"))
    work_done = models.TextField(_("work done"), blank=True)
    return_due_on = models.DateField(_("return date"), null=True, blank=True)
    inspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("inspected by"))
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    inspection_note = models.TextField(_("inspection note"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    restrict_rule = staticmethod(_via_request)

    class Meta:
        verbose_name = _("repair card")
        verbose_name_plural = _("repair cards")
