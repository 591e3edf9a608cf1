"""Payment schedules (分期付款计划): when the amount due on an invoice is to be paid, in
instalments — a contract's yearly fee paid quarterly, say.

The schedule is not the invoice: the invoice never changes, and a schedule is never edited
either. It is replaced by a new version; the old one is kept, marked superseded, and at most one
per invoice is current (a partial unique constraint backs the invoice's row lock). Which
instalments are paid is never stored: the invoice's payments are applied to them in due-date
order when they are read (invoicing.selectors.payment_plans).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.querysets import RestrictedQuerySet

from .base import DocumentMixin, DocumentQuerySet, back_office_rule
from .documents import Invoice


class PaymentScheduleQuerySet(RestrictedQuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True)

    def in_force_until(self, moment):
        """The schedules that were current at ``moment``: made before it, superseded after."""
        return self.filter(Q(superseded_at__isnull=True) | Q(superseded_at__gte=moment),
                           made_at__lt=moment)


class PaymentSchedule(models.Model):
    """One version of an invoice's schedule. Its instalments add up to ``amount_due``: the
    invoice's total less its credit notes when it was made."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="schedules",
                                verbose_name=_("invoice"))
    revision = models.PositiveSmallIntegerField(_("schedule version"))
    amount_due = models.DecimalField(_("amount due"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    made_at = models.DateTimeField(_("made at"))
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("made by"))
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    objects = PaymentScheduleQuerySet.as_manager()
    restrict_rule = staticmethod(back_office_rule)

    class Meta:
        ordering = ["invoice", "-revision"]
        verbose_name = _("payment schedule")
        verbose_name_plural = _("payment schedules")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "revision"],
                                    name="inv_schedule_revision_unique"),
            models.UniqueConstraint(fields=["invoice"], condition=Q(superseded_at__isnull=True),
                                    name="inv_schedule_one_current"),
            models.CheckConstraint(condition=Q(amount_due__gt=0),
                                   name="inv_schedule_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} v{self.revision}"


class Instalment(DocumentMixin, models.Model):
    """One instalment of a schedule: a due date and an amount; never changed."""

    schedule = models.ForeignKey(PaymentSchedule, on_delete=models.PROTECT,
                                 related_name="instalments", verbose_name=_("payment schedule"))
    position = models.PositiveSmallIntegerField(_("instalment"))
    due_on = models.DateField(_("due on"), db_index=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["schedule", "position"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "position"],
                                    name="inv_instalment_position_unique"),
            models.UniqueConstraint(fields=["schedule", "due_on"],
                                    name="inv_instalment_day_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="inv_instalment_positive"),
        ]


class InstalmentOverdueCheck(DocumentMixin, models.Model):
    """The worker tick's look at an instalment once its due date has passed: once per
    instalment (unique), and the accountants were told if it was not paid by then."""

    instalment = models.OneToOneField(Instalment, on_delete=models.PROTECT,
                                      related_name="overdue_check",
                                      verbose_name=_("instalment"))
    checked_at = models.DateTimeField(_("checked after its due date at"))
    notified = models.BooleanField(_("accountants told"))

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("overdue instalment check")
        verbose_name_plural = _("overdue instalment checks")
