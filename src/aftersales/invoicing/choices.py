from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InvoicingMode(models.TextChoices):
    """When a customer's charged work is invoiced (BL-1)."""

    NOW = "now", _("Invoice each job when its charge sheet is issued")
    LATER = "later", _("Collect into one invoice per month")
    NEVER = "never", _("No invoice")


class InvoiceKind(models.TextChoices):
    SINGLE = "single", _("One job")
    BATCH = "batch", _("Batch for a period")
    CONTRACT = "contract", _("Contract fee")
    ORDER = "order", _("Dealer's parts order")
    KEPT = "kept", _("Parts not given back")


class CreditKind(models.TextChoices):
    """A credit note corrects an invoice; an allowance grants a discount; a refund pays money
    back (三包 refund, an online-shop refund)."""

    CREDIT = "credit", _("Credit note")
    ALLOWANCE = "allowance", _("Allowance")
    REFUND = "refund", _("Refund")


AGEING_BUCKETS = (
    ("0_30", _("0–30 days"), 0, 30),
    ("31_60", _("31–60 days"), 31, 60),
    ("61_90", _("61–90 days"), 61, 90),
    ("over_90", _("over 90 days"), 91, None),
)


class InstalmentState(models.TextChoices):
    """Where an instalment of a payment schedule stands, computed from the invoice's payments
    applied in due-date order (never stored)."""

    PAID = "paid", pgettext_lazy("instalment", "paid")
    PARTLY_PAID = "partly_paid", pgettext_lazy("instalment", "partly paid")
    DUE = "due", pgettext_lazy("instalment", "due")
    OVERDUE = "overdue", pgettext_lazy("instalment", "overdue")


# A payment schedule: at most this many instalments; the quick split's intervals (months).
MAX_INSTALMENTS = 24
SPLIT_INTERVALS = (1, 3, 6, 12)
