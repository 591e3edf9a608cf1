from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.choices import DESK_ROLES, RegionKind, Role
from aftersales.core.dates import add_months, local_today
from aftersales.core.models import BaseModel
from aftersales.core.validators import phone_display

from .choices import (
    ContractState,
    CustomerKind,
    FaultCause,
    LostReason,
    Phase,
    RenewalOutcome,
    contract_default_excluded,
)


def renewal_due_on(ends_on: date) -> date:
    """AR-6: the renewal notice goes one calendar month before the contract ends."""
    return add_months(ends_on, -1)


def _customer_rule(queryset, user, action, path: str = ""):
    """Desk staff see every customer (any caller may reach any hotline); a technician the
    customers of his jobs; a customer himself."""
    prefix = f"{path}__" if path else ""
    if user.is_superuser or user.role in DESK_ROLES:
        return queryset
    if user.role == Role.TECHNICIAN:
        return queryset.filter(**{f"{prefix}pk__in": _technician_customer_ids(user)})
    if user.role == Role.CUSTOMER:
        return queryset.filter(**{f"{prefix}user": user})
    if user.role == Role.DEALER:  # its region's customers (dealers.DealerUser, a reverse relation)
        link = getattr(user, "dealer_link", None)
        return queryset.filter(**{f"{prefix}pk__in": link.customer_ids()}) if link else queryset.none()
    return queryset.none()


def _technician_customer_ids(user):
    """The customers of the requests assigned to him (through the requests' reverse relation:
    customers know no app above them)."""
    return Customer.objects.filter(requests__assigned_technician=user).values("pk")


class Customer(BaseModel):
    """A customer (客户/业主): a person or company that owns products (AR-1)."""

    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, db_index=True,
                             help_text=_("Mainland China numbers need no country code."))
    phone_alt = models.CharField(_("other phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200)
    region_kind = models.CharField(_("region"), max_length=10, choices=RegionKind.choices,
                                   default=RegionKind.URBAN)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              help_text=_("Where the address is, for route planning."))
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CustomerKind.choices,
                            default=CustomerKind.INDIVIDUAL)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    # empty: the sender's default (selectors.message_language); a database default too, for
    # the rows bulk-inserted by SQL (bench)
    language = models.CharField(
        _("language of messages"), max_length=10, choices=settings.LANGUAGES, blank=True,
        default="", db_default="", help_text=_("Empty: the company's default language."))
    referred_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="referrals", verbose_name=_("referred by"))
    service_centre = models.ForeignKey(
        "accounts.ServiceCentre", null=True, blank=True, on_delete=models.PROTECT,
        related_name="customers", verbose_name=_("service centre"),
    )
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="customer",
                                verbose_name=_("portal login"))

    class Meta:
        ordering = ["name", "id"]
        indexes = [  # prefix search (LIKE 'x%') on PostgreSQL under any collation; the ids
            # in the index, so a search's customer ids are read from it alone (bench/lists)
            models.Index(fields=["name"], name="customer_name_prefix",
                         opclasses=["varchar_pattern_ops"], include=["id"]),
        ]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone)

    restrict_rule = staticmethod(_customer_rule)


