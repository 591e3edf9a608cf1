from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Platform(models.TextChoices):
    TAOBAO = "taobao", _("Taobao")
    TMALL = "tmall", _("Tmall")
    JD = "jd", _("JD.com")
    PINDUODUO = "pinduoduo", _("Pinduoduo")
    DOUYIN = "douyin", _("Douyin")
    OTHER = "other", _("Other platform")


class CaseKind(models.TextChoices):
    """EC-1: why the buyer contacts the shop; each kind has its own path (workflow.py)."""

    PRESALE = "presale", _("Pre-sale question")
    LOGISTICS = "logistics", _("Logistics")
    RETURN = "return", _("Return")
    EXCHANGE = "exchange", _("Exchange")
    REFUND_ONLY = "refund_only", _("Refund only")
    REPAIR = "repair", _("Repair")


GOODS_KINDS = frozenset({CaseKind.RETURN, CaseKind.EXCHANGE})


class Reason(models.TextChoices):
    """EC-2: why goods go back; decides who pays the return shipping."""

    QUALITY = "quality", _("Quality fault")
    NO_REASON = "no_reason", _("No reason (7 days)")
    WRONG_ITEM = "wrong_item", _("Wrong item sent")
    COURIER_DAMAGE = "courier_damage", _("Damaged by the courier")
    OTHER = "other", _("Other")


class FeePayer(models.TextChoices):
    SHOP = "shop", _("The shop (the buyer advances it and is refunded)")
    BUYER = "buyer", _("The buyer")
    REFUSE = "refuse", _("Refuse delivery: the courier answers for it")


class CaseState(models.TextChoices):
    OPEN = "open", pgettext_lazy("shop case", "Open")
    DISCOUNT_OFFERED = "discount_offered", _("Discount offered")
    AWAITING_GOODS = "awaiting_goods", _("Awaiting the goods")
    RECEIVED = "received", pgettext_lazy("shop case", "Goods received")
    INSPECTED = "inspected", _("Inspected")
    REFUNDED = "refunded", _("Refunded")
    EXCHANGED = "exchanged", _("Replacement shipped")
    TRANSFERRED = "transferred", _("Passed to service")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


DONE_STATES = frozenset({CaseState.REFUNDED, CaseState.EXCHANGED, CaseState.TRANSFERRED,
                         CaseState.REJECTED, CaseState.CLOSED})


class Inspection(models.TextChoices):
    PASS = "pass", _("Passed")
    DAMAGED = "damaged", _("Damaged by the buyer")
    MISSING = "missing", _("Parts missing")


class Direction(models.TextChoices):
    IN = "in", _("From the buyer")
    OUT = "out", _("Our answer")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", _("Simplified Chinese")
    ZH_HANT = "zh-hant", _("Traditional Chinese")
    EN = "en", _("English")
