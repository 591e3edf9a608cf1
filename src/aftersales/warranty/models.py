"""三包 outcomes (SR-3: repair, replace, refund) and the policy that decides what a customer is
entitled to (docs/warranty.md)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.choices import COMPANY_WIDE_ROLES, Role
from aftersales.core.ledger import AppendOnlyModel
from aftersales.core.models import BaseModel
from aftersales.service.models import ServiceRequest

from .choices import DisposalKind, OutcomeKind, PayoutMethod

# The national 三包 rules the defaults follow (《部分商品修理更换退货责任规定》): a performance fault
# within 7 days of purchase — refund, replacement or repair, as the customer chooses; within 15
# days — replacement or repair; within the warranty, a product still failing after two repairs
# of the same fault — replacement or refund.
DEFAULT_REFUND_DAYS = 7
DEFAULT_REPLACEMENT_DAYS = 15
DEFAULT_REPAIRS_BEFORE_REPLACEMENT = 2


class WarrantyPolicy(BaseModel):
    """The numbers of the 三包 rule, per product category (empty: every other category);
    an administrator edits them (house style 11)."""

    category = models.SlugField(_("product category"), max_length=40, blank=True, unique=True,
                                help_text=_("Empty: the default for every category."))
    refund_days = models.PositiveSmallIntegerField(
        _("refund within (days)"), default=DEFAULT_REFUND_DAYS,
        help_text=_("A serious fault this many days after purchase: refund, replacement or repair."))
    replacement_days = models.PositiveSmallIntegerField(
        _("replacement within (days)"), default=DEFAULT_REPLACEMENT_DAYS,
        help_text=_("A serious fault this many days after purchase: replacement or repair."))
    repairs_before_replacement = models.PositiveSmallIntegerField(
        _("repairs before replacement"), default=DEFAULT_REPAIRS_BEFORE_REPLACEMENT,
        help_text=_("After this many repairs of the same fault in the warranty period: "
                    "replacement or refund."))

    class Meta:
        ordering = ["category"]
        verbose_name = _("三包 policy")
        verbose_name_plural = _("三包 policies")
        constraints = [
            models.CheckConstraint(condition=Q(replacement_days__gte=models.F("refund_days")),
                                   name="warranty_policy_days_order"),
            models.CheckConstraint(condition=Q(repairs_before_replacement__gte=1),
                                   name="warranty_policy_repairs_min"),
        ]

    def __str__(self) -> str:
        return self.category or str(_("default"))

    @staticmethod
    def restrict_rule(queryset, user, action):
        if action == "view":
            return queryset if user.is_superuser or user.is_staff_role else queryset.none()
        return queryset if user.is_superuser or user.role in COMPANY_WIDE_ROLES else queryset.none()


def outcome_rule(queryset, user, action):
    """As the request it belongs to; deciding is for supervisors and managers."""
    if action != "view" and not (user.is_superuser or user.role in {
            Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}):
        return queryset.none()
    if user.role == Role.ACCOUNTANT:  # refunds are paid by the back office
        return queryset
    return queryset.filter(request__in=ServiceRequest.objects.restrict(user, "view"))


class WarrantyOutcome(BaseModel):
    """How a request ended under 三包, decided once by a supervisor or manager, with the evidence
    and the money and stock it moved. Never edited after the decision."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    request = models.OneToOneField("service.ServiceRequest", on_delete=models.PROTECT,
                                   related_name="warranty_outcome", verbose_name=_("request"))
    kind = models.CharField(_("outcome"), max_length=12, choices=OutcomeKind.choices)
    serious_fault = models.BooleanField(
        _("serious performance fault"), default=False,
        help_text=_("A fault that stops the product doing what it is for (性能故障)."))
    days_since_purchase = models.IntegerField(_("days since purchase"), null=True)
    prior_repairs = models.JSONField(_("prior repairs of the same fault"), default=list,
                                     blank=True)
    entitled = models.JSONField(_("entitled to"), default=list)
    reasons = models.TextField(_("why"), blank=True)
    policy = models.JSONField(_("policy applied"), default=dict)
    note = models.TextField(_("note"), blank=True)
    refund_amount = models.DecimalField(_("refund amount"), max_digits=10, decimal_places=2,
                                        null=True, blank=True)
    credit_note = models.ForeignKey("invoicing.CreditNote", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("refund note"))
    replacement_part = models.ForeignKey("parts.Part", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("replacement unit (part)"))
    replacement_warehouse = models.ForeignKey("parts.Warehouse", null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="+",
                                              verbose_name=_("taken from"))
    replacement_serial = models.CharField(_("replacement serial number"), max_length=60,
                                          blank=True)
    unit_serial = models.CharField(
        _("serial of the customer's unit"), max_length=60, blank=True,
        help_text=_("As it was when the outcome was decided: the faulty unit's, on a "
                    "replacement or refund."))
    stock_move = models.ForeignKey("parts.StockMove", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("stock move"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"))
    # the evidence (core.attachments), readable with prefetch_related in a list
    attachments = GenericRelation("core.Attachment", object_id_field="object_id",
                                  content_type_field="content_type")

    restrict_rule = staticmethod(outcome_rule)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("三包 outcome")
        verbose_name_plural = _("三包 outcomes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="refund") | Q(refund_amount__gt=0),
                name="warranty_refund_amount"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def takes_unit_back(self) -> bool:
        """A replacement or a refund: the customer gives the faulty unit back."""
        return self.kind in (OutcomeKind.REPLACEMENT, OutcomeKind.REFUND)


class UnitReturn(AppendOnlyModel):
    """The faulty unit given back on a replacement or a refund, received once into a place.
    Like a returned faulty part (docs/parts.md) it is not stock — it cannot be fitted or sold —
    so it is recorded here, not in the stock ledger."""

    outcome = models.OneToOneField(WarrantyOutcome, on_delete=models.PROTECT,
                                   related_name="unit_return", verbose_name=_("三包 outcome"))
    serial = models.CharField(_("serial number"), max_length=60)
    warehouse = models.ForeignKey("parts.Warehouse", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=pgettext_lazy("faulty unit", "received into"))
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("received by"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("faulty unit received")
        verbose_name_plural = _("faulty units received")

    def __str__(self) -> str:
        return f"{self.outcome.number} · {self.serial}"



class UnitDisposal(AppendOnlyModel):
    """What became of a faulty unit once received: back to the maker (with the maker's return
    reference or waybill), refurbished, or scrapped (with a reason). Recorded once per unit
    received, never edited: append-only like the receipt."""

    unit_return = models.OneToOneField(UnitReturn, on_delete=models.PROTECT,
                                       related_name="disposal",
                                       verbose_name=_("faulty unit received"))
    kind = models.CharField(pgettext_lazy("faulty unit", "disposal"), max_length=12,
                            choices=DisposalKind.choices)
    reference = models.CharField(_("maker's return reference or waybill"), max_length=60,
                                 blank=True)
    reason = models.CharField(_("why scrapped"), max_length=300, blank=True)
    day = models.DateField(pgettext_lazy("faulty unit", "disposed on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("faulty unit disposal")
        verbose_name_plural = _("faulty unit disposals")
        constraints = [
            models.CheckConstraint(condition=~Q(kind="to_maker") | ~Q(reference=""),
                                   name="warranty_disposal_maker_reference"),
            models.CheckConstraint(condition=~Q(kind="scrapped") | ~Q(reason=""),
                                   name="warranty_disposal_scrap_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_return} · {self.get_kind_display()}"


class RefundPayout(AppendOnlyModel):
    """A 三包 refund's money paid out to the customer: the refund note (invoicing) says what is
    owed, this row that and how it was paid, once, by finance. Never edited: append-only."""

    outcome = models.OneToOneField(WarrantyOutcome, on_delete=models.PROTECT,
                                   related_name="refund_payout", verbose_name=_("三包 outcome"))
    credit_note = models.ForeignKey("invoicing.CreditNote", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("refund note"))
    amount = models.DecimalField(_("amount paid out"), max_digits=12, decimal_places=2)
    method = models.CharField(_("paid out by (method)"), max_length=12,
                              choices=PayoutMethod.choices)
    paid_on = models.DateField(_("paid out on"))
    reference = models.CharField(_("transaction number"), max_length=60, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("paid out by"))
    recorded_at = models.DateTimeField(_("recorded at"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("三包 refund payout")
        verbose_name_plural = _("三包 refund payouts")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="warranty_payout_amount"),
            models.CheckConstraint(condition=Q(method="cash") | ~Q(reference=""),
                                   name="warranty_payout_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome.number} · ¥{self.amount}"
