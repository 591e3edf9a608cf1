"""Money taken (WK-2): a payment is recorded once and never changed; a refund is a credit
document in invoicing."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.ledger import AppendOnlyModel

from ..choices import Method
from .rules import LedgerQuerySet, by_technician


class Payment(AppendOnlyModel):
    """Money received: from a customer (for a job's sheet, or without one — for invoices, on
    account), or from a dealer for its invoice (what it kept of parts owed back or lent: the back
    office's, by transfer, never for a sheet). Exactly one payer (a check constraint)."""

    number = models.CharField(_("receipt number"), max_length=20, unique=True)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="payments",
                                 verbose_name=_("customer"))
    dealer = models.ForeignKey("dealers.Dealer", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="payments", verbose_name=_("dealer"))
    sheet = models.ForeignKey("billing.ChargeSheet", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="payments",
                              verbose_name=_("charge sheet"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="payments_received",
                                    verbose_name=pgettext_lazy("payment", "received by"))
    received_at = models.DateTimeField(pgettext_lazy("payment", "received at"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)
    handover = models.ForeignKey("billing.Handover", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="payments",
                                 verbose_name=_("hand-over"))
    reference = models.CharField(_("reference"), max_length=100, blank=True,
                                 help_text=_("The QR payment's transaction number, if any."))
    # a sheet paid from money on account: the earlier payment without a sheet it draws on
    drawn_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="draws", verbose_name=_("paid from"))
    # a sheet paid from money on account by mistake is undone by a row of the opposite amount
    # naming it, with the reason (once: one-to-one); the sheet owes it again, the money is back
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversal",
                                    verbose_name=pgettext_lazy("payment", "reverses"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = LedgerQuerySet.as_manager()
    restrict_rule = staticmethod(by_technician("received_by"))

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["received_by", "received_at"])]
        constraints = [
            models.UniqueConstraint(fields=["received_by", "idempotency_key"],
                                    name="billing_payment_once"),
            # money taken is above zero; only a reversal (of a sheet paid from money on
            # account) is below it
            models.CheckConstraint(
                condition=(Q(amount__gt=0, reverses__isnull=True)
                           | Q(amount__lt=0, reverses__isnull=False, method="account")),
                name="billing_payment_positive"),
            # paid from money on account ⇔ drawn from a payment, and always for a sheet
            models.CheckConstraint(
                condition=(Q(method="account", drawn_from__isnull=False, sheet__isnull=False)
                           | (~Q(method="account") & Q(drawn_from__isnull=True))),
                name="billing_payment_drawn_from_account"),
            # a customer's, or a dealer's without a sheet
            models.CheckConstraint(
                condition=(Q(customer__isnull=False, dealer__isnull=True)
                           | Q(customer__isnull=True, dealer__isnull=False, sheet__isnull=True)),
                name="billing_payment_one_payer"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def payer(self):
        """Who paid: the customer, or the dealer."""
        return self.customer if self.customer_id else self.dealer
