"""The internal form (CP-9): responsibility, penalties, internal notes — never shown to the
customer, never in the portal, never to another centre — and the monthly statistics."""

from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.core.querysets import RestrictedQuerySet

from ..choices import Grade, PenaltyKind, StrikeConsequence
from .complaint import is_headquarters

INTERNAL_ROLES = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ACCOUNTANT})


def internal_reader(user) -> bool:
    """May ``user`` read internal forms at all: the head office, its finance (accountants
    without a centre: they book outcomes and deduct penalties, CP-11, CP-13); the supervisors,
    managers and accountants of a centre (their centre's); head-office department members
    without a centre."""
    return bool(is_headquarters(user)
                or (user.role in INTERNAL_ROLES and user.service_centre_id)
                or (user.role == Role.ACCOUNTANT and not user.service_centre_id)
                or (user.role in INTERNAL_ROLES | {Role.AGENT} and not user.service_centre_id
                    and user.complaint_departments.exists()))


def internal_rule(queryset, user, action, path="complaint__service_centre"):
    """The internal form: the head office and its finance, and the supervisors, managers and
    accountants of the complaint's own centre (not its agents: CP-9, sales may not show it to the
    customer); head-office department members (no centre) too. Nobody else, whatever the
    action."""
    if not internal_reader(user):
        return queryset.none()
    if user.service_centre_id and not is_headquarters(user):
        return queryset.filter(**{f"{path}_id": user.service_centre_id})
    return queryset


def internal_visible(user, complaint) -> bool:
    """May ``user`` see the internal form of ``complaint``? The same rule as the querysets."""
    from .complaint import Complaint

    return internal_rule(Complaint.objects.filter(pk=complaint.pk), user, "view",
                         path="service_centre").exists()


class InternalQuerySet(RestrictedQuerySet):
    pass


class InternalNote(models.Model):
    """An internal note on a complaint (the internal form's free text)."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE,
                                  related_name="internal_notes")
    text = models.TextField(_("internal note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("written by"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = InternalQuerySet.as_manager()
    restrict_rule = staticmethod(internal_rule)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")


class Responsibility(models.Model):
    """CP-12: a share of the responsibility, to a department (or its unit) or a person in it."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE,
                                  related_name="responsibilities")
    department = models.ForeignKey("complaints.Department", on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("department"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("person"))
    ratio = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("administrative penalty"), max_length=10, choices=Grade.choices,
                             default=Grade.NONE)
    minor_count = models.PositiveSmallIntegerField(_("minor demerits"), default=1)

    objects = InternalQuerySet.as_manager()
    restrict_rule = staticmethod(internal_rule)

    class Meta:
        ordering = ["-ratio", "id"]
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.CheckConstraint(condition=Q(ratio__gt=0) & Q(ratio__lte=100),
                                   name="complaints_ratio_range"),
            models.CheckConstraint(condition=Q(person__isnull=False) | Q(grade="none"),
                                   name="complaints_grade_needs_person"),
        ]


class Penalty(models.Model):
    """One deduction from one person for one complaint (CP-13), booked when the case closes.
    Never edited; paid in monthly instalments under the cap."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT,
                                  related_name="penalties")
    responsibility = models.ForeignKey(Responsibility, on_delete=models.PROTECT,
                                       related_name="penalties")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="complaint_penalties", verbose_name=_("person"))
    department = models.ForeignKey("complaints.Department", on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("department"))
    kind = models.CharField(_("kind"), max_length=10, choices=PenaltyKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    basis = models.CharField(_("how it was computed"), max_length=300, blank=True)
    month = models.DateField(_("month"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InternalQuerySet.as_manager()
    restrict_rule = staticmethod(internal_rule)

    class Meta:
        ordering = ["person", "id"]
        verbose_name = _("penalty")
        verbose_name_plural = _("penalties")
        constraints = [
            models.UniqueConstraint(fields=["responsibility", "person", "kind"],
                                    name="complaints_penalty_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="complaints_penalty_pos"),
        ]


class PenaltyInstalment(models.Model):
    """The part of an economic penalty deducted in one month (the 50 % cap, the rest later)."""

    penalty = models.ForeignKey(Penalty, on_delete=models.PROTECT, related_name="instalments")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    month = models.DateField(_("month"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    objects = InternalQuerySet.as_manager()
    restrict_rule = staticmethod(partial(internal_rule, path="penalty__complaint__service_centre"))

    class Meta:
        ordering = ["month", "id"]
        constraints = [
            models.UniqueConstraint(fields=["penalty", "month"], name="complaints_instalment_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="complaints_instalment_pos"),
        ]


class StaffStrike(models.Model):
    """CP-15: an upheld complaint about a staff member — 1st warning, 2nd penalty, 3rd dismissal."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="complaint_strikes", verbose_name=_("person"))
    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.PROTECT,
                                     related_name="strike")
    number = models.PositiveSmallIntegerField(_("strike"))
    consequence = models.CharField(_("consequence"), max_length=10,
                                   choices=StrikeConsequence.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InternalQuerySet.as_manager()
    restrict_rule = staticmethod(internal_rule)

    class Meta:
        ordering = ["person", "number"]
        verbose_name = _("strike")
        verbose_name_plural = _("strikes")
        constraints = [models.UniqueConstraint(fields=["person", "number"],
                                               name="complaints_strike_number_once")]


class ReceivableExclusion(models.Model):
    """CP-11: the receivable a complaint affects is left out of the salesperson's collection
    bonus."""

    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.PROTECT,
                                     related_name="receivable_exclusion")
    salesperson = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("salesperson"))
    order_ref = models.CharField(_("order number"), max_length=40, blank=True)
    part_number = models.CharField(_("part number"), max_length=60, blank=True)
    amount = models.DecimalField(_("receivable left out"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InternalQuerySet.as_manager()
    restrict_rule = staticmethod(internal_rule)

    class Meta:
        verbose_name = _("receivable left out of the bonus")
        verbose_name_plural = _("receivables left out of the bonus")


class MonthlyReport(models.Model):
    """CP-12, RP-5: last month's complaint statistics, produced once by the 10th."""

    month = models.DateField(_("month"), unique=True)
    produced_at = models.DateTimeField(_("produced at"))
    data = models.JSONField(_("figures"), default=dict)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly complaint report")
        verbose_name_plural = _("monthly complaint reports")
