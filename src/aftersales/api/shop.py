"""/api/v1/ for online shops (issue 13): orders (read; create with an Idempotency-Key, as an
order entered by hand) and after-sales cases (read).

The platforms' inbound webhook is not here: it is /shop/webhook/<shop code>/ (shop/webhook.py),
authenticated by the shop's HMAC signature rather than a staff token, and so left out of this
schema (schemathesis cannot sign its bodies; its own tests are shop/tests/test_webhook.py).
"""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from aftersales.core.filters import IsoDateTimeFilter
from aftersales.shop import services as shop_services
from aftersales.shop.choices import FeePayer, Inspection, Reason
from aftersales.shop.models import Order, Shop, ShopCase

from .fields import DateTimeField, RestrictedPrimaryKeyRelatedField
from .idempotency import idempotent
from .serializers import ModelSerializer
from .views import IDEMPOTENCY_HEADER

MONEY = {"max_digits": 12, "decimal_places": 2}


class ItemSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=60, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=1, max_value=100000)
    price = serializers.DecimalField(**MONEY, min_value=0)


class OrderSerializer(ModelSerializer):
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "shop", "number", "customer", "buyer_name", "buyer_phone",
                  "buyer_account", "address", "items", "paid_amount", "paid_at", "shipped_at",
                  "delivered_at", "source", "version", "created_at"]
        read_only_fields = fields


class OrderCreateSerializer(serializers.Serializer):
    shop = RestrictedPrimaryKeyRelatedField(queryset=Shop.objects.filter(active=True))
    number = serializers.CharField(max_length=64)
    buyer_name = serializers.CharField(max_length=100)
    buyer_phone = serializers.CharField(max_length=20)
    buyer_account = serializers.CharField(max_length=100, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    items = ItemSerializer(many=True, required=False)
    paid_amount = serializers.DecimalField(**MONEY, min_value=0)
    paid_at = DateTimeField()
    shipped_at = DateTimeField(required=False, allow_null=True)
    delivered_at = DateTimeField(required=False, allow_null=True)


class ShopCaseSerializer(ModelSerializer):
    # blank until known: plain strings, as an enum would not allow ""
    reason = serializers.CharField(read_only=True, help_text=", ".join(Reason.values) + " or \"\"")
    fee_payer = serializers.CharField(read_only=True,
                                      help_text=", ".join(FeePayer.values) + " or \"\"")
    inspection = serializers.CharField(read_only=True,
                                       help_text=", ".join(Inspection.values) + " or \"\"")

    class Meta:
        model = ShopCase
        fields = ["id", "order", "kind", "reason", "state", "description", "opened_at",
                  "handler", "dispute", "goods_amount", "fee_payer", "shipping_fee", "tracking",
                  "received_at", "inspection", "deduction", "discount", "refund_amount",
                  "refunded_at", "replacement", "service_request", "version"]
        read_only_fields = fields


class OrderFilterSet(filters.FilterSet):
    paid_after = IsoDateTimeFilter(field_name="paid_at", lookup_expr="gte")
    paid_before = IsoDateTimeFilter(field_name="paid_at", lookup_expr="lt")

    class Meta:
        model = Order
        fields = ["shop", "number", "customer"]


class ShopCaseFilterSet(filters.FilterSet):
    opened_after = IsoDateTimeFilter(field_name="opened_at", lookup_expr="gte")
    opened_before = IsoDateTimeFilter(field_name="opened_at", lookup_expr="lt")

    class Meta:
        model = ShopCase
        fields = ["order", "kind", "state", "reason", "dispute"]


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Online-shop orders (desk staff)."""

    serializer_class = OrderSerializer
    filterset_class = OrderFilterSet

    def get_queryset(self):
        return Order.objects.restrict(self.request.user, "view").order_by("-paid_at", "-id")

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent
    def create(self, request, *args, **kwargs):
        data = OrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        shop = v.pop("shop")
        v["items"] = [{**item, "price": str(item["price"])} for item in v.get("items", [])]
        order = shop_services.order_create(actor=request.user, shop=shop, **v)
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)


class ShopCaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Online-shop after-sales cases (desk staff)."""

    serializer_class = ShopCaseSerializer
    filterset_class = ShopCaseFilterSet

    def get_queryset(self):
        return ShopCase.objects.restrict(self.request.user, "view").order_by("-opened_at", "-id")


# (prefix, viewset, basename): api/urls.py registers every route listed here.
ROUTES: list = [
    ("shop-orders", OrderViewSet, "shop-order"),
    ("shop-cases", ShopCaseViewSet, "shop-case"),
]
