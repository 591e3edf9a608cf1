import operator
from datetime import timedelta
from functools import reduce

import django_filters
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, Value
from django.utils.translation import gettext_lazy as _

from aftersales.core.filters import IsoDateTimeFilter, MultipleChoiceFilter
from aftersales.core.lookups import Ids
from aftersales.core.numbering import period_bounds
from aftersales.core.validators import phone_search_key
from aftersales.customers.models import Customer, InstalledProduct

from .choices import Category, Channel, Status
from .models import ServiceRequest
from .services import REQUEST_PREFIX

# Up to ID_LIST_CAP matching customers (or products) are passed on as a list of ids (a hashed
# ScalarArrayOp on PostgreSQL); beyond it, as a subquery. Up to SORT_CAP their requests are
# sorted among themselves; more are dense enough for a walk back on reported_at (bench/lists at
# 10 M: 5,667 "王晓…" customers — their newest closed page is 10–26 ms walked, 238–1,066 ms
# sorted).
ID_LIST_CAP = 10_000
SORT_CAP = 1_000


def _number_prefix(head: str) -> Q:
    """Requests whose number starts with ``head`` (upper case). A number is SR + the period
    (YYMM) of ``reported_at`` + serial (``core.numbering``): a prefix with the year (and month)
    bounds ``reported_at`` to that period, and a prefix that is exactly SR + a period is that
    bound alone — no number need be read, so the count is index-only."""
    digits = head[len(REQUEST_PREFIX):len(REQUEST_PREFIX) + 4]
    if len(digits) == 3 or (len(digits) == 4 and not digits[3].isdigit()):
        digits = digits[:2]  # "SR261" or "SR26x": the year is all that is known
    bounds = period_bounds(digits) if head.startswith(REQUEST_PREFIX) else None
    if bounds is None:
        return Q(number__startswith=head)
    period = Q(reported_at__gte=bounds[0], reported_at__lt=bounds[1])
    if head == REQUEST_PREFIX + digits:
        return period
    return Q(number__startswith=head) & period


def _ids(queryset):
    """The matching ids as a list, so that the OR of the search branches becomes a BitmapOr of
    index scans (a subquery there makes PostgreSQL filter every row); a subquery only when
    there are very many."""
    ids = list(queryset.order_by().values_list("pk", flat=True)[: ID_LIST_CAP + 1])
    return ids if len(ids) <= ID_LIST_CAP else queryset.values("pk")


class ServiceRequestFilterSet(django_filters.FilterSet):
    """One filterset for the request list page, the API and exports (house style rule 9)."""

    # No to-many join here, so no DISTINCT (it would sort every match on all columns).
    status = MultipleChoiceFilter(choices=Status.choices, label=_("status"), distinct=False)
    category = MultipleChoiceFilter(choices=Category.choices, label=_("category"),
                                    distinct=False)
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("channel"))
    q = django_filters.CharFilter(method="filter_q", label=_("search"))
    reported_after = IsoDateTimeFilter(field_name="reported_at", lookup_expr="gte")
    reported_before = IsoDateTimeFilter(field_name="reported_at", lookup_expr="lt")
    open = django_filters.BooleanFilter(method="filter_open", label=_("open only"))
    repaired_first = django_filters.BooleanFilter(method="filter_repaired_first",
                                                  label=_("repaired before its paperwork"))

    class Meta:
        model = ServiceRequest
        fields = ["status", "customer", "service_centre", "assigned_technician", "category",
                  "channel", "installed_product"]

    def filter_q(self, queryset, name, value):
        """One box finds a request by its number (prefix), the customer's name (prefix) or
        phone, or the product's serial. Each branch is an indexed lookup on its own table,
        passed on as a list of ids; a branch that finds nothing, or cannot match the value
        (a name is no number), is left out, so that a search of one kind is one indexed
        condition — an index-only count (bench/lists at 10 M) — and only a value of several
        kinds is an OR (a BitmapOr of index scans on PostgreSQL)."""
        value = value.strip()
        if not value:
            return queryset
        head = value.upper()
        number_like = head.startswith(REQUEST_PREFIX) or REQUEST_PREFIX.startswith(head)
        conditions, id_lists = [], []
        if number_like:
            conditions.append(_number_prefix(head))
        digits = "".join(ch for ch in value if ch.isdigit())
        lookups = []
        if len(digits) >= 7:
            key = phone_search_key(value)
            lookups.append(("customer_id", Customer.objects.filter(Q(phone=key) | Q(phone_alt=key))))
        if not head.startswith(REQUEST_PREFIX):
            lookups.append(("customer_id", Customer.objects.filter(name__startswith=value)))
            if len(value) >= 3:
                lookups.append(("installed_product_id", InstalledProduct.objects.filter(serial=value)))
        for field, found in lookups:
            ids = _ids(found)
            if ids == []:
                continue  # nothing of this kind matches: no branch
            id_lists.append(ids)
            # a list: one value, one array parameter (core.lookups); else a subquery
            value = Ids(ids) if isinstance(ids, list) else ids
            conditions.append(Q(**{f"{field}__any_of": value}))
        if not conditions:
            return queryset.none()
        condition = reduce(operator.or_, conditions)
        listed = all(isinstance(ids, list) for ids in id_lists)
        if not id_lists or not listed or sum(map(len, id_lists)) > SORT_CAP:
            # a number prefix alone (its months bound reported_at, so the newest page is a
            # short walk back from the period's end), or many matches: dense enough for the
            # walk back on reported_at
            return queryset.filter(condition)
        # Few customers or products match: their requests are found through the indexes and
        # sorted among themselves. Asked for the newest 25 in index order, PostgreSQL walks the
        # reported_at index backwards and filters tens of thousands of rows when the matches are
        # old (bench/lists); an order no index serves (same as Meta.ordering) makes it sort.
        unindexed = ExpressionWrapper(F("reported_at") + Value(timedelta(0)),
                                      output_field=DateTimeField())
        return queryset.filter(condition).order_by(unindexed.desc(), "-pk")

    def filter_repaired_first(self, queryset, name, value):
        """先抢修后补单 (DS-6): the requests whose technician was sent before their paperwork
        (a partial index holds the few), or all others."""
        if value:
            return queryset.exclude(repaired_first="")
        return queryset.filter(repaired_first="")

    def filter_open(self, queryset, name, value):
        return queryset.open() if value else queryset
