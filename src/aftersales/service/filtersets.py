import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.validators import phone_search_key
from aftersales.customers.models import Customer, InstalledProduct

from .choices import Category, Channel, Status
from .models import ServiceRequest

ID_LIST_CAP = 5_000


def _ids(queryset):
    """The matching ids as a list, so that the OR of the search branches becomes a BitmapOr of
    index scans (a subquery there makes PostgreSQL filter every row); a subquery only when
    there are very many."""
    ids = list(queryset.values_list("pk", flat=True)[: ID_LIST_CAP + 1])
    return ids if len(ids) <= ID_LIST_CAP else queryset.values("pk")


class ServiceRequestFilterSet(django_filters.FilterSet):
    """One filterset for the request list page, the API and exports (house style rule 9)."""

    # No to-many join here, so no DISTINCT (it would sort every match on all columns).
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("status"),
                                                 distinct=False)
    category = django_filters.MultipleChoiceFilter(choices=Category.choices, label=_("category"),
                                                   distinct=False)
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("channel"))
    q = django_filters.CharFilter(method="filter_q", label=_("search"))
    reported_after = django_filters.IsoDateTimeFilter(field_name="reported_at", lookup_expr="gte")
    reported_before = django_filters.IsoDateTimeFilter(field_name="reported_at", lookup_expr="lt")
    open = django_filters.BooleanFilter(method="filter_open", label=_("open only"))

    class Meta:
        model = ServiceRequest
        fields = ["status", "customer", "service_centre", "assigned_technician", "category",
                  "channel", "installed_product"]

    def filter_q(self, queryset, name, value):
        """One box finds a request by its number (prefix), the customer's name (prefix) or
        phone, or the product's serial. Each branch is an indexed lookup on its own table,
        joined with IN (subquery), so the plan stays cheap at a million requests."""
        value = value.strip()
        if not value:
            return queryset
        condition = Q(number__startswith=value.upper())
        digits = "".join(ch for ch in value if ch.isdigit())
        if len(digits) >= 7:
            key = phone_search_key(value)
            condition |= Q(customer_id__in=_ids(Customer.objects.filter(
                Q(phone=key) | Q(phone_alt=key))))
        if not value.upper().startswith("SR"):
            condition |= Q(customer_id__in=_ids(Customer.objects.filter(name__startswith=value)))
            if len(value) >= 3:
                condition |= Q(installed_product_id__in=_ids(
                    InstalledProduct.objects.filter(serial=value)))
        return queryset.filter(condition)

    def filter_open(self, queryset, name, value):
        return queryset.open() if value else queryset
