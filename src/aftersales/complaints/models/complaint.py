"""The complaint (客戶抱怨處理表) and its route: steps with deadlines, alerts, inquiries."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.choices import Role
from aftersales.accounts.models import is_headquarters
from aftersales.core.models import BaseModel
from aftersales.core.querysets import RestrictedQuerySet

from ..choices import (
    OPEN_STATUSES,
    AlertKind,
    Cause,
    Channel,
    Kind,
    Language,
    Market,
    OutcomeKind,
    ReplyChannel,
    Status,
    StepCode,
)

READERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, Role.ACCOUNTANT})


def complaint_rule(queryset, user, action, path="service_centre"):
    """Company staff at the desk see their centre's complaints (and those of no centre); the
    head office and its departments on the route see all; customers, dealers and technicians see none (the portal shows its own
    narrow view of a customer's complaint, never this)."""
    if is_headquarters(user):
        return queryset
    if user.role not in READERS:
        return queryset.none()
    if not user.service_centre_id:
        if user.complaint_departments.exists():  # the head office's departments on the route
            return queryset
        return queryset.filter(**{f"{path}__isnull": True})
    return queryset.filter(Q(**{f"{path}_id": user.service_centre_id})
                           | Q(**{f"{path}__isnull": True}))


class ComplaintQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Complaint(BaseModel):
    """One complaint from any channel, through the corrective-action route to its outcome."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    market = models.CharField(_("market"), max_length=10, choices=Market.choices,
                              default=Market.DOMESTIC)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.REGISTERED, db_index=True)
    service_centre = models.ForeignKey("accounts.ServiceCentre", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("service centre"))
    # who and what
    customer = models.ForeignKey("customers.Customer", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="complaints",
                                 verbose_name=_("customer"))
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    language = models.CharField(_("customer's language"), max_length=8, choices=Language.choices,
                                default=Language.ZH_HANS)
    reply_channel = models.CharField(_("tell the customer by"), max_length=8,
                                     choices=ReplyChannel.choices, default=ReplyChannel.SMS)
    product_model = models.ForeignKey("customers.ProductModel", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("product model"))
    installed_product = models.ForeignKey("customers.InstalledProduct", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("product"))
    request = models.ForeignKey("service.ServiceRequest", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="complaints",
                                verbose_name=_("service request"))
    follow_up_case = models.OneToOneField("feedback.FollowUpCase", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="handed_over_as",
                                          verbose_name=_("from follow-up case"))
    reopened_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="reopenings",
                                      verbose_name=_("reopens complaint"))
    staff_complained_about = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="complaints_about", verbose_name=_("staff member complained about"))
    # CP-3: the intake
    order_ref = models.CharField(_("order number"), max_length=40, blank=True)
    part_number = models.CharField(_("part number"), max_length=60, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, null=True,
                                   blank=True)
    delivered_on = models.DateField(_("delivery date"), null=True, blank=True)
    defective_quantity = models.DecimalField(_("defective quantity"), max_digits=12,
                                             decimal_places=2, null=True, blank=True)
    customer_request = models.TextField(_("what the customer asks"), blank=True)
    still_processing = models.BooleanField(
        _("customer still processing, not determined"), default=False)
    description = models.TextField(_("what is wrong"))
    claimed_amount = models.DecimalField(_("amount asked"), max_digits=12, decimal_places=2,
                                         null=True, blank=True)
    # the route
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=pgettext_lazy("complaint", "received by"))
    received_at = models.DateTimeField(pgettext_lazy("complaint", "received at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted by the GM office"), null=True, blank=True)
    case_due_at = models.DateTimeField(_("whole case due"), null=True, blank=True, db_index=True)
    joint_inspection = models.BooleanField(_("joint on-site inspection"), default=False)
    qa_report_due_at = models.DateTimeField(_("QA report due"), null=True, blank=True)
    qa_report_at = models.DateTimeField(_("QA reported at"), null=True, blank=True)
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices, blank=True)
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    supplier_involved = models.BooleanField(_("a supplier is involved"), default=False)
    supplier_name = models.CharField(_("supplier"), max_length=100, blank=True)
    # decision and outcome (CP-10, CP-11)
    proposed_outcome = models.CharField(_("proposed outcome"), max_length=12,
                                        choices=OutcomeKind.choices, blank=True)
    proposed_amount = models.DecimalField(_("proposed amount"), max_digits=12, decimal_places=2,
                                          null=True, blank=True)
    return_quantity = models.DecimalField(_("approved return quantity"), max_digits=12,
                                          decimal_places=2, null=True, blank=True)
    required_level = models.PositiveSmallIntegerField(_("approval level needed"), null=True,
                                                      blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=OutcomeKind.choices,
                               blank=True)
    outcome_amount = models.DecimalField(_("allowance"), max_digits=12, decimal_places=2,
                                         null=True, blank=True)
    returned_quantity = models.DecimalField(_("actually returned"), max_digits=12,
                                            decimal_places=2, null=True, blank=True)
    tolerance_ratio = models.DecimalField(_("over-quantity tolerance"), max_digits=4,
                                          decimal_places=3, null=True, blank=True)
    booked_quantity = models.DecimalField(_("booked return quantity"), max_digits=12,
                                          decimal_places=2, null=True, blank=True)
    credit_document = models.CharField(_("credit note"), max_length=40, blank=True)
    # the loss (internal form, CP-13): the A-grade price loss counts if resold within the window
    loss_actual = models.DecimalField(_("actual loss"), max_digits=12, decimal_places=2,
                                      null=True, blank=True)
    loss_resale = models.DecimalField(_("A-grade price loss on resale"), max_digits=12,
                                      decimal_places=2, null=True, blank=True)
    resold_on = models.DateField(_("resold on"), null=True, blank=True)
    customer_message = models.TextField(_("told to the customer"), blank=True)
    customer_told_at = models.DateTimeField(_("customer told at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_in_time = models.BooleanField(_("closed in time"), null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()
    restrict_rule = staticmethod(complaint_rule)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["service_centre", "status"]),
                   models.Index(fields=["closed_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                                   name="complaints_quantity_pos"),
            models.CheckConstraint(
                condition=Q(defective_quantity__isnull=True) | Q(defective_quantity__gte=0),
                name="complaints_defective_pos"),
            models.CheckConstraint(
                condition=Q(outcome_amount__isnull=True) | Q(outcome_amount__gte=0),
                name="complaints_outcome_amount_pos"),
            models.CheckConstraint(condition=~Q(reopened_from=models.F("id")),
                                   name="complaints_not_own_reopening"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def who(self) -> str:
        return self.customer.name if self.customer_id else self.contact_name

    def case_overdue(self, now=None) -> bool:
        moment = self.closed_at or now or timezone.now()
        return bool(self.case_due_at and moment > self.case_due_at)


class StepQuerySet(RestrictedQuerySet):
    def running(self):
        return self.filter(done_at__isnull=True)


class ComplaintStep(models.Model):
    """One step of the route with its department and deadline (CP-4, CP-9)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps",
                                  verbose_name=_("complaint"))
    code = models.CharField(_("step"), max_length=20, choices=StepCode.choices)
    department = models.ForeignKey("complaints.Department", on_delete=models.PROTECT,
                                   related_name="steps", verbose_name=_("department"))
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(pgettext_lazy("deadline", "due"), db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("done by"))
    opinion = models.TextField(_("opinion"), blank=True)

    objects = StepQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("route step")
        verbose_name_plural = _("route steps")
        constraints = [models.UniqueConstraint(fields=["complaint", "code"],
                                               name="complaints_step_once")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.code}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        return complaint_rule(queryset, user, action, path="complaint__service_centre")

    def late(self, now=None) -> bool:
        return (self.done_at or now or timezone.now()) > self.due_at


