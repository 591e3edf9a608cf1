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
    SEMINAR = "seminar", _("Seminar invitation")
    SEMINAR_CANCELLED = "seminar_cancelled", _("Seminar cancelled")


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


class CentreKind(models.TextChoices):
    """CR-3: who an influence centre (影响力中心) is — someone whose word brings buyers."""

    PROPERTY = "property", _("Property management")
    DECORATION = "decoration", _("Decorator or designer")
    INSTALLER = "installer", _("Plumber or installer")
    COMMUNITY = "community", _("Community or association")
    RETAILER = "retailer", _("Shop or building-materials market")
    OTHER = "other", pgettext_lazy("influence centre", "Other")


class ContactKind(models.TextChoices):
    """How an influence centre was kept in touch with."""

    VISIT = "visit", pgettext_lazy("contact", "Visit")
    CALL = "call", pgettext_lazy("contact", "Call")
    EVENT = "event", pgettext_lazy("contact", "Gift or event")
    OTHER = "other", pgettext_lazy("contact", "Other")


class SeminarKind(models.TextChoices):
    """CR-3: a user forum listens to the users; a product talk teaches them."""

    FORUM = "forum", _("User forum")
    TALK = "talk", _("Product talk")


class SeminarState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("seminar", "Planned")
    HELD = "held", pgettext_lazy("seminar", "Held")
    CANCELLED = "cancelled", pgettext_lazy("seminar", "Cancelled")


class GuestStatus(models.TextChoices):
    """A customer invited to a seminar: his answer before it, whether he came after it."""

    INVITED = "invited", pgettext_lazy("guest", "Invited")
    CONFIRMED = "confirmed", pgettext_lazy("guest", "Will come")
    DECLINED = "declined", pgettext_lazy("guest", "Declined")
    ATTENDED = "attended", pgettext_lazy("guest", "Came")
    ABSENT = "absent", pgettext_lazy("guest", "Did not come")
