"""/api/v1/ for parts and stock: the price list, places, stock on hand and the stock ledger.

Reads go through ``restrict`` (a technician sees only his van); every stock change is a POST to
``stock-moves/`` that calls parts.services (idempotent with an ``Idempotency-Key``), never an
edit: the ledger's rows are never changed.
"""

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.core.exceptions import PermissionDenied
from aftersales.core.filters import IsoDateTimeFilter
from aftersales.parts import services as stock_services
from aftersales.parts.choices import MoveKind
from aftersales.parts.models import Part, PartPrice, StockBalance, StockMove, Warehouse
from aftersales.parts.selectors import balance_list
from aftersales.parts.services.prices import may_read_costs
from aftersales.service.models import ServiceRequest

from .fields import RestrictedPrimaryKeyRelatedField
from .idempotency import idempotent
from .serializers import ModelSerializer
from .views import IDEMPOTENCY_HEADER

QUANTITY = {"max_digits": 14, "decimal_places": 3}



class PartSerializer(ModelSerializer):
    fits = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True,
        help_text="The product models the part fits; empty: it fits any.")

    class Meta:
        model = Part
        fields = ["id", "code", "name", "unit", "unit_decimals", "unit_price", "category",
                  "active", "fits"]
        read_only_fields = fields


class PartPriceSerializer(ModelSerializer):
    class Meta:
        model = PartPrice
        fields = ["valid_from", "cost", "price", "created_at", "created_by"]
        read_only_fields = fields


class PartPriceCreateSerializer(serializers.Serializer):
    valid_from = serializers.DateField()
    cost = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)


class WarehouseSerializer(ModelSerializer):
    class Meta:
        model = Warehouse
        fields = ["id", "code", "name", "kind", "service_centre", "technician", "dealer",
                  "active"]
        read_only_fields = fields


class StockBalanceSerializer(ModelSerializer):
    low = serializers.BooleanField(read_only=True)
    reserved = serializers.DecimalField(
        max_digits=14, decimal_places=3, read_only=True,
        help_text="Held for material requests approved or picked and not shipped yet: not free "
                  "to take.")

    class Meta:
        model = StockBalance
        fields = ["warehouse", "part", "quantity", "reserved", "reorder_level", "low",
                  "updated_at"]
        read_only_fields = fields


class StockMoveSerializer(ModelSerializer):
    class Meta:
        model = StockMove
        fields = ["id", "warehouse", "part", "kind", "quantity", "balance_after", "unit_cost",
                  "counterpart", "request", "reference", "note", "actor", "at"]
        read_only_fields = fields


class StockMoveCreateSerializer(serializers.Serializer):
    """One stock change. ``transfer`` moves ``quantity`` from ``warehouse`` to ``target``;
    ``adjustment`` sets stock on hand to ``quantity`` (a count); the others add or take
    ``quantity`` in ``warehouse``."""

    KINDS = [MoveKind.RECEIPT, "transfer", MoveKind.ISSUE, MoveKind.RETURN, MoveKind.LOAN_OUT,
             MoveKind.LOAN_BACK, MoveKind.SCRAP, MoveKind.ADJUSTMENT]

    kind = serializers.ChoiceField(choices=KINDS)
    warehouse = RestrictedPrimaryKeyRelatedField(queryset=Warehouse.objects.all())
    part = serializers.PrimaryKeyRelatedField(queryset=Part.objects.filter(active=True))
    quantity = serializers.DecimalField(**QUANTITY, min_value=0)
    target = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all(), required=False)
    request = RestrictedPrimaryKeyRelatedField(queryset=ServiceRequest.objects.all(),
                                               required=False)
    unit_cost = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0,
                                         required=False)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def validate(self, data):
        if data["kind"] == "transfer" and data.get("target") is None:
            raise serializers.ValidationError({"target": [_("Say where the stock goes.")]})
        return data


class StockMoveFilterSet(filters.FilterSet):
    at_after = IsoDateTimeFilter(field_name="at", lookup_expr="gte")  # offsets within ±14:00
    at_before = IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = StockMove
        fields = ["warehouse", "part", "kind", "request"]


