"""Installation checklists (WK-5, WK-6) and preventive maintenance (PM-1, PM-2)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.choices import Role
from aftersales.core.models import BaseModel
from aftersales.customers.models import _customer_rule

from .choices import Basis, MeterUnit, ReadingSource

PLAN_EDITORS = frozenset({Role.ADMIN, Role.MANAGER, Role.SUPERVISOR})


def _staff_view_rule(queryset, user, action):
    if user.is_superuser or (action == "view" and user.is_staff_role):
        return queryset
    return queryset if user.role in PLAN_EDITORS else queryset.none()


class ChecklistItem(BaseModel):
    """One line of the installation checklist (site left clean, product tagged, a commissioning
    reading …), for one product category or for all (category left empty); admin-editable."""

    category = models.SlugField(_("product category"), max_length=40, blank=True,
                                help_text=_("Empty: every category."))
    label = models.CharField(_("item"), max_length=120)
    needs_value = models.BooleanField(
        _("needs a reading"), default=False,
        help_text=_("The technician writes down a value (a commissioning reading)."))
    position = models.PositiveSmallIntegerField(_("position"), default=10)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "position", "id"]
        verbose_name = _("installation checklist item")
        verbose_name_plural = _("installation checklist items")

    def __str__(self) -> str:
        return self.label

    restrict_rule = staticmethod(_staff_view_rule)


def _job_rule(queryset, user, action, path: str = "request"):
    """As the job's own rule (service.request_rule): centre, technician, customer."""
    if user.is_superuser or getattr(user, "sees_all_centres", False):
        return queryset
    if user.role in {Role.AGENT, Role.SUPERVISOR}:
        return (queryset.filter(**{f"{path}__service_centre_id": user.service_centre_id})
                if user.service_centre_id else queryset.none())
    if user.role == Role.TECHNICIAN:
        return queryset.filter(**{f"{path}__assigned_technician": user})
    if user.role == Role.CUSTOMER:
        return queryset.filter(**{f"{path}__customer__user": user})
    return queryset.none()


class ChecklistAnswer(BaseModel):
    """A checklist item ticked on an installation job."""

    request = models.ForeignKey("service.ServiceRequest", on_delete=models.CASCADE,
                                related_name="checklist_answers",
                                verbose_name=_("service request"))
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers",
                             verbose_name=_("item"))
    done = models.BooleanField(_("done"), default=False)
    value = models.CharField(_("reading"), max_length=60, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("answered by"))

    class Meta:
        ordering = ["item__position", "id"]
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        constraints = [models.UniqueConstraint(fields=["request", "item"],
                                               name="maintenance_answer_once")]

    restrict_rule = staticmethod(_job_rule)


class MaintenancePlan(BaseModel):
    """Preventive maintenance of a product model (PM-1): a level with its items, every N months
    from installation or every N hours/km on the meter; visits are generated ahead of time."""

    product_model = models.ForeignKey("customers.ProductModel", on_delete=models.PROTECT,
                                      related_name="maintenance_plans",
                                      verbose_name=_("product model"))
    name = models.CharField(_("name"), max_length=80,
                            help_text=_("The maintenance level, e.g. yearly service."))
    basis = models.CharField(pgettext_lazy("plan basis", "by"), max_length=10, choices=Basis.choices, default=Basis.TIME)
    interval_months = models.PositiveSmallIntegerField(_("every (months)"), null=True, blank=True)
    interval_meter = models.PositiveIntegerField(_("every (on the meter)"), null=True, blank=True)
    meter_unit = models.CharField(_("meter unit"), max_length=10, choices=MeterUnit.choices,
                                  blank=True)
    lead_meter = models.PositiveIntegerField(
        _("generate ahead (on the meter)"), default=0,
        help_text=_("A meter visit is generated this much before the mark is reached."))
    items = models.TextField(_("maintenance items"), blank=True,
                             help_text=_("What is done, one item a line; printed on the certificate."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["product_model__code", "name"]
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        constraints = [
            models.UniqueConstraint(fields=["product_model", "name"],
                                    name="maintenance_plan_name_per_model"),
            models.CheckConstraint(
                condition=(Q(basis=Basis.TIME, interval_months__gt=0)
                           | Q(basis=Basis.METER, interval_meter__gt=0)),
                name="maintenance_plan_interval"),
        ]

    def __str__(self) -> str:
        return f"{self.product_model.code} · {self.name}"

    @property
    def interval_display(self) -> str:
        if self.basis == Basis.TIME:
            return _("every %(n)s months") % {"n": self.interval_months}
        return _("every %(n)s %(unit)s") % {"n": self.interval_meter,
                                             "unit": self.get_meter_unit_display()}

    restrict_rule = staticmethod(_staff_view_rule)


class MeterReading(BaseModel):
    """Operating hours or kilometres read off a product (by a technician or the customer)."""

    installed_product = models.ForeignKey("customers.InstalledProduct", on_delete=models.PROTECT,
                                          related_name="meter_readings",
                                          verbose_name=_("product"))
    value = models.PositiveIntegerField(_("reading"))
    read_on = models.DateField(_("read on"))
    source = models.CharField(_("read by"), max_length=12, choices=ReadingSource.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        ordering = ["-read_on", "-id"]
        indexes = [models.Index(fields=["installed_product", "-read_on"])]
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _customer_rule(queryset, user, action, path="installed_product__customer")


class MaintenanceVisit(BaseModel):
    """A due preventive maintenance of one product (PM-1): generated ahead of time as a service
    request of kind maintenance, once per product and due date (the unique constraint)."""

    plan = models.ForeignKey(MaintenancePlan, on_delete=models.PROTECT, related_name="visits",
                             verbose_name=_("plan"))
    installed_product = models.ForeignKey("customers.InstalledProduct", on_delete=models.PROTECT,
                                          related_name="maintenance_visits",
                                          verbose_name=_("product"), db_index=False)
    due_on = models.DateField(_("due on"))
    due_meter = models.PositiveIntegerField(_("due at meter"), null=True, blank=True)
    # null only inside the generating transaction (its request is inserted right after)
    request = models.OneToOneField("service.ServiceRequest", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="maintenance_visit",
                                   verbose_name=_("service request"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    meter_at_service = models.PositiveIntegerField(_("meter at service"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("maintenance visit")
        verbose_name_plural = _("maintenance visits")
        indexes = [
            models.Index(fields=["due_on"]),
            models.Index(fields=["id"], condition=Q(request__isnull=True),
                         name="maintenance_visit_unlinked"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["installed_product", "due_on"],
                                    name="maintenance_visit_once_per_due_date"),
            models.UniqueConstraint(fields=["plan", "installed_product", "due_meter"],
                                    condition=Q(due_meter__isnull=False),
                                    name="maintenance_visit_once_per_meter_mark"),
        ]

    def __str__(self) -> str:
        return f"{self.installed_product_id} @ {self.due_on}"

    restrict_rule = staticmethod(_job_rule)
