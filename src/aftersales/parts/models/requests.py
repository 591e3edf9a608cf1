"""Material requests (PT-2): a technician or a workshop asks for parts, the store picks and
ships them, the technician confirms receipt (docs/parts.md, "Material requests")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel

from .catalogue import Part
from .stock import Warehouse


class MaterialRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    WAITING_AGREEMENT = "waiting_agreement", _("Waiting for the customer's agreement")
    APPROVED = "approved", _("Approved")
    PICKED = "picked", _("Picked")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_MATERIAL_REQUEST_STATUSES = frozenset({
    MaterialRequestStatus.REQUESTED, MaterialRequestStatus.WAITING_AGREEMENT,
    MaterialRequestStatus.APPROVED, MaterialRequestStatus.PICKED})


def material_request_rule(queryset, user, action):
    """A technician sees the requests he made or that go to his van; a centre's agents and
    supervisors their centre's; the service department and administrators all."""
    if user.is_superuser or getattr(user, "sees_all_centres", False):
        return queryset
    role = getattr(user, "role", None)
    if role == "technician":
        return queryset.filter(Q(requested_by=user) | Q(destination__technician=user))
    if role in {"agent", "supervisor"} and user.service_centre_id:
        return queryset.filter(service_centre_id=user.service_centre_id)
    return queryset.none()


class MaterialRequest(BaseModel):
    """领料单: parts asked for a job (to the technician's van) or for a workshop (to the
    centre's store), from the centre's store or the central warehouse."""

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
    picked_at = models.DateTimeField(_("picked at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    restrict_rule = staticmethod(material_request_rule)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("material request")
        verbose_name_plural = _("material requests")
        indexes = [
            models.Index(fields=["service_centre", "status"], name="parts_mr_centre_status"),
            models.Index(fields=["request", "status"], name="parts_mr_job_status"),
            # what a place holds picked and not shipped yet (reserved): few rows at any time
            models.Index(fields=["source"], condition=Q(status="picked"),
                         name="parts_mr_picked_source"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["shipping_number"], name="parts_mr_shipping_once",
                                    condition=~Q(shipping_number="")),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def for_workshop(self) -> bool:
        return self.request_id is None


class MaterialRequestLine(models.Model):
    material_request = models.ForeignKey(MaterialRequest, on_delete=models.CASCADE,
                                         related_name="lines",
                                         verbose_name=_("material request"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    picked_quantity = models.DecimalField(_("picked"), max_digits=14, decimal_places=3,
                                          null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("material request line")
        verbose_name_plural = _("material request lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="parts_mr_line_positive"),
            models.UniqueConstraint(fields=["material_request", "part"],
                                    name="parts_mr_line_one_per_part"),
        ]

    def __str__(self) -> str:
        return f"{self.part.code} × {self.quantity}"
