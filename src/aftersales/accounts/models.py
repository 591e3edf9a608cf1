from datetime import time

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel

from .choices import COMPANY_WIDE_ROLES, STAFF_ROLES, Role


def is_headquarters(user) -> bool:
    """The service department (服务部, the head office): administrators, and managers without a
    centre — a manager with one runs that branch."""
    return bool(user.is_superuser or user.role == Role.ADMIN
                or (user.role == Role.MANAGER and not user.service_centre_id))


class ServiceCentre(BaseModel):
    """A service centre or branch (服务中心/分公司): it owns its requests and its staff."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=50, default="Asia/Shanghai")
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    opens_at = models.TimeField(_("working time starts"), default=time(8, 30))
    closes_at = models.TimeField(_("working time ends"), default=time(17, 30))
    calendar_version = models.PositiveIntegerField(
        _("calendar version"), default=1, editable=False,
        help_text=_("Raised whenever the centre's calendar changes, so cached calendars refresh."))

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                   name="accounts_centre_hours"),
        ]
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def restrict_rule(queryset, user, action):
        if action == "view" or user.role in COMPANY_WIDE_ROLES or user.is_superuser:
            return queryset
        return queryset.none()


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    service_centre = models.ForeignKey(
        ServiceCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
        verbose_name=_("service centre"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        """Chinese names read family name first, with no space (张师傅); others as usual."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if any(ord(ch) > 0x2E80 for ch in first + last):
            return f"{last}{first}"
        return super().get_full_name()

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES or self.is_superuser

    @property
    def sees_all_centres(self) -> bool:
        return self.is_superuser or self.role in COMPANY_WIDE_ROLES
