"""The integration API's endpoints for billing (their rules live in the app's services).

- ``charge-sheets/``: issued charge sheets with their lines (read).
- ``quotes/``: quotes (read); ``POST quotes/{id}/agree/`` and ``…/decline/`` record the customer's
  answer given on the phone (the portal and the technician's phone have their own pages).
- ``payments/``: payments (read); POST records one and REQUIRES an ``Idempotency-Key`` header: the
  same key again returns the first payment (200, ``Idempotent-Replayed: true``), the same key
  with other figures is refused (400), an amount beyond what is due — or, for a sheet on an
  invoice, beyond what the invoice has open — is refused (400 under ``amount``).
- ``handovers/``: a technician's cash/QR per day (read); ``POST handovers/{id}/confirm/`` by the
  accountant.
A technician sees his own payments and hand-overs and the sheets of his own jobs.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.billing import services
from aftersales.billing.choices import RECEIVED_METHODS, AgreedVia, FreeReason
from aftersales.billing.models import ChargeLine, ChargeSheet, Handover, Payment, Quote, QuoteLine
from aftersales.billing.selectors import handover_list

from .fields import RestrictedPrimaryKeyRelatedField
from .idempotency import answer_once, idempotent, key_required
from .serializers import ModelSerializer

MONEY = {"max_digits": 12, "decimal_places": 2}
IDEMPOTENCY_REQUIRED = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=True,
    description="Required: a payment is recorded once per key; the same key returns it again.")


def _blank_or(choices):
    """A read-only choice that may be empty ("" documented next to the choices)."""
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True)


class ChargeLineSerializer(ModelSerializer):
    free_reason = _blank_or(FreeReason.choices)

    class Meta:
        model = ChargeLine
        fields = ["position", "kind", "description", "quantity", "unit_price", "value", "amount",
                  "part", "free", "free_reason"]
        read_only_fields = fields


class ChargeSheetSerializer(ModelSerializer):
    lines = ChargeLineSerializer(many=True, read_only=True)

    class Meta:
        model = ChargeSheet
        fields = ["id", "number", "request", "customer", "category", "state", "follow_up",
                  "dealer", "total", "issued_at", "issued_by", "lines"]
        read_only_fields = fields


class QuoteLineSerializer(ModelSerializer):
    free_reason = _blank_or(FreeReason.choices)

    class Meta:
        model = QuoteLine
        fields = ["position", "kind", "description", "quantity", "unit_price", "value", "amount",
                  "part", "free", "free_reason"]
        read_only_fields = fields


class QuoteSerializer(ModelSerializer):
    lines = QuoteLineSerializer(many=True, read_only=True)
    decided_via = _blank_or(AgreedVia.choices)

    class Meta:
        model = Quote
        fields = ["id", "number", "request", "total", "state", "created_at", "created_by",
                  "decided_via", "decided_by", "decided_at", "signer_name", "note", "lines"]
        read_only_fields = fields


class QuoteAnswerSerializer(serializers.Serializer):
    signer_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PaymentSerializer(ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "number", "customer", "sheet", "amount", "method", "reference",
                  "received_by", "received_at", "handover"]
        read_only_fields = fields


class SheetPaymentSerializer(PaymentSerializer):
    """A payment as billing's own endpoints show it: with, for a sheet paid from money on
    account (method ``account``), the payment it was drawn from, and for its reversal the
    payment reversed and why."""

    class Meta(PaymentSerializer.Meta):
        fields = [*PaymentSerializer.Meta.fields, "drawn_from", "reverses", "reason"]
        read_only_fields = fields


class PaymentCreateSerializer(serializers.Serializer):
    sheet = RestrictedPrimaryKeyRelatedField(queryset=ChargeSheet.objects.all())
    amount = serializers.DecimalField(**MONEY, min_value=0)
    method = serializers.ChoiceField(choices=RECEIVED_METHODS)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)


class PaymentReverseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class HandoverSerializer(ModelSerializer):
    taken = serializers.DecimalField(**MONEY, read_only=True, allow_null=True)

    class Meta:
        model = Handover
        fields = ["id", "technician", "day", "state", "taken", "expected", "counted",
                  "difference", "reason", "confirmed_by", "confirmed_at", "version"]
        read_only_fields = fields


class HandoverConfirmSerializer(serializers.Serializer):
    counted = serializers.DecimalField(**MONEY, min_value=0)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ChargeSheetViewSet(viewsets.ReadOnlyModelViewSet):
    """Issued charge sheets of the jobs the caller may see."""

    serializer_class = ChargeSheetSerializer
    filterset_fields = ["request", "customer", "category"]

    def get_queryset(self):
        return (ChargeSheet.objects.restrict(self.request.user, "view")
                .prefetch_related("lines").order_by("-issued_at", "-id"))


class QuoteViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = QuoteSerializer
    filterset_fields = ["request", "state"]

    def get_queryset(self):
        return (Quote.objects.restrict(self.request.user, "view").prefetch_related("lines")
                .order_by("-created_at", "-id"))

    def _answer(self, request, fn):
        quote = self.get_object()
        data = QuoteAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quote = fn(actor=request.user, quote=quote, via=AgreedVia.PHONE, **data.validated_data)
        return Response(QuoteSerializer(quote).data)

    @extend_schema(request=QuoteAnswerSerializer, responses={200: QuoteSerializer},
                   summary="The customer agreed (told to the agent on the phone)")
    @action(detail=True, methods=["post"])
    def agree(self, request, pk=None):
        return self._answer(request, services.quote_agree)

    @extend_schema(request=QuoteAnswerSerializer, responses={200: QuoteSerializer},
                   summary="The customer refused (a reason in note)")
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._answer(request, services.quote_decline)


class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SheetPaymentSerializer
    filterset_fields = ["sheet", "customer", "method", "handover", "received_by"]

    def get_queryset(self):
        return Payment.objects.restrict(self.request.user, "view").order_by("-received_at", "-id")

    @extend_schema(request=PaymentCreateSerializer,
                   responses={201: SheetPaymentSerializer, 200: SheetPaymentSerializer},
                   parameters=[IDEMPOTENCY_REQUIRED])
    def create(self, request, *args, **kwargs):
        refused = key_required(request, _("This header is required for a payment."))
        if refused:
            return refused
        key = request.headers["Idempotency-Key"].strip()
        data = PaymentCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        payment, created = services.payment_record(
            actor=request.user, sheet=v["sheet"], amount=v["amount"], method=v["method"],
            reference=v.get("reference", ""), idempotency_key=key)
        return answer_once(SheetPaymentSerializer(payment).data, created)


    @extend_schema(request=PaymentReverseSerializer, responses={201: SheetPaymentSerializer},
                   parameters=[IDEMPOTENCY_REQUIRED],
                   summary="Reverse a sheet paid from money on account by mistake",
                   description="A new payment of the opposite amount naming it (``reverses``), "
                               "with the reason: the sheet owes it again and the money is back "
                               "on account. Only a payment of method ``account``; once (400 "
                               "under ``payment`` after that).")
    @action(detail=True, methods=["post"])
    @idempotent
    def reverse(self, request, pk=None):
        refused = key_required(request, _("This header is required for a payment."))
        if refused:
            return refused
        payment = self.get_object()
        data = PaymentReverseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reversal = services.payment_draw_reverse(actor=request.user, payment=payment,
                                                 reason=data.validated_data["reason"])
        return Response(SheetPaymentSerializer(reversal).data, status=status.HTTP_201_CREATED)


class HandoverViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = HandoverSerializer
    filterset_fields = ["technician", "day", "state"]

    def get_queryset(self):
        return handover_list(self.request.user).order_by("-day", "-id")

    @extend_schema(request=HandoverConfirmSerializer, responses={200: HandoverSerializer},
                   summary="The accountant confirms what was received")
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        handover = self.get_object()
        data = HandoverConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.handover_confirm(actor=request.user, handover=handover,
                                  counted=data.validated_data["counted"],
                                  reason=data.validated_data.get("reason", ""))
        return Response(HandoverSerializer(self.get_queryset().get(pk=handover.pk)).data)


# (prefix, viewset, basename): api/urls.py registers every route listed here.
ROUTES: list = [
    ("charge-sheets", ChargeSheetViewSet, "charge-sheet"),
    ("quotes", QuoteViewSet, "quote"),
    ("payments", PaymentViewSet, "payment"),
    ("handovers", HandoverViewSet, "handover"),
]
