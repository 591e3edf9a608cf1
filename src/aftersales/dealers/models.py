"""The dealer network (特约承销商, DL-1…DL-3): dealers, the regions they serve, their contracts
and local fees, their logins, the jobs they do, their monthly reports and HQ's audit sample."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel

from .choices import (
    OPEN_JOB_STATES,
    AuditOutcome,
    DealerState,
    JobKind,
    JobSource,
    JobState,
    ReportState,
)


def _staff_or_own(queryset, user, action, path: str):
    """Company staff see every dealer's records (only desk roles change them: the services
    check); a dealer's login sees its own dealer's."""
    if user.is_superuser or user.is_staff_role:
        return queryset
    link = getattr(user, "dealer_link", None)
    if link is None:
        return queryset.none()
    return queryset.filter(**{path: link.dealer_id})


class Region(BaseModel):
    """A sales region a dealer serves. A customer is in a region when his address names one of
    the region's places (``places``: district or town names, one a line or comma separated, e.g.
    浦东新区, 川沙)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    places = models.TextField(
        _("places"), help_text=_("District or town names that addresses in this region contain, "
                                 "one a line or separated by commas."))

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def keywords(self) -> list[str]:
        raw = self.places.replace("，", ",").replace("、", ",").replace("\n", ",")
        return [word.strip() for word in raw.split(",") if word.strip()]

    @staticmethod
    def restrict_rule(queryset, user, action):
        if user.is_superuser or user.is_staff_role:
            return queryset
        link = getattr(user, "dealer_link", None)
        return queryset.filter(dealers=link.dealer_id) if link else queryset.none()


