from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SheetState(models.TextChoices):
    DRAFT = "draft", _("Preview")
    ISSUED = "issued", _("Issued")


class LineKind(models.TextChoices):
    LABOUR = "labour", _("Labour")
    PART = "part", _("Part")
    TRAVEL = "travel", pgettext_lazy("expense", "Travel")
    OTHER = "other", _("Other expense")


class ExpenseKind(models.TextChoices):
    """What the technician enters on a job besides its parts: travel, another expense, or
    labour beyond the service fee (hours at the hourly rate; its line is a labour line)."""

    TRAVEL = "travel", pgettext_lazy("expense", "Travel")
    OTHER = "other", _("Other expense")
    LABOUR = "labour", _("Extra labour")


class FreeReason(models.TextChoices):
    """Why a line is shown at ¥0 (SR-2, BL-2)."""

    WARRANTY = "warranty", _("under warranty")
    CONTRACT = "contract", _("under contract")
    INTERNAL = "internal", _("internal work")
    FOLLOW_UP = "follow_up", _("follow-up visit: no service fee")


class Method(models.TextChoices):
    CASH = "cash", _("Cash")
    QR = "qr", _("QR payment")
    TRANSFER = "transfer", _("Bank transfer")
    CARD = "card", _("Card")
    # paid from the customer's money on account (a deposit received earlier): no money changes
    # hands, so it is never a way to take a payment (RECEIVED_METHODS)
    ACCOUNT = "account", _("Money on account")


ON_SITE_METHODS = frozenset({Method.CASH, Method.QR})
# the ways money is received — what a payment form or the API offers
RECEIVED_METHODS = [(m.value, m.label) for m in (Method.CASH, Method.QR, Method.TRANSFER,
                                                 Method.CARD)]


class QuoteState(models.TextChoices):
    OPEN = "open", _("Waiting for the customer")
    AGREED = "agreed", _("Agreed")
    DECLINED = "declined", _("Declined")
    SUPERSEDED = "superseded", _("Replaced by a newer quote")


class AgreedVia(models.TextChoices):
    SIGNATURE = "signature", _("Signed on the technician's phone")
    PORTAL = "portal", _("In the customer portal")
    PHONE = "phone", _("By phone, recorded by the agent")


class HandoverState(models.TextChoices):
    OPEN = "open", _("Not yet confirmed")
    CONFIRMED = "confirmed", _("Confirmed")
