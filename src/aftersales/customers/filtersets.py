import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import CustomerKind, RegionKind
from .models import Customer, InstalledProduct
from .selectors import customer_list


class CustomerFilterSet(django_filters.FilterSet):
    phone = django_filters.CharFilter(method="filter_phone", label=_("phone"))
    q = django_filters.CharFilter(method="filter_q", label=_("search"))
    region_kind = django_filters.ChoiceFilter(choices=RegionKind.choices)
    kind = django_filters.ChoiceFilter(choices=CustomerKind.choices)

    class Meta:
        model = Customer
        fields = ["phone", "q", "region_kind", "kind", "service_centre"]

    def _user(self):
        return getattr(self.request, "user", None)

    def filter_phone(self, queryset, name, value):
        return queryset & customer_list(user=self._user(), phone=value)

    def filter_q(self, queryset, name, value):
        return queryset & customer_list(user=self._user(), q=value)


class InstalledProductFilterSet(django_filters.FilterSet):
    serial = django_filters.CharFilter(field_name="serial", lookup_expr="exact")

    class Meta:
        model = InstalledProduct
        fields = ["customer", "serial", "model"]