class StockBalanceFilterSet(filters.FilterSet):
    low = filters.BooleanFilter(method="filter_low", label=_("at or below the reorder level"))

    class Meta:
        model = StockBalance
        fields = ["warehouse", "part"]

    def filter_low(self, queryset, name, value):
        low = Q(reorder_level__gt=0, quantity__lte=F("reorder_level"))
        return queryset.filter(low) if value else queryset.exclude(low)


class PartViewSet(viewsets.ReadOnlyModelViewSet):
    """The parts price list; ``?q=`` finds by code or name."""

    serializer_class = PartSerializer

    def get_queryset(self):
        queryset = (Part.objects.restrict(self.request.user, "view").prefetch_related("fits")
                    .order_by("code"))
        query = (self.request.query_params.get("q") or "").strip()
        if query:
            queryset = queryset.filter(Q(code__icontains=query) | Q(name__icontains=query))
        return queryset

    @extend_schema(methods=["GET"], responses=PartPriceSerializer(many=True),
                   summary="The part's price history (cost and customer price from each day)")
    @extend_schema(methods=["POST"], request=PartPriceCreateSerializer,
                   responses={201: PartPriceSerializer}, parameters=[IDEMPOTENCY_HEADER],
                   summary="A new price from a day on (service managers and administrators)")
    @action(detail=True, methods=["get", "post"])
    @idempotent
    def prices(self, request, pk=None):
        part = self.get_object()
        if not may_read_costs(request.user):
            raise PermissionDenied(_("Only service managers, accountants and administrators "
                                     "read and set cost prices."))
        if request.method == "GET":
            rows = part.prices.order_by("-valid_from")
            return Response(PartPriceSerializer(rows, many=True).data)
        data = PartPriceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = stock_services.part_price_set(actor=request.user, part=part,
                                            **data.validated_data)
        return Response(PartPriceSerializer(row).data, status=status.HTTP_201_CREATED)


class WarehouseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WarehouseSerializer
    filterset_fields = ["kind", "service_centre", "technician", "active"]

    def get_queryset(self):
        return Warehouse.objects.restrict(self.request.user, "view").order_by("code")


class StockBalanceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Stock on hand per place and part, in the places the caller may see."""

    serializer_class = StockBalanceSerializer
    filterset_class = StockBalanceFilterSet

    def get_queryset(self):
        return balance_list(user=self.request.user).order_by("warehouse_id", "part_id")


class StockMoveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """The stock ledger of the places the caller may see; POST makes a move."""

    serializer_class = StockMoveSerializer
    filterset_class = StockMoveFilterSet

    def get_queryset(self):
        places = Warehouse.objects.restrict(self.request.user, "view")
        return StockMove.objects.filter(warehouse__in=places).order_by("-at", "-id")

    @extend_schema(request=StockMoveCreateSerializer, responses={201: StockMoveSerializer(many=True)},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent
    def create(self, request, *args, **kwargs):
        data = StockMoveCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        common = {"actor": request.user, "part": v["part"]}
        if v["kind"] == "transfer":
            moves = list(stock_services.stock_transfer(
                source=v["warehouse"], target=v["target"], quantity=v["quantity"],
                reference=v.get("reference", ""), note=v.get("note", ""), **common))
        elif v["kind"] == MoveKind.ADJUSTMENT:
            move = stock_services.stock_adjust(warehouse=v["warehouse"], counted=v["quantity"],
                                               note=v.get("note", ""), **common)
            moves = [move] if move is not None else []
        else:
            moves = [stock_services.stock_move(
                warehouse=v["warehouse"], kind=v["kind"], quantity=v["quantity"],
                request=v.get("request"), unit_cost=v.get("unit_cost"),
                reference=v.get("reference", ""), note=v.get("note", ""), **common)]
        return Response(StockMoveSerializer(moves, many=True).data, status=status.HTTP_201_CREATED)
