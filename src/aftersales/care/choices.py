from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Occasion(models.TextChoices):
    """What a care message is about (CR-1)."""

    BIRTHDAY = "birthday", _("Birthday")
    HOLIDAY = "holiday", _("Holiday")
    WARRANTY_EXPIRY = "warranty_expiry", _("Warranty expiry")
    CONTRACT_EXPIRY = "contract_expiry", _("Contract expiry")
    CHECK_IN = "check_in", _("Is it working well?")
    PRODUCT_NOTICE = "product_notice", _("Product notice")


# The contracts area sends the renewal notice itself: the calendar shows contract expiry, but
# care never sends a message for it.
SENT_OCCASIONS = (Occasion.BIRTHDAY, Occasion.HOLIDAY, Occasion.WARRANTY_EXPIRY, Occasion.CHECK_IN)


class NoticeState(models.TextChoices):
    """A product notice (CR-1): written, perhaps scheduled for a later time, then sent to every
    owner by the background worker."""

    DRAFT = "draft", pgettext_lazy("notice", "Draft")
    SCHEDULED = "scheduled", pgettext_lazy("notice", "Scheduled")
    SENDING = "sending", pgettext_lazy("notice", "Sending")
    SENT = "sent", pgettext_lazy("notice", "Sent")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    ZH_HANT = "zh-hant", "繁體中文"
    EN = "en", "English"


class MessageChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class VisitKind(models.TextChoices):
    AFTER_INSTALLATION = "after_installation", _("Visit after installation")
    PLANNED = "planned", _("Planned visit")
    OTHER = "other", _("Other visit")


class VisitorLevel(models.TextChoices):
    """CR-2: senior staff visit every half year, ordinary staff every month."""

    SENIOR = "senior", _("Senior staff (every half year)")
    STAFF = "staff", _("Staff (every month)")


LEVEL_MONTHS = {VisitorLevel.SENIOR: 6, VisitorLevel.STAFF: 1}


class ReferralStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("referral", "Open")
    WON = "won", pgettext_lazy("referral", "Became a customer")
    LOST = "lost", pgettext_lazy("referral", "Lost")
