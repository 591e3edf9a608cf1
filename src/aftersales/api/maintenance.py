"""The integration API's endpoints for maintenance (their rules live in the app's services).

- ``maintenance-plans/``: plans per product model (PM-1), by time or by meter; list, read,
  create, edit (a plan with visits is retired with ``active: false``, never deleted).
- ``meter-readings/``: hours or kilometres read off a product; POST with an ``Idempotency-Key``
  (a customer's app or a telematics box repeats it); a reading that nears a meter plan's mark
  generates that visit.
- ``maintenance-visits/``: due visits (read only) with their state (due, overdue, done,
  cancelled) and the service request each became.
"""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from aftersales.core.dates import local_today
from aftersales.customers.models import InstalledProduct, ProductModel
from aftersales.maintenance import services as maintenance_services
from aftersales.maintenance.choices import VisitState
from aftersales.maintenance.models import MaintenancePlan, MaintenanceVisit, MeterReading
from aftersales.maintenance.selectors import visit_state_expression

from .fields import RestrictedPrimaryKeyRelatedField
from .idempotency import idempotent
from .serializers import ModelSerializer
from .views import IDEMPOTENCY_HEADER, RestrictedViewSet


class MaintenancePlanSerializer(ModelSerializer):
    product_model = serializers.PrimaryKeyRelatedField(queryset=ProductModel.objects.all())
    interval_months = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                               max_value=600)
    interval_meter = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                              max_value=10_000_000)
    lead_meter = serializers.IntegerField(required=False, min_value=0, max_value=10_000_000)

    class Meta:
        model = MaintenancePlan
        fields = ["id", "product_model", "name", "basis", "interval_months", "interval_meter",
                  "meter_unit", "lead_meter", "items", "active", "version"]
        read_only_fields = ["id", "version"]


class MaintenancePlanViewSet(RestrictedViewSet):
    """Maintenance plans: every N months from installation, or every N hours/km (PM-1)."""

    model = MaintenancePlan
    serializer_class = MaintenancePlanSerializer
    filterset_fields = ["product_model", "basis", "active"]
    create_service = maintenance_services.maintenance_plan_create
    update_service = maintenance_services.maintenance_plan_update
    update_instance_arg = "plan"

    def get_queryset(self):
        return super().get_queryset().select_related("product_model").order_by("id")


class MeterReadingSerializer(ModelSerializer):
    installed_product = RestrictedPrimaryKeyRelatedField(queryset=InstalledProduct.objects.all())
    value = serializers.IntegerField(min_value=0, max_value=2_000_000_000)
    read_on = serializers.DateField(required=False)

    class Meta:
        model = MeterReading
        fields = ["id", "installed_product", "value", "read_on", "source", "created_at"]
        read_only_fields = ["id", "source", "created_at"]


class MeterReadingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """Meter readings of the products the caller may see; POST records one."""

    serializer_class = MeterReadingSerializer
    filterset_fields = ["installed_product"]

    def get_queryset(self):
        return MeterReading.objects.restrict(self.request.user).order_by("-read_on", "-id")

    @extend_schema(request=MeterReadingSerializer, responses={201: MeterReadingSerializer},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent
    def create(self, request, *args, **kwargs):
        data = MeterReadingSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        reading = maintenance_services.meter_reading_add(
            actor=request.user, product=v["installed_product"], value=v["value"],
            read_on=v.get("read_on"))
        return Response(MeterReadingSerializer(reading).data, status=status.HTTP_201_CREATED)


class MaintenanceVisitSerializer(ModelSerializer):
    state = serializers.ChoiceField(choices=VisitState.choices, read_only=True)
    request_number = serializers.CharField(source="request.number", read_only=True)

    class Meta:
        model = MaintenanceVisit
        fields = ["id", "plan", "installed_product", "due_on", "due_meter", "request",
                  "request_number", "state", "done_on", "meter_at_service"]
        read_only_fields = fields


class MaintenanceVisitFilterSet(filters.FilterSet):
    state = filters.ChoiceFilter(choices=VisitState.choices)
    due_after = filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = MaintenanceVisit
        fields = ["plan", "installed_product", "state", "due_after", "due_before"]


class MaintenanceVisitViewSet(viewsets.ReadOnlyModelViewSet):
    """Due maintenance visits (generated ahead of time), with their state; read only."""

    serializer_class = MaintenanceVisitSerializer
    filterset_class = MaintenanceVisitFilterSet

    def get_queryset(self):
        return (MaintenanceVisit.objects.restrict(self.request.user)
                .filter(request__isnull=False)
                .annotate(state=visit_state_expression(local_today()))
                .select_related("request").order_by("due_on", "id"))


# (prefix, viewset, basename): api/urls.py registers every route listed here.
ROUTES: list = [
    ("maintenance-plans", MaintenancePlanViewSet, "maintenance-plan"),
    ("meter-readings", MeterReadingViewSet, "meter-reading"),
    ("maintenance-visits", MaintenanceVisitViewSet, "maintenance-visit"),
]
