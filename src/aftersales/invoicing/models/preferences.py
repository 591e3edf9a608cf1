"""A customer's invoicing preference (BL-1): now, later (batched per month) or never."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel

from ..choices import InvoicingMode
from .base import back_office_rule


class InvoicingPreference(BaseModel):
    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE,
                                    related_name="invoicing_preference",
                                    verbose_name=_("customer"))
    mode = models.CharField(_("invoicing"), max_length=10, choices=InvoicingMode.choices,
                            default=InvoicingMode.NOW)
    note = models.CharField(_("note"), max_length=200, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("changed by"))

    restrict_rule = staticmethod(back_office_rule)

    class Meta:
        verbose_name = _("invoicing preference")
        verbose_name_plural = _("invoicing preferences")

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_mode_display()}"
