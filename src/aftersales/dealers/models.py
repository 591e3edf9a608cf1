from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel


class Dealer(BaseModel):
    """A dealer / service partner (特约承销商) that sells, installs and services in its region."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    service_centre = models.ForeignKey(
        "accounts.ServiceCentre", null=True, blank=True, on_delete=models.PROTECT,
        related_name="dealers", verbose_name=_("service centre"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def restrict_rule(queryset, user, action):
        return queryset if user.is_staff_role else queryset.none()
