"""Loans of parts or spare units to a customer or a dealer (PT-3): lent from a place with a due
date, a reminder the day before, an overdue list; not back ``LOAN_KEPT_AFTER_DAYS`` after the
due date, a loan counts as kept and is charged (docs/parts.md, "Loans")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel

from .catalogue import Part
from .stock import Warehouse


class LoanStatus(models.TextChoices):
    OUT = "out", _("Lent out")
    RETURNED = "returned", _("Returned")
    KEPT = "kept", _("Kept (charged)")


def loan_rule(queryset, user, action):
    """Who may see a place's stock sees its loans (``Warehouse.restrict_rule``)."""
    places = Warehouse.objects.restrict(user, action)
    return queryset.filter(warehouse__in=places)


class Loan(BaseModel):
    """借出: a part or spare unit lent from a place, to be brought back by a date."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="loans",
                                  verbose_name=_("lent from"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("customer"))
    dealer = models.ForeignKey("dealers.Dealer", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("dealer"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=LoanStatus.choices,
                              default=LoanStatus.OUT)
    note = models.CharField(_("note"), max_length=300, blank=True)
    lent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("lent by"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    kept_at = models.DateTimeField(_("counted as kept at"), null=True, blank=True)
    charge_amount = models.DecimalField(_("charge"), max_digits=10, decimal_places=2, null=True,
                                        blank=True)

    restrict_rule = staticmethod(loan_rule)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        indexes = [models.Index(fields=["status", "due_on"], name="parts_loan_status_due")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="parts_loan_positive"),
            models.CheckConstraint(
                condition=Q(customer__isnull=False, dealer__isnull=True)
                | Q(customer__isnull=True, dealer__isnull=False),
                name="parts_loan_one_borrower"),
            models.CheckConstraint(
                condition=~Q(status=LoanStatus.KEPT) | Q(charge_amount__isnull=False),
                name="parts_loan_kept_is_charged"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def borrower(self):
        return self.customer or self.dealer
