"""The charge sheet of a job (材料收费暨报销单, BL-1): issued once, when the job is completed,
and never changed (core.ledger); until then it is a preview (selectors.charge_sheet_preview)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.ledger import AppendOnlyModel
from aftersales.core.models import BaseModel
from aftersales.service.choices import Category

from ..choices import ExpenseKind, SheetState
from .lines import PricedLine
from .rules import LedgerQuerySet, via_request


class ChargeExpense(BaseModel):
    """Travel, another expense or extra labour the technician enters on a job before it is
    completed. Extra labour is ``hours`` at the hourly ``rate`` valid when it was entered
    (``amount`` = hours × rate, half-up); the other kinds have neither."""

    request = models.ForeignKey("service.ServiceRequest", on_delete=models.CASCADE,
                                related_name="charge_expenses", verbose_name=_("request"))
    kind = models.CharField(_("kind"), max_length=10, choices=ExpenseKind.choices,
                            default=ExpenseKind.TRAVEL)
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True,
                                blank=True)
    rate = models.DecimalField(_("hourly rate"), max_digits=10, decimal_places=2, null=True,
                               blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("entered by"))

    restrict_rule = staticmethod(via_request("request"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_expense_positive"),
            models.CheckConstraint(
                condition=Q(kind=ExpenseKind.LABOUR, hours__gt=0, rate__isnull=False)
                | (~Q(kind=ExpenseKind.LABOUR) & Q(hours__isnull=True, rate__isnull=True)),
                name="billing_expense_labour_by_hours"),
        ]


class ChargeSheet(AppendOnlyModel):
    """One job's charges as issued: numbered, immutable; the total is the sum of its lines."""

    request = models.OneToOneField("service.ServiceRequest", on_delete=models.PROTECT,
                                   related_name="charge_sheet", verbose_name=_("request"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="charge_sheets", verbose_name=_("customer"))
    category = models.CharField(_("category"), max_length=1, choices=Category.choices)
    state = models.CharField(_("state"), max_length=10, choices=SheetState.choices,
                             default=SheetState.ISSUED)
    number = models.CharField(_("number"), max_length=20, unique=True)
    follow_up = models.BooleanField(_("follow-up visit"), default=False)
    dealer = models.BooleanField(_("dealer job (cost price)"), default=False)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("issued by"))

    objects = LedgerQuerySet.as_manager()
    restrict_rule = staticmethod(via_request("request"))

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("charge sheet")
        verbose_name_plural = _("charge sheets")
        indexes = [models.Index(fields=["issued_at"])]
        constraints = [models.CheckConstraint(condition=Q(total__gte=0),
                                              name="billing_sheet_total_not_negative")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_issued(self) -> bool:
        return self.state == SheetState.ISSUED


class ChargeLine(AppendOnlyModel, PricedLine):
    """A line of an issued sheet (what it holds: :class:`PricedLine`)."""

    sheet = models.ForeignKey(ChargeSheet, on_delete=models.PROTECT, related_name="lines",
                              verbose_name=_("charge sheet"))

    objects = LedgerQuerySet.as_manager()
    restrict_rule = staticmethod(via_request("sheet__request"))

    class Meta:
        ordering = ["sheet", "position"]
        verbose_name = _("charge line")
        verbose_name_plural = _("charge lines")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "position"], name="billing_line_position"),
            models.CheckConstraint(condition=Q(free=False) | Q(amount=0), name="billing_free_line_zero"),
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(quantity__gt=0),
                                   name="billing_line_not_negative"),
        ]
