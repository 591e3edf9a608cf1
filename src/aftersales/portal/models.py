"""Sign-in for customers without a password: one-time codes and links (portal login).

Only hashes of the code, the link token and the identifier are stored. Every request for a
code is logged (``LoginRequest``), whether or not the phone number or e-mail is known, so that
rate limits look the same from outside for known and unknown identifiers.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CodeChannel(models.TextChoices):
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")


class CodeStatus(models.TextChoices):
    LIVE = "live", _("Live")
    USED = "used", _("Used")
    LOCKED = "locked", _("Locked after too many wrong attempts")
    SUPERSEDED = "superseded", _("Replaced by a newer code")


class LoginCode(models.Model):
    """One code (6 digits) and one link token sent to a customer; either signs him in once."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="login_codes", verbose_name=_("customer"))
    channel = models.CharField(_("sent by"), max_length=10, choices=CodeChannel.choices)
    destination = models.CharField(_("sent to"), max_length=254)
    code_hash = models.CharField(max_length=128)
    token_hash = models.CharField(max_length=64, unique=True)
    next_url = models.CharField(max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=CodeStatus.choices,
                              default=CodeStatus.LIVE)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("signed in as"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [models.Index(fields=["customer", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="used") | Q(used_at__isnull=False),
                name="portal_code_used_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.customer_id} ({self.status})"

    def expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    def usable(self, now=None) -> bool:
        return self.status == CodeStatus.LIVE and not self.expired(now)


class LoginRequest(models.Model):
    """One request for a code (known identifier or not): what the rate limits count."""

    identifier_hash = models.CharField(max_length=64, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    code = models.OneToOneField(LoginCode, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="request")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("sign-in request")
        verbose_name_plural = _("sign-in requests")
        indexes = [models.Index(fields=["ip", "at"])]
