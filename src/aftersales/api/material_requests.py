"""/api/v1/material-requests/ (PT-2): list, retrieve, create (idempotent with an
``Idempotency-Key``) and the steps as ``POST …/{id}/{action}/``: approve, pick, ship, receive,
cancel. A dealer's login (its system) places, reads, receives and cancels its own parts orders
here (PT-1); the back office records a dealer's payment with ``POST …/{id}/payments/``, and the
store the parts a dealer sent back with ``POST …/{id}/returns/`` (PT-3). Reads go
through ``restrict``; every write calls parts.services (a dealer's order, dealers.services)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCentre
from aftersales.dealers.models import DealerJob
from aftersales.dealers.services import dealer_parts_order
from aftersales.parts.choices import PAYABLE_METHODS
from aftersales.parts.models import (
    MaterialRequest,
    MaterialRequestLine,
    MaterialRequestPayment,
    OrderReturn,
    OrderReturnLine,
    Part,
    Warehouse,
)
from aftersales.parts.services import order_pay, order_return_receive
from aftersales.parts.services import requests as mr_services
from aftersales.parts.services.order_payments import order_lines_amount
from aftersales.service.models import ServiceRequest

from .fields import RestrictedPrimaryKeyRelatedField
from .idempotency import idempotent
from .permissions import StaffOrDealer
from .serializers import ModelSerializer
from .views import IDEMPOTENCY_HEADER, expected_version


class MaterialRequestLineSerializer(ModelSerializer):
    class Meta:
        model = MaterialRequestLine
        fields = ["id", "part", "quantity", "picked_quantity", "reserved_quantity",
                  "returned_quantity", "unit_price"]
        read_only_fields = fields


class MaterialRequestPaymentSerializer(ModelSerializer):
    class Meta:
        model = MaterialRequestPayment
        fields = ["id", "amount", "method", "reference", "note", "recorded_by", "recorded_at"]
        read_only_fields = fields


class OrderReturnLineSerializer(ModelSerializer):
    class Meta:
        model = OrderReturnLine
        fields = ["order_line", "part", "quantity", "unit_price"]
        read_only_fields = fields


class OrderReturnSerializer(ModelSerializer):
    lines = OrderReturnLineSerializer(many=True, read_only=True)

    class Meta:
        model = OrderReturn
        fields = ["id", "number", "amount", "note", "received_at", "received_by", "lines"]
        read_only_fields = fields


class MaterialRequestSerializer(ModelSerializer):
    lines = MaterialRequestLineSerializer(many=True, read_only=True)
    payments = MaterialRequestPaymentSerializer(many=True, read_only=True)
    order_returns = OrderReturnSerializer(
        many=True, read_only=True,
        help_text=_("A dealer's order: the parts it sent back, as the store received them "
                    "(a charged order's refund is a negative payment)."))
    amount_due = serializers.SerializerMethodField(
        help_text=_("A dealer's charged order: the picked quantities less what it sent back "
                    "(before picking, the requested ones) at the lines' prices; null for any "
                    "other request."))
    amount_paid = serializers.SerializerMethodField(
        help_text=_("What the dealer paid, less refunds; null for any other request."))
    invoice_number = serializers.SerializerMethodField(
        help_text=_("A dealer's charged order: the number of its invoice to the dealer, issued "
                    "as it ships; null until then and for any other request."))

    class Meta:
        model = MaterialRequest
        fields = ["id", "number", "request", "service_centre", "source", "destination",
                  "in_warranty", "chargeable", "status", "note", "requested_by",
                  "shipping_number", "delivery_date", "picked_at", "shipped_at", "received_at",
                  "lines",
                  "dealer", "dealer_job", "amount_due", "amount_paid", "payments",
                  "order_returns", "invoice_number", "version", "created_at"]
        read_only_fields = fields

    @staticmethod
    def _charged(obj) -> bool:
        return obj.dealer_id is not None and obj.chargeable

    def get_amount_due(self, obj) -> str | None:
        return str(order_lines_amount(obj.lines.all())) if self._charged(obj) else None

    def get_invoice_number(self, obj) -> str | None:
        line = getattr(obj, "invoice_line", None)  # invoicing's line for the order, if any
        return line.invoice.number if line is not None else None

    def get_amount_paid(self, obj) -> str | None:
        if not self._charged(obj):
            return None
        return str(sum((p.amount for p in obj.payments.all()), Decimal("0.00")))


class LineInputSerializer(serializers.Serializer):
    part = serializers.PrimaryKeyRelatedField(queryset=Part.objects.all())
    # the part's unit decides how fine a quantity may be (parts.services.quantity_clean)
    quantity = serializers.CharField(max_length=20)


class MaterialRequestCreateSerializer(serializers.Serializer):
    request = RestrictedPrimaryKeyRelatedField(
        queryset=ServiceRequest.objects.all(), required=False, allow_null=True,
        help_text=_("The job; leave out for the workshop (the centre's store)."))
    service_centre = RestrictedPrimaryKeyRelatedField(
        queryset=ServiceCentre.objects.all(), required=False, allow_null=True)
    source = RestrictedPrimaryKeyRelatedField(
        queryset=Warehouse.objects.all(), required=False, allow_null=True,
        help_text=_("The centre's store or the central warehouse; by default the store."))
    dealer_job = RestrictedPrimaryKeyRelatedField(
        queryset=DealerJob.objects.all(), required=False, allow_null=True,
        help_text=_("A dealer's login only: its open job the parts are for (free when the job is "
                    "in warranty); leave out to order for its stock (charged at cost)."))
    lines = LineInputSerializer(many=True, allow_empty=False, max_length=100)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class PaymentInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    method = serializers.ChoiceField(choices=PAYABLE_METHODS)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ReturnInputSerializer(serializers.Serializer):
    lines = serializers.DictField(
        child=serializers.CharField(max_length=20), allow_empty=False,
        help_text=_("Line id → the quantity that came back (at most what shipped of the line, "
                    "less what came back before)."))
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class StepSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)


class PickSerializer(StepSerializer):
    picked = serializers.DictField(
        child=serializers.CharField(max_length=20), required=False,
        help_text=_("Line id → quantity picked; a line left out is picked in full."))


class PromiseSerializer(StepSerializer):
    delivery_date = serializers.DateField(
        help_text=_("The day the store ships the parts; today or later."))


def _step_schema(serializer_class, summary):
    return extend_schema(request=serializer_class, responses=MaterialRequestSerializer,
                         summary=summary, parameters=[IDEMPOTENCY_HEADER])


class MaterialRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             viewsets.GenericViewSet):
    serializer_class = MaterialRequestSerializer
    permission_classes = [StaffOrDealer]
    filterset_fields = ["status", "request", "service_centre", "source", "destination",
                        "dealer", "dealer_job"]

    def get_queryset(self):
        return (MaterialRequest.objects.restrict(self.request.user, "view")
                .select_related("invoice_line__invoice")
                .prefetch_related("lines", "payments", "order_returns__lines")
                .order_by("-created_at", "-id"))

    @extend_schema(request=MaterialRequestCreateSerializer,
                   responses={201: MaterialRequestSerializer}, parameters=[IDEMPOTENCY_HEADER])
    @idempotent
    def create(self, request, *args, **kwargs):
        data = MaterialRequestCreateSerializer(data=request.data,
                                               context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        lines = [dict(line) for line in v["lines"]]
        if getattr(request.user, "role", None) == Role.DEALER:  # its parts order (PT-1)
            material = dealer_parts_order(actor=request.user, job=v.get("dealer_job"),
                                          lines=lines, note=v.get("note", ""))
        elif v.get("dealer_job") is not None:
            raise serializers.ValidationError(
                {"dealer_job": [_("Only a dealer's login orders parts for its job.")]})
        else:
            material = mr_services.material_request_create(
                actor=request.user, request=v.get("request"),
                service_centre=v.get("service_centre"), source=v.get("source"),
                lines=lines, note=v.get("note", ""))
        material = self.get_queryset().get(pk=material.pk)
        return Response(MaterialRequestSerializer(material).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PaymentInputSerializer, responses={201: MaterialRequestSerializer},
                   summary="The back office records a dealer's payment for its picked order",
                   parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"])
    @idempotent
    def payments(self, request, pk=None):
        material = self.get_object()
        data = PaymentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order_pay(actor=request.user, material_request=material, **data.validated_data)
        material = self.get_queryset().get(pk=material.pk)
        return Response(MaterialRequestSerializer(material).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReturnInputSerializer, responses={201: MaterialRequestSerializer},
                   summary="The store receives parts the dealer sent back against its order",
                   parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"], url_path="returns")
    @idempotent
    def order_returns(self, request, pk=None):
        material = self.get_object()
        data = ReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order_return_receive(actor=request.user, material_request=material,
                             **data.validated_data)
        material = self.get_queryset().get(pk=material.pk)
        return Response(MaterialRequestSerializer(material).data, status=status.HTTP_201_CREATED)

    def _run(self, request, name, serializer_class):
        material = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        params = {k: v for k, v in data.validated_data.items() if k != "version"}
        updated = mr_services.ACTIONS[name](actor=request.user, material_request=material,
                                            expected_version=expected_version(request), **params)
        updated = self.get_queryset().get(pk=updated.pk)
        return Response(MaterialRequestSerializer(updated).data)

    @_step_schema(PromiseSerializer, "The store confirms (or moves) the day it ships the parts")
    @action(detail=True, methods=["post"])
    @idempotent
    def promise(self, request, pk=None):
        return self._run(request, "promise", PromiseSerializer)

    @_step_schema(StepSerializer, "The store approves the request")
    @action(detail=True, methods=["post"])
    @idempotent
    def approve(self, request, pk=None):
        return self._run(request, "approve", StepSerializer)

    @_step_schema(PickSerializer, "The store confirms what it picked")
    @action(detail=True, methods=["post"])
    @idempotent
    def pick(self, request, pk=None):
        return self._run(request, "pick", PickSerializer)

    @_step_schema(StepSerializer, "Ship: a shipping order, the parts leave the store")
    @action(detail=True, methods=["post"])
    @idempotent
    def ship(self, request, pk=None):
        return self._run(request, "ship", StepSerializer)

    @_step_schema(StepSerializer, "The receiver confirms the parts arrived")
    @action(detail=True, methods=["post"])
    @idempotent
    def receive(self, request, pk=None):
        return self._run(request, "receive", StepSerializer)

    @_step_schema(StepSerializer, "Cancel the request (reason required)")
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, pk=None):
        return self._run(request, "cancel", StepSerializer)
