"""One filterset per list (house style rule 9)."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCentre, User
from aftersales.core.filters import MultipleChoiceFilter
from aftersales.core.validators import phone_search_key

from .choices import (
    OPEN_CALL_STATUSES,
    OPEN_CASE_STATUSES,
    CallKind,
    CaseStatus,
    VisitStatus,
)
from .models import FollowUpCall, FollowUpCase, Survey, VisitTask
from .selectors import end_of_today


def _search(prefix: str, value: str) -> Q:
    value = value.strip()
    p = f"{prefix}__" if prefix else ""
    condition = (Q(**{f"{p}number__startswith": value.upper()})
                 | Q(**{f"{p}customer__name__startswith": value}))
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) >= 7:
        condition |= Q(**{f"{p}customer__phone": phone_search_key(value)})
    return condition


class CentreFilterMixin(django_filters.FilterSet):
    centre = django_filters.ModelChoiceFilter(queryset=ServiceCentre.objects.all(),
                                              method="filter_centre", label=_("service centre"))
    centre_path = "request__service_centre"

    def filter_centre(self, queryset, name, value):
        return queryset.filter(**{self.centre_path: value}) if value else queryset


class FollowUpCallFilterSet(CentreFilterMixin):
    SHOW = [("due", _("Due by tonight")), ("open", _("All open")),
            ("done", _("Done")), ("all", _("All"))]
    show = django_filters.ChoiceFilter(choices=SHOW, method="filter_show", empty_label=None,
                                       label=_("show"))
    kind = django_filters.ChoiceFilter(choices=CallKind.choices, label=_("kind"))
    q = django_filters.CharFilter(method="filter_q", label=_("search"))

    class Meta:
        model = FollowUpCall
        fields = ["kind"]

    def filter_show(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_CALL_STATUSES)
        if value == "done":
            return queryset.exclude(status__in=OPEN_CALL_STATUSES)
        if value == "all":
            return queryset
        return queryset.filter(status__in=OPEN_CALL_STATUSES, due_at__lt=end_of_today())

    def filter_q(self, queryset, name, value):
        return queryset.filter(_search("request", value)) if value.strip() else queryset


class FollowUpCaseFilterSet(CentreFilterMixin):
    centre_path = "service_centre"
    status = MultipleChoiceFilter(choices=CaseStatus.choices, label=_("status"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("open only"))
    serious = django_filters.BooleanFilter(method="filter_serious", label=_("serious only"))
    overdue = django_filters.BooleanFilter(method="filter_overdue",
                                           label=_("reply overdue only"))
    q = django_filters.CharFilter(method="filter_q", label=_("search"))

    class Meta:
        model = FollowUpCase
        fields = ["status"]

    def filter_open(self, queryset, name, value):
        return queryset.filter(status__in=OPEN_CASE_STATUSES) if value else queryset

    def filter_serious(self, queryset, name, value):
        return queryset.filter(serious=True) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.reply_overdue() if value else queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__startswith=value.upper()) | _search("request", value))


class VisitTaskFilterSet(CentreFilterMixin):
    centre_path = "service_centre"
    status = django_filters.ChoiceFilter(choices=VisitStatus.choices, label=_("status"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("mine only"))
    q = django_filters.CharFilter(method="filter_q", label=_("search"))

    class Meta:
        model = VisitTask
        fields = ["status"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(assigned_to=self.request.user) if value else queryset

    def filter_q(self, queryset, name, value):
        return queryset.filter(_search("request", value)) if value.strip() else queryset


class SurveyFilterSet(CentreFilterMixin):
    STATES = [("answered", _("Answered")), ("waiting", _("Waiting for an answer")),
              ("expired", _("Expired unanswered")), ("scheduled", _("Not sent yet")),
              ("low", _("Answered with a low rating"))]
    state = django_filters.ChoiceFilter(choices=STATES, method="filter_state", label=_("state"))
    since = django_filters.DateFilter(method="filter_since", label=_("from date"))
    until = django_filters.DateFilter(method="filter_until", label=_("to date"))
    technician = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(role=Role.TECHNICIAN).order_by("service_centre", "username"),
        label=_("technician"))
    q = django_filters.CharFilter(method="filter_q", label=_("search"))

    class Meta:
        model = Survey
        fields = ["technician"]

    def filter_state(self, queryset, name, value):
        now = timezone.now()
        if value == "answered":
            return queryset.answered()
        if value == "waiting":
            return queryset.live(now).filter(sent_at__isnull=False)
        if value == "expired":
            return queryset.unanswered().filter(expires_at__lte=now)
        if value == "scheduled":
            return queryset.unanswered().filter(sent_at__isnull=True, expires_at__gt=now)
        if value == "low":
            return queryset.answered().filter(Q(attitude__lte=2) | Q(skill__lte=2)
                                              | Q(punctuality__lte=2) | Q(promise__lte=2))
        return queryset

    def _local(self, day):
        from datetime import datetime, time

        return datetime.combine(day, time(0), timezone.get_current_timezone())

    def filter_since(self, queryset, name, value):
        return queryset.filter(due_at__gte=self._local(value)) if value else queryset

    def filter_until(self, queryset, name, value):
        return queryset.filter(due_at__lt=self._local(value) + timedelta(days=1)) if value else queryset

    def filter_q(self, queryset, name, value):
        return queryset.filter(_search("request", value)) if value.strip() else queryset
