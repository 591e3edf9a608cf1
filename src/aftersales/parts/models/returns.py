"""Replaced parts come back (PT-3): a warranty part fitted on a job obliges whoever fitted it — a
technician, or a dealer on its own job — to send the faulty part back to one receiving point by a
due date; not sent by then, it counts as kept and is charged (docs/parts.md, "Return
obligations")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import BaseModel

from .catalogue import Part
from .stock import Warehouse, own_dealer_only


class ReturnStatus(models.TextChoices):
    OPEN = "open", _("To be sent back")
    SENT = "sent", _("Sent back")
    RECEIVED = "received", _("Received")
    KEPT = "kept", _("Kept (charged)")
    CANCELLED = "cancelled", _("Cancelled")


def return_obligation_rule(queryset, user, action):
    """A technician sees what he owes; a dealer's login what its dealer owes; a centre's agents,
    supervisors and accountants their centre's; the service department, administrators and the
    head office's accountants (payroll deducts what technicians kept) all."""
    if user.is_superuser or getattr(user, "sees_all_centres", False):
        return queryset
    role = getattr(user, "role", None)
    if role == "technician":
        return queryset.filter(owed_by=user)
    if role == "accountant" and not user.service_centre_id:
        return queryset
    if role in {"agent", "supervisor", "accountant"} and user.service_centre_id:
        return queryset.filter(service_centre_id=user.service_centre_id)
    if role == "dealer":  # its dealer's
        return own_dealer_only(queryset, user)
    return queryset.none()


class ReturnObligation(BaseModel):
    """旧件返还: the faulty part replaced by a free (warranty) part is owed back. A technician's
    comes from a usage line of a request (``usage``); a dealer's from a line of its job
    (``dealer_job_part``), with the request when we handed the job over, none for its own call."""

    usage = models.ForeignKey(
        "service.PartUsage", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="return_obligations", verbose_name=_("part used"))
    dealer_job_part = models.ForeignKey(
        "dealers.DealerJobPart", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="return_obligations", verbose_name=_("part fitted by a dealer"))
    request = models.ForeignKey(
        "service.ServiceRequest", null=True, blank=True, on_delete=models.PROTECT,
        related_name="return_obligations", verbose_name=_("service request"))
    service_centre = models.ForeignKey(
        "accounts.ServiceCentre", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("service centre"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    new_serial = models.CharField(_("new part's serial"), max_length=60, blank=True)
    faulty_serial = models.CharField(_("faulty part's serial"), max_length=60, blank=True)
    owed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("owed by"))
    dealer = models.ForeignKey("dealers.Dealer", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("owed by dealer"))
    due_on = models.DateField(_("due on"))
    receiving_point = models.ForeignKey(Warehouse, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("receiving point"))
    status = models.CharField(_("status"), max_length=10, choices=ReturnStatus.choices,
                              default=ReturnStatus.OPEN)
    sent_at = models.DateTimeField(pgettext_lazy("return", "sent at"), null=True, blank=True)
    tracking = models.CharField(_("waybill"), max_length=60, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("received by"))
    kept_at = models.DateTimeField(_("counted as kept at"), null=True, blank=True)
    charge_amount = models.DecimalField(_("charge"), max_digits=10, decimal_places=2, null=True,
                                        blank=True)

    restrict_rule = staticmethod(return_obligation_rule)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("return obligation")
        verbose_name_plural = _("return obligations")
        indexes = [
            models.Index(fields=["status", "due_on"], name="parts_return_status_due"),
            models.Index(fields=["owed_by", "status"], name="parts_return_owed_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["usage"], name="parts_return_one_per_usage",
                                    condition=Q(usage__isnull=False)),
            models.UniqueConstraint(fields=["dealer_job_part"],
                                    name="parts_return_one_per_dealer_part",
                                    condition=Q(dealer_job_part__isnull=False)),
            # only a dealer's own call has no request
            models.CheckConstraint(condition=Q(request__isnull=False) | Q(dealer__isnull=False),
                                   name="parts_return_request_or_dealer"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="parts_return_quantity"),
            models.CheckConstraint(
                condition=~Q(status=ReturnStatus.KEPT) | Q(charge_amount__isnull=False),
                name="parts_return_kept_is_charged"),
        ]

    def __str__(self) -> str:
        return f"{self.part.code} × {self.quantity} ({self.get_status_display()})"

    @property
    def job_label(self) -> str:
        """The job the part was fitted on: its request's number, or — a dealer's own call —
        the dealer's reference for it ("" if it gave none)."""
        if self.request_id:
            return self.request.number
        line = self.dealer_job_part
        return line.job.reference if line is not None else ""