class StepAlert(models.Model):
    """A reminder or urge note that fired, once per step and kind (CP-7): the unique constraint
    makes a second worker's attempt a no-op."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="alerts")
    step = models.ForeignKey(ComplaintStep, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="alerts")
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    fired_at = models.DateTimeField(_("fired at"))

    class Meta:
        ordering = ["fired_at", "id"]
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        constraints = [
            models.UniqueConstraint(fields=["step", "kind"], condition=Q(step__isnull=False),
                                    name="complaints_alert_once_per_step"),
            models.UniqueConstraint(fields=["complaint", "kind"], condition=Q(step__isnull=True),
                                    name="complaints_alert_once_per_case"),
        ]


class Inquiry(models.Model):
    """洽辦單 (CP-7): after closing, the late department is asked why its step was late."""

    step = models.OneToOneField(ComplaintStep, on_delete=models.CASCADE, related_name="inquiry",
                                verbose_name=_("step"))
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="inquiries")
    department = models.ForeignKey("complaints.Department", on_delete=models.PROTECT,
                                   related_name="inquiries", verbose_name=_("department"))
    late_by_hours = models.DecimalField(_("late by (working hours)"), max_digits=8,
                                        decimal_places=2)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    answer = models.TextField(_("why it was late"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("inquiry about a late step")
        verbose_name_plural = _("inquiries about late steps")

    @staticmethod
    def restrict_rule(queryset, user, action):
        return complaint_rule(queryset, user, action, path="complaint__service_centre")
