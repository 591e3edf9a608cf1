import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.validators import phone_search_key
from aftersales.customers.models import Customer, InstalledProduct

from .choices import Category, Channel, Status
from .models import ServiceRequest


class ServiceRequestFilterSet(django_filters.FilterSet):
    """One filterset for the request list page, the API and exports (house style rule 9)."""

    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("status"))
    category = django_filters.MultipleChoiceFilter(choices=Category.choices, label=_("category"))
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
            condition |= Q(customer_id__in=Customer.objects.filter(
                Q(phone=key) | Q(phone_alt=key)).values("pk"))
        if not value.upper().startswith("SR"):
            condition |= Q(customer_id__in=Customer.objects.filter(
                name__startswith=value).values("pk"))
            if len(value) >= 3:
                condition |= Q(installed_product_id__in=InstalledProduct.objects.filter(
                    serial=value).values("pk"))
        return queryset.filter(condition)

    def filter_open(self, queryset, name, value):
        return queryset.open() if value else queryset
