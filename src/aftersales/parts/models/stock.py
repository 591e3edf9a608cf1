"""Places that hold parts and the stock ledger (PT-2, PT-3; docs/parts.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.ledger import AppendOnlyModel
from aftersales.core.models import BaseModel

from ..choices import MoveKind, WarehouseKind
from .catalogue import Part


def own_dealer_only(queryset, user):
    """``queryset`` narrowed to the rows of the dealer whose login ``user`` is (its ``dealer``
    field); none for a dealer's login not linked to a dealer (dealers.DealerUser, a reverse
    relation: parts does not import dealers)."""
    link = getattr(user, "dealer_link", None)
    return queryset.filter(dealer_id=link.dealer_id) if link else queryset.none()


class Warehouse(BaseModel):
    """A place that holds parts: the central warehouse, a centre's store, a technician's van or a
    dealer's stock (PT-2, PT-3)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=WarehouseKind.choices)
    service_centre = models.ForeignKey(
        "accounts.ServiceCentre", null=True, blank=True, on_delete=models.PROTECT,
        related_name="warehouses", verbose_name=_("service centre"))
    technician = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="van", verbose_name=_("technician"))
    dealer = models.ForeignKey(
        "dealers.Dealer", null=True, blank=True, on_delete=models.PROTECT,
        related_name="warehouses", verbose_name=_("dealer"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=WarehouseKind.VAN) | Q(technician__isnull=False),
                name="parts_van_has_technician"),
            models.CheckConstraint(
                condition=~Q(kind=WarehouseKind.CENTRE) | Q(service_centre__isnull=False),
                name="parts_store_has_centre"),
            models.CheckConstraint(
                condition=~Q(kind=WarehouseKind.DEALER) | Q(dealer__isnull=False),
                name="parts_dealer_stock_has_dealer"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        """A technician sees and moves only his van; a centre's staff its centre's stores and
        vans; the service department and administrators every place."""
        if user.is_superuser or getattr(user, "sees_all_centres", False):
            return queryset
        role = getattr(user, "role", None)
        if role == "technician":
            return queryset.filter(technician=user)
        if role in {"agent", "supervisor"} and user.service_centre_id:
            return queryset.filter(Q(service_centre_id=user.service_centre_id)
                                   | Q(technician__service_centre_id=user.service_centre_id))
        if role == "dealer":  # its dealer's stock
            return own_dealer_only(queryset, user)
        return queryset.none()


class StockBalance(models.Model):
    """Stock on hand of one part in one place: the sum of its moves, kept in the moves'
    transaction (docs/adr/0010-stock-on-hand-balance-row.md), and its reorder level."""

    # db_index=False: the unique (warehouse, part) index serves lookups by place
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="balances",
                                  verbose_name=_("warehouse"), db_index=False)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="balances",
                             verbose_name=_("part"))
    quantity = models.DecimalField(_("on hand"), max_digits=14, decimal_places=3, default=0)
    reorder_level = models.DecimalField(_("reorder level"), max_digits=14, decimal_places=3,
                                        default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stock on hand")
        verbose_name_plural = _("stock on hand")
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "part"], name="parts_balance_one_row"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="parts_stock_not_negative"),
            models.CheckConstraint(condition=Q(reorder_level__gte=0),
                                   name="parts_reorder_not_negative"),
        ]
        indexes = [
            # the low-stock list: only rows with a reorder level are looked at
            models.Index(fields=["warehouse", "part"], name="parts_low_stock",
                         condition=Q(reorder_level__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse.code} · {self.part.code}: {self.quantity}"

    @property
    def low(self) -> bool:
        return self.reorder_level > 0 and self.quantity <= self.reorder_level


class StockMove(AppendOnlyModel):
    """One line of the stock ledger: never changed; a correction is a new move."""

    # db_index=False: the (warehouse, part, at) index serves lookups by place
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="moves",
                                  verbose_name=_("warehouse"), db_index=False)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="moves",
                             verbose_name=_("part"))
    kind = models.CharField(_("kind"), max_length=15, choices=MoveKind.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3,
                                   help_text=_("Signed: positive in, negative out."))
    balance_after = models.DecimalField(_("on hand after"), max_digits=14, decimal_places=3)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=10, decimal_places=2, null=True,
                                    blank=True)
    counterpart = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("from / to"))
    request = models.ForeignKey("service.ServiceRequest", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="stock_moves",
                                verbose_name=_("service request"))
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        indexes = [
            models.Index(fields=["warehouse", "part", "at"], name="parts_move_place_part"),
            models.Index(fields=["at"], name="parts_move_at"),
            models.Index(fields=["request"], name="parts_move_request",
                         condition=Q(request__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="parts_move_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0),
                                   name="parts_move_never_below_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.part.code} {self.quantity:+}"
