"""/api/v1/ for 三包 outcomes (SR-3): read them, and decide one (POST, with an
``Idempotency-Key``: a refund moves money). The rule and the effects live in warranty.services.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.parts.models import Part, Warehouse
from aftersales.service.models import ServiceRequest
from aftersales.warranty import services
from aftersales.warranty.choices import DisposalKind, OutcomeKind, PayoutMethod
from aftersales.warranty.models import UnitReturn, WarrantyOutcome

from .fields import RestrictedPrimaryKeyRelatedField
from .idempotency import idempotent
from .parsers import MultiPartParser
from .serializers import ModelSerializer
from .views import IDEMPOTENCY_HEADER


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    mime = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    uploaded_at = serializers.DateTimeField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return reverse("attachment", args=[attachment.pk])


class UnitReturnSerializer(ModelSerializer):
    class Meta:
        model = UnitReturn
        fields = ["serial", "warehouse", "received_at", "received_by", "note"]
        read_only_fields = fields


class WarrantyUnitDisposalSerializer(serializers.Serializer):
    """What became of a faulty unit: sent to record it, answered as recorded."""

    kind = serializers.ChoiceField(choices=DisposalKind.choices)
    day = serializers.DateField(help_text="Not in the future, not before the unit was received.")
    reference = serializers.CharField(required=False, allow_blank=True, max_length=60,
                                      help_text="The maker's return reference or waybill "
                                                "(required when returned to the maker).")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300,
                                   help_text="Why it was scrapped (required when scrapped).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    recorded_by = serializers.IntegerField(source="recorded_by_id", read_only=True)
    recorded_at = serializers.DateTimeField(read_only=True)


class WarrantyRefundPayoutSerializer(serializers.Serializer):
    """A refund paid out: sent to record it, answered as recorded (with the refund note's
    amount). ``payout_method``, not ``method``: billing's payment methods are another set."""

    payout_method = serializers.ChoiceField(choices=PayoutMethod.choices, source="method")
    paid_on = serializers.DateField(help_text="Not in the future, not before the decision.")
    reference = serializers.CharField(required=False, allow_blank=True, max_length=60,
                                      help_text="The transaction number (required unless "
                                                "paid in cash).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True,
                                      coerce_to_string=True)
    credit_note = serializers.IntegerField(source="credit_note_id", read_only=True)
    credit_note_number = serializers.CharField(source="credit_note.number", read_only=True)
    paid_by = serializers.IntegerField(source="paid_by_id", read_only=True)
    recorded_at = serializers.DateTimeField(read_only=True)


class OutcomeSerializer(ModelSerializer):
    refund_amount = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True,
                                             allow_null=True, coerce_to_string=True)
    credit_note_number = serializers.CharField(source="credit_note.number", read_only=True,
                                               allow_null=True, default=None)
    entitled = serializers.ListField(child=serializers.ChoiceField(choices=OutcomeKind.choices),
                                     read_only=True)
    prior_repairs = serializers.ListField(child=serializers.CharField(), read_only=True)
    unit_return = serializers.SerializerMethodField()
    unit_disposal = serializers.SerializerMethodField()
    refund_payout = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = WarrantyOutcome
        fields = ["id", "number", "request", "kind", "serious_fault", "days_since_purchase",
                  "prior_repairs", "entitled", "reasons", "note", "refund_amount", "credit_note",
                  "credit_note_number", "replacement_part", "replacement_warehouse",
                  "replacement_serial", "stock_move", "decided_by", "decided_at",
                  "unit_serial", "unit_return", "unit_disposal", "refund_payout", "evidence"]
        read_only_fields = fields

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_evidence(self, outcome) -> list:
        """The photos and PDFs the decision rests on (download: ``url``)."""
        evidence = sorted((a for a in outcome.attachments.all() if a.kind == "evidence"),
                          key=lambda a: a.pk)
        return AttachmentSerializer(evidence, many=True).data

    @extend_schema_field(UnitReturnSerializer(allow_null=True))
    def get_unit_return(self, outcome) -> dict | None:
        """The faulty unit given back on a replacement or refund, once received."""
        received = getattr(outcome, "unit_return", None)
        return UnitReturnSerializer(received).data if received is not None else None

    @extend_schema_field(WarrantyUnitDisposalSerializer(allow_null=True))
    def get_unit_disposal(self, outcome) -> dict | None:
        """What became of the faulty unit once received (null until recorded)."""
        received = getattr(outcome, "unit_return", None)
        disposal = getattr(received, "disposal", None) if received is not None else None
        return WarrantyUnitDisposalSerializer(disposal).data if disposal is not None else None

    @extend_schema_field(WarrantyRefundPayoutSerializer(allow_null=True))
    def get_refund_payout(self, outcome) -> dict | None:
        """A refund's money paid out (null until recorded, and for other outcomes)."""
        payout = getattr(outcome, "refund_payout", None)
        return WarrantyRefundPayoutSerializer(payout).data if payout is not None else None