class Dealer(BaseModel):
    """A dealer / service partner (特约承销商) that sells, installs and services in its region."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    service_centre = models.ForeignKey(
        "accounts.ServiceCentre", null=True, blank=True, on_delete=models.PROTECT,
        related_name="dealers", verbose_name=_("service centre"),
    )
    regions = models.ManyToManyField(Region, blank=True, related_name="dealers",
                                     verbose_name=_("regions served"))
    contact = models.CharField(_("contact person"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=DealerState.choices,
                             default=DealerState.ACTIVE)

    class Meta:
        ordering = ["code"]
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.state == DealerState.ACTIVE

    def region_q(self, path: str = "") -> Q:
        """Customers (at ``path``) whose address names a place of one of its regions."""
        prefix = f"{path}__" if path else ""
        query = Q(pk__in=[])
        for region in self.regions.all():
            for word in region.keywords():
                query |= Q(**{f"{prefix}address__contains": word})
        return query

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _staff_or_own(queryset, user, action, "pk")


class DealerContract(BaseModel):
    """The dealer's contract with the maker: period, terms and its local fee schedule (PT-1:
    dealers set their own local service fees)."""

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="contracts",
                               verbose_name=_("dealer"))
    number = models.CharField(_("contract number"), max_length=30, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    terms = models.TextField(_("terms"), blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("dealer contract")
        verbose_name_plural = _("dealer contracts")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="dealers_contract_period"),
        ]

    def __str__(self) -> str:
        return self.number

    def active_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _staff_or_own(queryset, user, action, "dealer_id")


class DealerFee(BaseModel):
    """One line of a dealer's local fee schedule (服务费收费标准, set by the dealer)."""

    contract = models.ForeignKey(DealerContract, on_delete=models.CASCADE, related_name="fees",
                                 verbose_name=_("contract"))
    item = models.CharField(_("service"), max_length=100)
    amount = models.DecimalField(_("fee"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["item"]
        verbose_name = _("local fee")
        verbose_name_plural = _("local fees")
        constraints = [
            models.UniqueConstraint(fields=["contract", "item"], name="dealers_fee_item_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="dealers_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.amount}"


class DealerUser(BaseModel):
    """A login of a dealer (role ``dealer``): it sees its own region's customers, the jobs
    handed to its dealer and its dealer's stock. Lower apps read it as ``user.dealer_link``."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="dealer_link", verbose_name=_("login"))
    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="logins",
                               verbose_name=_("dealer"))

    class Meta:
        verbose_name = _("dealer login")
        verbose_name_plural = _("dealer logins")

    def __str__(self) -> str:
        return f"{self.user} → {self.dealer}"

    def customer_ids(self):
        """The customers this login may see: its regions' and those of its dealer's jobs."""
        from aftersales.customers.models import Customer

        dealer = self.dealer
        return Customer.objects.filter(
            dealer.region_q() | Q(pk__in=DealerJob.objects.filter(dealer=dealer)
                                  .exclude(state=JobState.WITHDRAWN).values("customer_id"))
        ).values("pk")

    def request_ids(self):
        """The service requests handed to its dealer (and not taken back)."""
        return (DealerJob.objects.filter(dealer_id=self.dealer_id, request__isnull=False)
                .exclude(state=JobState.WITHDRAWN).values("request_id"))


class DealerJob(BaseModel):
    """A job the dealer does: a service request handed over by us (its clock runs from the
    hand-over, DS-4) or a call the dealer took itself and reports (DL-2)."""

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="jobs",
                               verbose_name=_("dealer"))
    request = models.ForeignKey("service.ServiceRequest", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="dealer_jobs",
                                verbose_name=_("service request"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="dealer_jobs", verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=10, choices=JobKind.choices,
                            default=JobKind.REPAIR)
    source = models.CharField(_("source"), max_length=10, choices=JobSource.choices,
                              default=JobSource.HANDED)
    state = models.CharField(_("state"), max_length=12, choices=JobState.choices,
                             default=JobState.HANDED_OVER)
    description = models.TextField(_("what is wrong"), blank=True)
    reference = models.CharField(_("dealer's reference"), max_length=60, blank=True)
    handed_at = models.DateTimeField(_("handed over at"))
    handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("handed over by"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    due_at = models.DateTimeField(_("to be solved by"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    fault_found = models.TextField(_("fault found"), blank=True)
    fault_cause = models.TextField(_("cause found"), blank=True)
    action_taken = models.TextField(_("action taken"), blank=True)
    confirmed_by = models.CharField(_("confirmed by (customer)"), max_length=100, blank=True)
    rating = models.PositiveSmallIntegerField(_("customer's rating (1–4)"), null=True, blank=True)
    installed_product = models.ForeignKey(
        "customers.InstalledProduct", null=True, blank=True, on_delete=models.PROTECT,
        related_name="dealer_jobs", verbose_name=_("product worked on"),
        help_text=_("A call the dealer took itself: the unit it worked on, whose warranty decides "
                    "whether the parts it fitted are free (a job handed over by us: its request's "
                    "product)."))

    class Meta:
        ordering = ["-handed_at", "-id"]
        verbose_name = _("dealer job")
        verbose_name_plural = _("dealer jobs")
        constraints = [
            models.UniqueConstraint(fields=["request"], condition=~Q(state=JobState.WITHDRAWN),
                                    name="dealers_one_open_hand_over"),
            models.UniqueConstraint(fields=["dealer", "reference"], condition=~Q(reference=""),
                                    name="dealers_reference_once"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=4),
                                   name="dealers_rating_range"),
        ]
        indexes = [models.Index(fields=["dealer", "state", "handed_at"])]

    def __str__(self) -> str:
        return self.request.number if self.request_id else f"{self.dealer.code}-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_JOB_STATES

    @property
    def on_time(self) -> bool | None:
        if self.completed_at is None or self.due_at is None:
            return None
        return self.completed_at <= self.due_at

    @staticmethod
    def restrict_rule(queryset, user, action):
        if not (user.is_superuser or user.is_staff_role):
            return _staff_or_own(queryset, user, action, "dealer_id").exclude(
                state=JobState.WITHDRAWN)
        if user.is_superuser or user.sees_all_centres or user.role == "accountant":
            return queryset
        if user.role in {"agent", "supervisor"}:
            return queryset.filter(dealer__service_centre_id=user.service_centre_id)
        return queryset.none()


class DealerJobPart(BaseModel):
    """A part the dealer fitted on a job, out of its own stock, priced from the price list at the
    time (PT-1): free in warranty — its faulty part is then owed back (PT-3) — else charged."""

    job = models.ForeignKey(DealerJob, on_delete=models.CASCADE, related_name="parts",
                            verbose_name=_("job"))
    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    charged = models.BooleanField(_("charged"), default=True)

    class Meta:
        ordering = ["job_id", "id"]
        verbose_name = _("part fitted by a dealer")
        verbose_name_plural = _("parts fitted by dealers")
        constraints = [
            models.UniqueConstraint(fields=["job", "part"], name="dealers_job_part_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="dealers_job_part_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.part.code} × {self.quantity}"

    @property
    def amount(self) -> Decimal:
        return (self.unit_price * self.quantity) if self.charged else Decimal("0.00")

    @staticmethod
    def restrict_rule(queryset, user, action):
        return queryset.filter(job__in=DealerJob.objects.restrict(user, action).values("pk"))


class MonthlyReport(BaseModel):
    """The dealer's report of last month's installations and repairs, due by the 3rd (DL-3, RP-4).
    One row per dealer and month, made by the daily task; the dealer fills it in."""

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="reports",
                               verbose_name=_("dealer"))
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    due_on = models.DateField(_("due on"))
    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices,
                             default=ReportState.DUE)
    installs = models.PositiveIntegerField(_("installations"), default=0)
    repairs = models.PositiveIntegerField(_("repairs"), default=0)
    follow_ups = models.PositiveIntegerField(_("follow-up calls"), default=0)
    training = models.PositiveIntegerField(_("people trained"), default=0)
    parts_replaced = models.PositiveIntegerField(_("parts replaced"), default=0)
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    overdue_noticed_at = models.DateTimeField(_("overdue noticed at"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "dealer__code"]
        verbose_name = _("dealer monthly report")
        verbose_name_plural = _("dealer monthly reports")
        constraints = [
            models.UniqueConstraint(fields=["dealer", "month"], name="dealers_report_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="dealers_report_month_start"),
        ]

    def __str__(self) -> str:
        return f"{self.dealer.code} {self.month:%Y-%m}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _staff_or_own(queryset, user, action, "dealer_id")


class AuditSample(BaseModel):
    """A dealer job drawn for HQ's call-back check (DL-3: the maker may audit a dealer)."""

    job = models.OneToOneField(DealerJob, on_delete=models.PROTECT, related_name="audit",
                               verbose_name=_("job"))
    month = models.DateField(_("month"))
    drawn_at = models.DateTimeField(_("drawn at"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=AuditOutcome.choices,
                               default=AuditOutcome.PENDING)
    note = models.CharField(_("note"), max_length=300, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("checked by"))

    class Meta:
        ordering = ["-month", "job_id"]
        verbose_name = _("audit sample")
        verbose_name_plural = _("audit samples")

    def __str__(self) -> str:
        return f"{self.job} {self.month:%Y-%m}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        return queryset if user.is_superuser or user.is_staff_role else queryset.none()


class DealerTraining(BaseModel):
    """Training the maker gives a dealer's people (DL-1: technical support, training, product
    information) — part of the dealer's archive (AR-5). Recorded by the service department."""

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="trainings",
                               verbose_name=_("dealer"))
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    trainer = models.CharField(_("given by"), max_length=100, blank=True)
    attendees = models.PositiveIntegerField(_("people trained"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("dealer training")
        verbose_name_plural = _("dealer trainings")
        constraints = [models.CheckConstraint(condition=Q(attendees__gt=0),
                                              name="dealers_training_attendees")]

    def __str__(self) -> str:
        return f"{self.dealer.code} {self.held_on:%Y-%m-%d} {self.topic}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _staff_or_own(queryset, user, action, "dealer_id")