class ProductModel(BaseModel):
    """A product model in the catalogue; its warranty length applies to every unit (AR-2)."""

    code = models.CharField(_("model code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.SlugField(_("category"), max_length=40,
                                help_text=_("A short code of your choice, e.g. water_heater."))
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=12)
    service_fee = models.DecimalField(
        _("standard service fee"), max_digits=10, decimal_places=2, default=Decimal("0.00"),
        help_text=_("Rough charge quoted for out-of-warranty work."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("product model")
        verbose_name_plural = _("product models")
        constraints = [
            models.CheckConstraint(condition=Q(service_fee__gte=0), name="customers_fee_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        if action == "view":
            return queryset
        return queryset if user.is_superuser or user.role in {Role.ADMIN, Role.MANAGER} else queryset.none()


class InstalledProduct(BaseModel):
    """One unit a customer owns (AR-2). Its warranty end is fixed when it is registered, and
    starts again when a 三包 replacement gives the customer a new unit (``replaced_on``)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="products",
                                 verbose_name=_("customer"))
    model = models.ForeignKey(ProductModel, on_delete=models.PROTECT, related_name="units",
                              verbose_name=_("model"))
    serial = models.CharField(_("serial number"), max_length=60)
    purchased_on = models.DateField(_("purchased on"))
    installed_on = models.DateField(_("installed on"), null=True, blank=True,
                                    help_text=_("Set when installation is accepted."))
    warranty_ends_on = models.DateField(_("warranty ends on"), editable=False)
    replaced_on = models.DateField(
        _("replaced on"), null=True, blank=True, editable=False,
        help_text=_("A 三包 replacement: the new unit's warranty counts from this day."))
    dealer = models.ForeignKey("dealers.Dealer", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="sold_units", verbose_name=_("selling dealer"))
    address = models.CharField(_("installation address"), max_length=200, blank=True)
    region_kind = models.CharField(
        _("installation region"), max_length=10, choices=RegionKind.choices, blank=True,
        help_text=_("Urban or suburban where the product is installed; empty: as the "
                    "customer's address."))

    class Meta:
        ordering = ["-purchased_on", "id"]
        indexes = [models.Index(fields=["serial"], name="installed_serial")]
        verbose_name = _("installed product")
        verbose_name_plural = _("installed products")
        constraints = [
            models.UniqueConstraint(fields=["model", "serial"], name="customers_serial_per_model"),
            models.CheckConstraint(
                condition=Q(installed_on__isnull=True) | Q(installed_on__gte=F("purchased_on")),
                name="customers_installed_after_purchase",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model.code} #{self.serial}"

    @property
    def warranty_from(self) -> date:
        """The day the unit's warranty counts from: its purchase, or its 三包 replacement."""
        return self.replaced_on or self.purchased_on

    def covers(self, day: date) -> bool:
        """Warranty covers ``day`` (inclusive of both ends)."""
        return self.purchased_on <= day <= self.warranty_ends_on

    def phase_on(self, day: date) -> str:
        if self.installed_on is None:
            return Phase.UNBOXING
        return Phase.IN_WARRANTY if day <= self.warranty_ends_on else Phase.OUT_OF_WARRANTY

    @property
    def phase(self) -> str:
        return self.phase_on(local_today())

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _customer_rule(queryset, user, action, path="customer")


class MaintenanceContract(BaseModel):
    """A maintenance contract (保养合同, AR-6) covering some of a customer's products."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="contracts",
                                 verbose_name=_("customer"))
    products = models.ManyToManyField(InstalledProduct, related_name="contracts",
                                      verbose_name=_("products covered"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    fee = models.DecimalField(_("fee"), max_digits=10, decimal_places=2)
    excluded_causes = models.JSONField(
        _("causes not covered"), default=contract_default_excluded, blank=True,
        help_text=_("Work with these causes is charged per job even while the contract runs."))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="contracts_responsible", verbose_name=_("responsible person"),
        help_text=_("Looks after the customer and the renewal."))
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_contract",
        verbose_name=_("renews contract"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("maintenance contract")
        verbose_name_plural = _("maintenance contracts")
        indexes = [models.Index(fields=["ends_on"], name="customers_contract_ends")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="customers_contract_period"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="customers_contract_fee"),
        ]

    def __str__(self) -> str:
        return self.number

    def active_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def excludes(self, cause: str) -> bool:
        return cause_excluded(self.excluded_causes, cause)

    def state_on(self, day: date) -> str:
        """Not started, active, expiring (its renewal month has begun) or expired."""
        if day < self.starts_on:
            return ContractState.UPCOMING
        if day > self.ends_on:
            return ContractState.EXPIRED
        return ContractState.EXPIRING if day >= renewal_due_on(self.ends_on) else ContractState.ACTIVE

    @property
    def state(self) -> str:
        return self.state_on(local_today())

    def excluded_labels(self) -> list[str]:
        labels = dict(FaultCause.choices)
        return [str(labels.get(c, c)) for c in self.excluded_causes or ()]

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _customer_rule(queryset, user, action, path="customer")


class ContractRenewal(BaseModel):
    """The renewal of one contract (AR-6, seed 000 §(二十)): the notice sent to the customer one
    month before the end, the task of the responsible person, and its outcome. One per contract
    (a unique constraint: the daily sweep sends the notice exactly once, however often it runs)."""

    contract = models.OneToOneField(MaintenanceContract, on_delete=models.PROTECT,
                                    related_name="renewal", verbose_name=_("contract"))
    due_on = models.DateField(pgettext_lazy("reminder", "due on"), db_index=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="contract_renewals", verbose_name=_("responsible person"))
    notified_at = models.DateTimeField(_("notice sent at"), null=True, blank=True)
    notified_to = models.CharField(_("notice sent to"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=RenewalOutcome.choices,
                               default=RenewalOutcome.OPEN, db_index=True)
    lost_reason = models.CharField(_("reason lost"), max_length=20, choices=LostReason.choices,
                                   blank=True)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("contract renewal")
        verbose_name_plural = _("contract renewals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="lost") | ~Q(lost_reason=""), name="customers_renewal_lost_why"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} → {self.get_outcome_display()}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _customer_rule(queryset, user, action, path="contract__customer")


def cause_excluded(excluded_causes, cause: str) -> bool:
    """Whether a contract's excluded causes leave ``cause`` out (chargeable per job, AR-6)."""
    return bool(cause) and cause in (excluded_causes or ())