class OutcomeCreateSerializer(serializers.Serializer):
    request = RestrictedPrimaryKeyRelatedField(queryset=ServiceRequest.objects.all())
    kind = serializers.ChoiceField(choices=OutcomeKind.choices)
    serious_fault = serializers.BooleanField(required=False, default=False)
    same_fault = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False,
        max_length=100, help_text=_("Ids of the earlier repairs of the same fault (evidence)."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    refund_amount = serializers.DecimalField(max_digits=10, decimal_places=2, required=False,
                                             min_value=0, coerce_to_string=True)
    replacement_part = serializers.PrimaryKeyRelatedField(queryset=Part.objects.all(),
                                                          required=False, allow_null=True)
    replacement_warehouse = RestrictedPrimaryKeyRelatedField(queryset=Warehouse.objects.all(),
                                                             required=False, allow_null=True)
    replacement_serial = serializers.CharField(required=False, allow_blank=True, max_length=60)


class EvidenceSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A photo (JPEG, PNG, WebP) or a PDF.")


class UnitReceivedSerializer(serializers.Serializer):
    warehouse = RestrictedPrimaryKeyRelatedField(queryset=Warehouse.objects.all())
    serial = serializers.CharField(max_length=60)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class OutcomeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """三包 outcomes of the requests the caller may see; POST decides one (once per request)."""

    serializer_class = OutcomeSerializer
    filterset_fields = ["kind", "request"]

    def get_queryset(self):
        return (WarrantyOutcome.objects.restrict(self.request.user, "view")
                .select_related("credit_note", "unit_return__disposal", "refund_payout")
                .prefetch_related("attachments")
                .order_by("-decided_at", "-id"))

    @extend_schema(request=OutcomeCreateSerializer, responses={201: OutcomeSerializer},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent
    def create(self, request, *args, **kwargs):
        data = OutcomeCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        job = values.pop("request")
        outcome = services.outcome_decide(actor=request.user, request=job, **values)
        return Response(OutcomeSerializer(outcome, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=UnitReceivedSerializer, responses={201: UnitReturnSerializer},
                   summary="The faulty unit of a replacement or refund came back")
    @action(detail=True, methods=["post"], url_path="unit-received")
    def unit_received(self, request, pk=None):
        outcome = self.get_object()
        data = UnitReceivedSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        received = services.unit_received(actor=request.user, outcome=outcome,
                                          **data.validated_data)
        return Response(UnitReturnSerializer(received).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WarrantyUnitDisposalSerializer,
                   responses={201: WarrantyUnitDisposalSerializer},
                   parameters=[IDEMPOTENCY_HEADER],
                   summary="What became of the faulty unit once received")
    @action(detail=True, methods=["post"], url_path="unit-disposed")
    @idempotent
    def unit_disposed(self, request, pk=None):
        outcome = self.get_object()
        data = WarrantyUnitDisposalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        disposal = services.unit_disposed(actor=request.user, outcome=outcome,
                                          **data.validated_data)
        return Response(WarrantyUnitDisposalSerializer(disposal).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=WarrantyRefundPayoutSerializer,
                   responses={201: WarrantyRefundPayoutSerializer},
                   parameters=[IDEMPOTENCY_HEADER],
                   summary="A refund's money paid out")
    @action(detail=True, methods=["post"], url_path="refund-paid")
    @idempotent
    def refund_paid(self, request, pk=None):
        outcome = self.get_object()
        data = WarrantyRefundPayoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payout = services.refund_paid(actor=request.user, outcome=outcome,
                                      **data.validated_data)
        return Response(WarrantyRefundPayoutSerializer(payout).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": EvidenceSerializer},
                   responses={201: AttachmentSerializer},
                   summary="Add a photo or PDF to the outcome's evidence")
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request, pk=None):
        outcome = self.get_object()
        data = EvidenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.evidence_add(actor=request.user, outcome=outcome,
                                           upload=data.validated_data["file"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


# (prefix, viewset, basename): api/urls.py registers every route listed here.
ROUTES: list = [("warranty-outcomes", OutcomeViewSet, "warranty-outcome")]
