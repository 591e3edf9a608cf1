"""Material requests (PT-2): a technician or a workshop asks for parts, the store picks and
ships them, the technician confirms receipt (docs/parts.md, "Material requests"). A dealer's
parts order is one too, into its stock place, with its prices and payments (PT-1; docs/parts.md,
"Dealers' parts orders")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.dates import local_today
from aftersales.core.ledger import AppendOnlyModel
from aftersales.core.models import BaseModel

from ..choices import PaymentMethod
from .catalogue import Part
from .stock import Warehouse, own_dealer_only


class MaterialRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    WAITING_AGREEMENT = "waiting_agreement", _("Waiting for the customer's agreement")
    APPROVED = "approved", _("Approved")
    PICKED = "picked", _("Picked")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


# The store has agreed to supply them and may promise (or move) the day they ship; past that
# day and still one of these, a request is late.
PROMISABLE_STATUSES = (MaterialRequestStatus.APPROVED, MaterialRequestStatus.PICKED)


def late_q() -> Q:
    """Requests past their delivery date and not shipped (the list's filter, the start page)."""
    return Q(status__in=PROMISABLE_STATUSES, delivery_date__lt=local_today())


OPEN_MATERIAL_REQUEST_STATUSES = frozenset({
    MaterialRequestStatus.REQUESTED, MaterialRequestStatus.WAITING_AGREEMENT,
    MaterialRequestStatus.APPROVED, MaterialRequestStatus.PICKED})


def material_request_rule(queryset, user, action):
    """A technician sees the requests he made or that go to his van; a centre's agents and
    supervisors their centre's; a dealer's logins their dealer's orders; the service department,
    the accountants (who take a dealer's payment) and administrators all."""
    if user.is_superuser or getattr(user, "sees_all_centres", False):
        return queryset
    role = getattr(user, "role", None)
    if role == "accountant":
        return queryset.filter(dealer__isnull=False)
    if role == "dealer":  # its dealer's orders
        return own_dealer_only(queryset, user)
    if role == "technician":
        return queryset.filter(Q(requested_by=user) | Q(destination__technician=user))
    if role in {"agent", "supervisor"} and user.service_centre_id:
        return queryset.filter(service_centre_id=user.service_centre_id)
    return queryset.none()


class MaterialRequest(BaseModel):
    """领料单: parts asked for a job (to the technician's van) or for a workshop (to the
    centre's store), from the centre's store or the central warehouse; or a dealer's parts order
    (``dealer`` set: from the central warehouse into the dealer's stock place)."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    request = models.ForeignKey(
        "service.ServiceRequest", null=True, blank=True, on_delete=models.PROTECT,
        related_name="material_requests", verbose_name=_("service request"))
    service_centre = models.ForeignKey(
        "accounts.ServiceCentre", on_delete=models.PROTECT, related_name="material_requests",
        verbose_name=_("service centre"))
    source = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("supplied from"))
    destination = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("goes to"))
    in_warranty = models.BooleanField(_("in warranty"), default=False)
    chargeable = models.BooleanField(_("chargeable"), default=True)
    status = models.CharField(_("status"), max_length=20, choices=MaterialRequestStatus.choices,
                              default=MaterialRequestStatus.REQUESTED)
    note = models.CharField(_("note"), max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("requested by"))
    shipping_number = models.CharField(_("shipping order"), max_length=20, blank=True)
    # when the store promises to ship (PT-2: "shipping order once the delivery date is confirmed")
    delivery_date = models.DateField(pgettext_lazy("material request", "delivery date"), null=True,
                                     blank=True)
    picked_at = models.DateTimeField(_("picked at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    dealer = models.ForeignKey(
        "dealers.Dealer", null=True, blank=True, on_delete=models.PROTECT,
        related_name="parts_orders", verbose_name=_("dealer"))
    dealer_job = models.ForeignKey(
        "dealers.DealerJob", null=True, blank=True, on_delete=models.PROTECT,
        related_name="parts_orders", verbose_name=_("dealer's job"))

    restrict_rule = staticmethod(material_request_rule)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("material request")
        verbose_name_plural = _("material requests")
        indexes = [
            models.Index(fields=["service_centre", "status"], name="parts_mr_centre_status"),
            models.Index(fields=["request", "status"], name="parts_mr_job_status"),
            # what a place holds reserved — approved or picked, not shipped yet: few rows at any
            # time (parts.selectors.reserved_quantity)
            models.Index(fields=["source"], condition=Q(status__in=["approved", "picked"]),
                         name="parts_mr_reserving_source"),
            models.Index(fields=["dealer", "status"], condition=Q(dealer__isnull=False),
                         name="parts_mr_dealer_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["shipping_number"], name="parts_mr_shipping_once",
                                    condition=~Q(shipping_number="")),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def for_workshop(self) -> bool:
        return self.request_id is None and self.dealer_id is None

    @property
    def delivery_late(self) -> bool:
        """Its delivery date has passed and it has not shipped."""
        return (self.delivery_date is not None and self.delivery_date < local_today()
                and self.status in PROMISABLE_STATUSES)

    @property
    def is_dealer_order(self) -> bool:
        return self.dealer_id is not None

    @property
    def for_label(self) -> str:
        """What it is for, in words: the job's number, the dealer's job, the dealer's stock, or
        the workshop (the list, the request's page, the export)."""
        if self.request_id:
            return self.request.number
        if self.dealer_job_id:
            return str(self.dealer_job)
        return str(_("Dealer's stock") if self.dealer_id else _("Workshop"))


class MaterialRequestLine(models.Model):
    material_request = models.ForeignKey(MaterialRequest, on_delete=models.CASCADE,
                                         related_name="lines",
                                         verbose_name=_("material request"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    picked_quantity = models.DecimalField(_("picked"), max_digits=14, decimal_places=3,
                                          null=True, blank=True)
    # what the line holds in its supplying place, not free to anything else, while its request
    # is approved (what was free of the quantity when it was approved) or picked (what was
    # picked); parts.selectors.reserved_quantity sums it
    reserved_quantity = models.DecimalField(_("reserved"), max_digits=14, decimal_places=3,
                                            null=True, blank=True)
    # what the dealer sent back of the line (OrderReturnLine rows, kept here under the order's
    # lock so that what it owes and may still send back are read without a query per line)
    returned_quantity = models.DecimalField(_("sent back"), max_digits=14, decimal_places=3,
                                            default=0)
    # a dealer's charged order: what it pays a unit (the cost on the price list on the order's
    # day, PT-1); empty on every other line (free, or a technician's or workshop's request)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2,
                                     null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("material request line")
        verbose_name_plural = _("material request lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="parts_mr_line_positive"),
            models.CheckConstraint(condition=Q(unit_price__isnull=True) | Q(unit_price__gte=0),
                                   name="parts_mr_line_price_not_negative"),
            models.CheckConstraint(condition=Q(returned_quantity__gte=0),
                                   name="parts_mr_line_returned_not_negative"),
            models.UniqueConstraint(fields=["material_request", "part"],
                                    name="parts_mr_line_one_per_part"),
        ]

    def __str__(self) -> str:
        return f"{self.part.code} × {self.quantity}"


class MaterialRequestPayment(AppendOnlyModel):
    """What a dealer paid for its parts order before it shipped (PT-1), and what was refunded
    when a paid order was cancelled or parts of it were sent back (a negative row). A ledger:
    never changed."""

    material_request = models.ForeignKey(MaterialRequest, on_delete=models.PROTECT,
                                         related_name="payments",
                                         verbose_name=_("material request"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("order payment")
        verbose_name_plural = _("order payments")
        constraints = [  # a payment is positive, a refund negative
            models.CheckConstraint(
                condition=(Q(amount__gt=0) & ~Q(method="refund"))
                | Q(amount__lt=0, method="refund"),
                name="parts_mr_payment_sign"),
        ]

    def __str__(self) -> str:
        return f"{self.material_request_id} {self.amount}"
