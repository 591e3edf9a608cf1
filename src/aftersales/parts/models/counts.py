"""Stock-take (PT-3): a count sheet per place that freezes what the books expect of every part
there when it is opened; the counted quantities, the surplus/deficit per line with its value,
and the approval that turns each difference into an adjustment move (docs/parts.md,
"Stock-take")."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel

from .catalogue import Part
from .stock import StockMove, Warehouse


def plain(amount: Decimal | None) -> str:
    """A quantity as it was counted: 10, 2.5 (no trailing zeros, no exponent)."""
    return "" if amount is None else f"{amount.normalize():f}"


class StockCountStatus(models.TextChoices):
    OPEN = "open", _("Counting")
    COUNTED = "counted", _("Counted, awaiting approval")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


def stock_count_rule(queryset, user, action):
    """Who sees a count sheet: whoever sees its place (``Warehouse.restrict_rule``)."""
    if user.is_superuser or getattr(user, "sees_all_centres", False):
        return queryset
    role = getattr(user, "role", None)
    if role == "technician":
        return queryset.filter(warehouse__technician=user)
    if role in {"agent", "supervisor"} and user.service_centre_id:
        return queryset.filter(Q(warehouse__service_centre_id=user.service_centre_id)
                               | Q(warehouse__technician__service_centre_id=user.service_centre_id))
    return queryset.none()


class StockCount(BaseModel):
    """盘点单: one count of one place."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="counts",
                                  verbose_name=_("place"))
    status = models.CharField(_("status"), max_length=12, choices=StockCountStatus.choices,
                              default=StockCountStatus.OPEN)
    note = models.CharField(_("note"), max_length=300, blank=True)
    blind = models.BooleanField(
        _("blind count"), default=False,
        help_text=_("The counters do not see what the books expect until counting is finished."))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("opened by"))
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    restrict_rule = staticmethod(stock_count_rule)

    @property
    def hides_books(self) -> bool:
        """A blind count while it is being counted: the books' quantities are not shown."""
        return self.blind and self.status == StockCountStatus.OPEN

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        indexes = [models.Index(fields=["warehouse", "status"], name="parts_count_place")]
        constraints = [
            # one count under way per place: two sheets would each adjust the same difference
            models.UniqueConstraint(fields=["warehouse"], name="parts_count_one_open_per_place",
                                    condition=Q(status__in=["open", "counted"])),
        ]

    def __str__(self) -> str:
        return self.number


class StockCountLine(models.Model):
    """One part of the sheet: what the books said at opening (frozen), what was counted, and
    the adjustment move its approval made."""

    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines",
                              verbose_name=_("stock count"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    expected = models.DecimalField(_("expected"), max_digits=14, decimal_places=3)
    counted = models.DecimalField(_("counted"), max_digits=14, decimal_places=3, null=True,
                                  blank=True)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=10, decimal_places=2)
    move = models.ForeignKey(StockMove, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("adjustment move"))

    class Meta:
        ordering = ["part__code", "id"]
        verbose_name = _("stock count line")
        verbose_name_plural = _("stock count lines")
        constraints = [
            models.UniqueConstraint(fields=["count", "part"], name="parts_count_line_once"),
            models.CheckConstraint(condition=Q(expected__gte=0) & (
                Q(counted__isnull=True) | Q(counted__gte=0)), name="parts_count_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.part.code}: {self.expected} / {self.counted}"

    @property
    def difference(self) -> Decimal | None:
        """Counted − expected: positive a surplus, negative a deficit; None until counted."""
        return None if self.counted is None else self.counted - self.expected

    @property
    def value(self) -> Decimal | None:
        difference = self.difference
        return None if difference is None else (difference * self.unit_cost).quantize(Decimal("0.01"))

    @property
    def expected_text(self) -> str:
        return plain(self.expected)

    @property
    def counted_text(self) -> str:
        return plain(self.counted)

    @property
    def difference_text(self) -> str:
        difference = self.difference
        return "" if difference is None else ("+" if difference > 0 else "") + plain(difference)

    @property
    def input_step(self) -> str:
        """The step of the number input: 1 for pieces, 0.01 for a unit counted to 2 places."""
        return f"{Decimal(1).scaleb(-self.part.unit_decimals):f}"
