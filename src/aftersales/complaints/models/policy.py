"""Departments, the route's step limits, approval authority and the penalty policy: all
admin-editable, with the seed's defaults (house style rule 11)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import defaults
from ..choices import DepartmentKind, StepCode


class Department(models.Model):
    """A responsible department (GM office, QA, manufacturing, R&D, sales, service …)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="units", verbose_name=_("part of"),
                               help_text=_("A manufacturing section's unit (a loss is charged to the "
                                           "smallest unit found)."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class DepartmentMember(models.Model):
    """A person of a department with his base points and monthly efficiency bonus (CP-13)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="members",
                                   verbose_name=_("department"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="complaint_departments", verbose_name=_("person"))
    base_points = models.DecimalField(_("base points"), max_digits=6, decimal_places=2,
                                      default=Decimal("1.00"),
                                      validators=[MinValueValidator(Decimal("0.01"))])
    monthly_bonus = models.DecimalField(_("monthly efficiency bonus"), max_digits=10,
                                        decimal_places=2, default=Decimal("0.00"),
                                        validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["department", "user"]
        verbose_name = _("department member")
        verbose_name_plural = _("department members")
        constraints = [
            models.UniqueConstraint(fields=["department", "user"], name="complaints_member_once"),
            models.CheckConstraint(condition=Q(base_points__gt=0), name="complaints_points_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.department}"


class RouteStep(models.Model):
    """CP-4: a step of the route, its department and its limit in working days."""

    code = models.CharField(_("step"), max_length=20, choices=StepCode.choices, unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"))
    days_domestic = models.DecimalField(_("working days (domestic)"), max_digits=5,
                                        decimal_places=2,
                                        validators=[MinValueValidator(Decimal("0.25"))])
    days_foreign = models.DecimalField(_("working days (foreign)"), max_digits=5,
                                       decimal_places=2,
                                       validators=[MinValueValidator(Decimal("0.25"))])

    class Meta:
        verbose_name = _("route step")
        verbose_name_plural = _("route steps")

    def __str__(self) -> str:
        return self.get_code_display()


class ApprovalAuthority(models.Model):
    """核決許可權: who may approve a settlement up to which amount (CP-4, CP-9)."""

    level = models.PositiveSmallIntegerField(_("level"), unique=True)
    name = models.CharField(_("approver"), max_length=100)
    max_amount = models.DecimalField(_("up to amount"), max_digits=12, decimal_places=2,
                                     null=True, blank=True,
                                     help_text=_("Empty: no limit (the general manager)."))
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                   verbose_name=_("people with this authority"))

    class Meta:
        ordering = ["level"]
        verbose_name = _("approval authority")
        verbose_name_plural = _("approval authorities")

    def __str__(self) -> str:
        return self.name

    def covers(self, amount: Decimal) -> bool:
        return self.max_amount is None or amount <= self.max_amount


class ComplaintPolicy(models.Model):
    """The complaint and penalty policy: one row, edited in the admin."""

    domestic_case_days = models.PositiveSmallIntegerField(
        _("whole case, domestic (working days)"), default=defaults.DOMESTIC_CASE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)])
    foreign_case_days = models.PositiveSmallIntegerField(
        _("whole case, foreign (working days)"), default=defaults.FOREIGN_CASE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)])
    qa_report_days = models.PositiveSmallIntegerField(
        _("QA report within (working days)"), default=defaults.QA_REPORT_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(30)])
    reminder_before_hours = models.DecimalField(
        _("reminder before a deadline (working hours)"), max_digits=5, decimal_places=2,
        default=defaults.REMINDER_BEFORE_HOURS, validators=[MinValueValidator(Decimal("0.25"))])
    warning_amount = models.DecimalField(_("a warning costs"), max_digits=10, decimal_places=2,
                                         default=defaults.WARNING_AMOUNT,
                                         validators=[MinValueValidator(Decimal("0"))])
    minor_per_base = models.DecimalField(_("a minor demerit costs per base point"),
                                         max_digits=10, decimal_places=2,
                                         default=defaults.MINOR_PER_BASE,
                                         validators=[MinValueValidator(Decimal("0"))])
    cap_ratio = models.DecimalField(
        _("deduction cap (share of the month's efficiency bonus)"), max_digits=4,
        decimal_places=2, default=defaults.CAP_RATIO,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))])
    resale_window_days = models.PositiveSmallIntegerField(
        _("resold within (days): the A-grade price loss counts"),
        default=defaults.RESALE_WINDOW_DAYS)
    tolerance_ratio = models.DecimalField(
        _("over-quantity tolerance when the order states none"), max_digits=4, decimal_places=3,
        default=defaults.TOLERANCE_RATIO,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("complaint and penalty policy")
        verbose_name_plural = _("complaint and penalty policy")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="complaints_policy_one")]

    def __str__(self) -> str:
        return str(_("Complaint and penalty policy"))

    @classmethod
    def load(cls) -> "ComplaintPolicy":
        row, _created = cls.objects.get_or_create(pk=1)
        return row
