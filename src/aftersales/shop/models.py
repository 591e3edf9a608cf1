"""Online shops, their orders, after-sales cases (EC-1…EC-3), messages, ratings (EC-4) and
ready answers (EC-5)."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.models import BaseModel

from .choices import (
    CaseKind,
    CaseState,
    Direction,
    FeePayer,
    Inspection,
    Language,
    Platform,
    Reason,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


def _desk_rule(queryset, user, action, path: str = ""):
    """Shop work is done at the desk: agents, supervisors, managers, administrators."""
    if user.is_superuser or user.role in DESK_ROLES:
        return queryset
    return queryset.none()


def secret_new() -> str:
    return secrets.token_hex(32)


class Shop(BaseModel):
    """One shop on one platform; its webhook secret signs the platform's calls."""

    code = models.SlugField(_("code"), max_length=40, unique=True,
                            help_text=_("Used in the webhook address."))
    name = models.CharField(_("name"), max_length=100)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    webhook_secret = models.CharField(_("webhook secret"), max_length=128, default=secret_new)
    shipping_fee = models.DecimalField(
        _("standard shipping fee"), **MONEY, default=Decimal("12.00"),
        help_text=_("A discount instead of a return is at most this much."))
    active = models.BooleanField(_("active"), default=True)

    restrict_rule = staticmethod(_desk_rule)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("shop")
        verbose_name_plural = _("shops")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"


class Order(BaseModel):
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders",
                             verbose_name=_("shop"))
    number = models.CharField(_("order number"), max_length=64)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="shop_orders", verbose_name=_("customer"))
    buyer_name = models.CharField(_("buyer"), max_length=100)
    buyer_phone = models.CharField(_("buyer's phone"), max_length=20)
    buyer_account = models.CharField(_("buyer's account"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    items = models.JSONField(_("items"), default=list, blank=True,
                             help_text=_("[{sku, name, quantity, price}]"))
    paid_amount = models.DecimalField(_("paid amount"), **MONEY)
    paid_at = models.DateTimeField(_("paid at"))
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    source = models.CharField(_("entered"), max_length=10, default="hand",
                              choices=[("hand", _("by hand")), ("webhook", _("by the platform"))])

    restrict_rule = staticmethod(_desk_rule)

    class Meta:
        ordering = ["-paid_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "number"], name="shop_order_unique_number"),
            models.CheckConstraint(condition=models.Q(paid_amount__gte=0),
                                   name="shop_order_paid_not_negative"),
        ]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return f"{self.shop.code}/{self.number}"


class InboundEvent(models.Model):
    """One call of a platform's webhook, kept once: a resent event finds its row (idempotent)."""

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="events")
    event_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=30)
    body_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "event_id"],
                                               name="shop_event_once")]


class ShippingFeeRule(models.Model):
    """EC-2, admin-editable: who pays the return shipping for a reason (defaults.py)."""

    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, unique=True)
    payer = models.CharField(_("who pays"), max_length=10, choices=FeePayer.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["reason"]
        verbose_name = _("shipping-fee rule")
        verbose_name_plural = _("shipping-fee rules")

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.get_payer_display()}"


class ShopCase(BaseModel):
    """One contact of a buyer about an order (EC-1), along its kind's path (workflow.py)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="cases",
                              verbose_name=_("order"))
    kind = models.CharField(_("contact kind"), max_length=20, choices=CaseKind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=CaseState.choices,
                             default=CaseState.OPEN)
    description = models.TextField(_("what the buyer says"), blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("handler"))
    dispute = models.BooleanField(_("platform dispute"), default=False,
                                  help_text=_("The buyer escalated to the platform."))
    # the goods sent back (EC-2, EC-3)
    goods_amount = models.DecimalField(_("value of the goods"), **MONEY, default=Decimal("0"))
    fee_payer = models.CharField(_("return shipping paid by"), max_length=10,
                                 choices=FeePayer.choices, blank=True)
    shipping_fee = models.DecimalField(_("return shipping advanced"), **MONEY,
                                       default=Decimal("0"))
    tracking = models.CharField(_("tracking number"), max_length=60, blank=True)
    received_at = models.DateTimeField(_("goods received at"), null=True, blank=True)
    inspection = models.CharField(_("inspection"), max_length=10, choices=Inspection.choices,
                                  blank=True)
    inspection_note = models.TextField(_("inspection note"), blank=True)
    deduction = models.DecimalField(_("deduction"), **MONEY, default=Decimal("0"))
    discount = models.DecimalField(_("discount offered"), **MONEY, default=Decimal("0"))
    refund_amount = models.DecimalField(_("refund"), **MONEY, null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    replacement = models.CharField(_("replacement shipped"), max_length=200, blank=True)
    replacement_part = models.ForeignKey("parts.Part", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("replacement part"))
    service_request = models.OneToOneField("service.ServiceRequest", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="shop_case",
                                           verbose_name=_("service request"))

    restrict_rule = staticmethod(_desk_rule)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["state", "opened_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(refund_amount__gte=0)
                                   | models.Q(refund_amount__isnull=True),
                                   name="shop_case_refund_not_negative"),
        ]
        verbose_name = _("shop case")
        verbose_name_plural = _("shop cases")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.order}"


class CaseMessage(models.Model):
    """A buyer's message or our answer (EC-4's response rate counts these)."""

    case = models.ForeignKey(ShopCase, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    body = models.TextField(_("message"))
    at = models.DateTimeField(_("at"), db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(
            fields=["case", "external_id"], condition=~models.Q(external_id=""),
            name="shop_message_once")]


class Rating(models.Model):
    """A buyer's rating of an order (EC-4: description, logistics, service, 1–5)."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="rating")
    description = models.PositiveSmallIntegerField(pgettext_lazy("rating", "description"))
    logistics = models.PositiveSmallIntegerField(pgettext_lazy("rating", "logistics"))
    service = models.PositiveSmallIntegerField(pgettext_lazy("rating", "service"))
    at = models.DateTimeField(_("rated at"))

    class Meta:
        constraints = [models.CheckConstraint(
            condition=models.Q(description__range=(1, 5), logistics__range=(1, 5),
                               service__range=(1, 5)), name="shop_rating_range")]


class ReadyAnswer(BaseModel):
    """A canned reply (话术, EC-5), one row per language; placeholders {order} {buyer}
    {paid_at} {delivered_at} {return_until} {shop}."""

    kind = models.CharField(_("contact kind"), max_length=20, choices=CaseKind.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    active = models.BooleanField(_("active"), default=True)

    restrict_rule = staticmethod(_desk_rule)

    class Meta:
        ordering = ["kind", "title", "language"]
        constraints = [models.UniqueConstraint(fields=["kind", "title", "language"],
                                               name="shop_answer_unique")]
        verbose_name = _("ready answer")
        verbose_name_plural = _("ready answers")

    def __str__(self) -> str:
        return self.title
