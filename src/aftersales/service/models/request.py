from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import COMPANY_WIDE_ROLES, Role
from aftersales.core.models import BaseModel
from aftersales.core.querysets import RestrictedQuerySet

from ..choices import OPEN_STATUSES, Category, Cause, Channel, Kind, Status, Urgency


class ServiceRequestQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def for_centre(self, centre):
        return self.filter(service_centre=centre)

    def awaiting_dispatch(self):
        return self.filter(status=Status.REGISTERED)


def request_rule(queryset, user, action):
    """Each service centre sees its own work; a technician his jobs; a customer his own."""
    if user.is_superuser or user.role in COMPANY_WIDE_ROLES:
        return queryset
    if user.role in {Role.AGENT, Role.SUPERVISOR}:
        return queryset.filter(service_centre_id=user.service_centre_id) if user.service_centre_id else queryset.none()
    if user.role == Role.TECHNICIAN:
        return queryset.filter(assigned_technician=user)
    if user.role == Role.CUSTOMER:
        return queryset.filter(customer__user=user)
    if user.role == Role.DEALER:  # the jobs handed to its dealer (dealers.DealerUser, reverse)
        link = getattr(user, "dealer_link", None)
        return queryset.filter(pk__in=link.request_ids()) if link else queryset.none()
    return queryset.none()


class ServiceRequest(BaseModel):
    """A customer's call for service (叫修, SR-1) and the job it becomes, until it is closed."""

    # unique; on PostgreSQL Django adds its varchar_pattern_ops twin, which serves prefix search
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    # Every index costs each registration (bench/intake): these foreign keys lead a composite
    # index (Meta.indexes), which serves their lookups, so they have no index of their own.
    service_centre = models.ForeignKey("accounts.ServiceCentre", on_delete=models.PROTECT,
                                       related_name="requests", verbose_name=_("service centre"),
                                       db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="requests", verbose_name=_("customer"),
                                 db_index=False)
    installed_product = models.ForeignKey(
        "customers.InstalledProduct", null=True, blank=True, on_delete=models.PROTECT,
        related_name="requests", verbose_name=_("product"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices,
                               default=Channel.PHONE)
    description = models.TextField(_("what is wrong"))
    # db_default: rows written by raw SQL (bulk generators, benches) are repairs too
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.REPAIR,
                            db_default=Kind.REPAIR)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    internal = models.BooleanField(_("internal work"), default=False)
    # DS-6 先抢修后补单: a technician was sent on an emergency before this request — its paperwork
    # — was made; why it could not wait. Empty for every other request (and raw SQL's rows).
    repaired_first = models.CharField(_("repaired before its paperwork, because"), max_length=300,
                                      blank=True, default="", db_default="")
    cause = models.CharField(_("cause"), max_length=30, choices=Cause.choices, blank=True)

    # SR-3 / SR-2 / SR-4: derived at registration and whenever the cause changes.
    in_warranty = models.BooleanField(_("in warranty"), default=False)
    chargeable = models.BooleanField(_("chargeable"), default=True)
    category = models.CharField(_("category"), max_length=1, choices=Category.choices)
    estimated_charge = models.DecimalField(_("rough charge"), max_digits=10, decimal_places=2,
                                           default=Decimal("0.00"))
    customer_agreed_at = models.DateTimeField(_("customer agreed at"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.REGISTERED)  # indexed with reported_at (Meta)
    assigned_technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="assigned_requests", verbose_name=_("technician"), db_index=False,
    )
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    arrive_by = models.DateTimeField(_("arrive by"), null=True, blank=True)
    # A planned visit (preventive maintenance) is due on a day ahead: day plans leave it until then.
    planned_for = models.DateField(_("planned for"), null=True, blank=True)

    # AR-4: fault description → cause → action.
    fault_found = models.TextField(_("fault found"), blank=True)
    fault_cause = models.TextField(_("cause found"), blank=True)
    action_taken = models.TextField(_("action taken"), blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("registered by"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ServiceRequestQuerySet.as_manager()
    restrict_rule = staticmethod(request_rule)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            models.Index(fields=["service_centre", "status", "reported_at"]),
            models.Index(fields=["status", "-reported_at"]),
            models.Index(fields=["assigned_technician", "status"]),
            # status and centre in the customer's index: a search's customer branch
            # (filtersets.filter_q) carries the status filter into the index instead of ANDing
            # the centre's whole status slice into its bitmap, and an agent's count of the
            # matches is an index-only scan (bench/lists at 10 M: 52,099 closed requests of
            # "王晓…" customers, 2.9 s counted through the heap)
            models.Index(fields=["customer", "status", "service_centre", "-reported_at"]),
            models.Index(fields=["completed_at"]),  # reports (bench/reports)
            models.Index(fields=["closed_at"]),
            # the few repaired before their paperwork (DS-6), for the supervisor's review
            models.Index(fields=["-reported_at"], condition=~models.Q(repaired_first=""),
                         name="service_request_repaired_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(internal=False) | Q(category=Category.D), name="service_internal_is_d"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def work_recorded(self) -> bool:
        return bool(self.fault_found.strip() and self.fault_cause.strip() and self.action_taken.strip())
