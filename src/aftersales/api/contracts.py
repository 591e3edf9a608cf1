"""/api/v1/ for maintenance contracts (AR-6, SR-2 B) and their renewals.

Reads go through ``restrict``; every write calls customers.services (numbering, the customer's
own products, an event per change). Edits send the ``version`` they read (409 when stale).
"""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.accounts.choices import DESK_ROLES
from aftersales.accounts.models import User
from aftersales.core.dates import local_today
from aftersales.customers import services
from aftersales.customers.choices import ContractState, FaultCause, LostReason
from aftersales.customers.models import (
    ContractRenewal,
    Customer,
    InstalledProduct,
    MaintenanceContract,
)
from aftersales.customers.selectors import contract_list

from .fields import RestrictedPrimaryKeyRelatedField
from .idempotency import idempotent
from .serializers import ModelSerializer
from .views import IDEMPOTENCY_HEADER, expected_version

MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": 0, "coerce_to_string": True}


class ContractSerializer(ModelSerializer):
    customer = RestrictedPrimaryKeyRelatedField(queryset=Customer.objects.all())
    products = RestrictedPrimaryKeyRelatedField(queryset=InstalledProduct.objects.all(),
                                                many=True)
    fee = serializers.DecimalField(**MONEY)
    excluded_causes = serializers.ListField(
        child=serializers.ChoiceField(choices=FaultCause.choices), required=False,
        help_text=_("Causes the contract does not cover (charged per job); default: the "
                    "customer's own doing."))
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True, role__in=DESK_ROLES), allow_null=True,
        required=False)
    state = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False, help_text=_("The version you read."))

    class Meta:
        model = MaintenanceContract
        fields = ["id", "number", "customer", "products", "starts_on", "ends_on", "fee",
                  "excluded_causes", "responsible", "note", "previous", "state", "version",
                  "created_at"]
        read_only_fields = ["id", "number", "previous", "state", "created_at"]

    def get_state(self, obj) -> str:
        return obj.state_on(local_today())

    def validate(self, attrs):
        if self.instance is not None and "customer" in attrs \
                and attrs["customer"].pk != self.instance.customer_id:
            raise serializers.ValidationError(
                {"customer": [_("A contract's customer cannot be changed.")]})
        attrs.pop("version", None)
        return attrs


class ContractFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("search"))
    state = filters.ChoiceFilter(choices=ContractState.choices, method="filter_state")

    class Meta:
        model = MaintenanceContract
        fields = ["customer", "q", "state"]

    def filter_q(self, queryset, name, value):
        return queryset & contract_list(user=self.request.user, q=value)

    def filter_state(self, queryset, name, value):
        return queryset & contract_list(user=self.request.user, state=value)


class ContractViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Maintenance contracts: list (``?q=``, ``?state=``, ``?customer=``), read, create, edit."""

    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        action_name = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        return (MaintenanceContract.objects.restrict(self.request.user, action_name)
                .prefetch_related("products").order_by("ends_on", "id"))

    @extend_schema(parameters=[IDEMPOTENCY_HEADER])
    @idempotent
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.contract_create(actor=self.request.user,
                                                       **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("customer", None)
        serializer.instance = services.contract_update(
            actor=self.request.user, contract=serializer.instance,
            expected_version=expected_version(self.request), **data)


class RenewalSerializer(ModelSerializer):
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    ends_on = serializers.DateField(source="contract.ends_on", read_only=True)
    next_contract = serializers.SerializerMethodField()

    class Meta:
        model = ContractRenewal
        fields = ["id", "contract", "contract_number", "ends_on", "due_on", "responsible",
                  "notified_at", "notified_to", "outcome", "lost_reason", "note", "next_contract",
                  "decided_by", "decided_at", "version"]
        read_only_fields = fields

    def get_next_contract(self, obj) -> int | None:
        following = getattr(obj.contract, "next_contract", None)
        return following.pk if following is not None else None


class RenewSerializer(serializers.Serializer):
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    fee = serializers.DecimalField(required=False, **MONEY)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class LoseSerializer(serializers.Serializer):
    lost_reason = serializers.ChoiceField(choices=LostReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RenewalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Renewals due (one per contract, opened a month before its end); ``renew`` or ``lose``."""

    serializer_class = RenewalSerializer
    filterset_fields = ["outcome", "responsible"]

    def get_queryset(self):
        action_name = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        return (ContractRenewal.objects.restrict(self.request.user, action_name)
                .select_related("contract__next_contract").order_by("due_on", "id"))

    @extend_schema(request=RenewSerializer, responses={201: ContractSerializer},
                   parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"])
    @idempotent
    def renew(self, request, pk=None):
        renewal = self.get_object()
        data = RenewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new = services.contract_renew(actor=request.user, renewal=renewal,
                                      expected_version=expected_version(request),
                                      **data.validated_data)
        return Response(ContractSerializer(new, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=LoseSerializer, responses={200: RenewalSerializer},
                   parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"])
    @idempotent
    def lose(self, request, pk=None):
        renewal = self.get_object()
        data = LoseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        renewal = services.contract_renewal_lose(
            actor=request.user, renewal=renewal, reason=data.validated_data["lost_reason"],
            note=data.validated_data.get("note", ""), expected_version=expected_version(request))
        return Response(RenewalSerializer(renewal, context=self.get_serializer_context()).data)


# (prefix, viewset, basename): api/urls.py registers every route listed here.
ROUTES: list = [
    ("contracts", ContractViewSet, "contract"),
    ("contract-renewals", RenewalViewSet, "contract-renewal"),
]
