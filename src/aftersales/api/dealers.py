"""The integration API's endpoints for dealers (their rules live in the app's services).

A dealer's system logs in as one of the dealer's users (role ``dealer``, not staff): these
endpoints — and the faulty parts it owes back (return-obligations/) — let it in
(``permissions.StaffOrDealer``), and ``restrict`` scopes every read to its
own dealer. It pushes the calls it took itself (``POST dealer-jobs/``), accepts and completes the
jobs handed to it — with the parts it fitted, which leave its stock — corrects a completed job's
parts until the month is reported (``parts/``), and submits its monthly report; HQ hands a
request over with
``POST dealer-jobs/hand-over/``. Every POST takes an ``Idempotency-Key``: dealer systems repeat.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.core.exceptions import PermissionDenied
from aftersales.core.querysets import get_restricted
from aftersales.customers.models import Customer, InstalledProduct
from aftersales.dealers import services
from aftersales.dealers.choices import JobKind
from aftersales.dealers.models import Dealer, DealerJob, DealerJobPart, MonthlyReport, Region
from aftersales.parts.models import Part
from aftersales.service.models import ServiceRequest

from .fields import DateTimeField, RestrictedPrimaryKeyRelatedField
from .idempotency import idempotent
from .permissions import StaffOrDealer
from .serializers import ModelSerializer
from .views import IDEMPOTENCY_HEADER


class RegionSerializer(ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "places"]


class DealerSerializer(ModelSerializer):
    regions = RegionSerializer(many=True, read_only=True)

    class Meta:
        model = Dealer
        fields = ["id", "code", "name", "state", "contact", "phone", "address", "service_centre",
                  "regions"]


class DealerJobPartSerializer(ModelSerializer):
    part_code = serializers.CharField(source="part.code", read_only=True)

    class Meta:
        model = DealerJobPart
        fields = ["id", "part", "part_code", "quantity", "unit_price", "charged"]
        read_only_fields = fields


class DealerJobSerializer(ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True,
                                           allow_null=True, default=None)
    on_time = serializers.BooleanField(read_only=True, allow_null=True)
    parts = DealerJobPartSerializer(many=True, read_only=True)

    class Meta:
        model = DealerJob
        fields = ["id", "dealer", "request", "request_number", "customer", "installed_product",
                  "kind", "source", "state", "description", "reference", "handed_at", "due_at",
                  "accepted_at", "completed_at", "fault_found", "fault_cause", "action_taken",
                  "confirmed_by", "rating", "on_time", "parts", "version"]
        read_only_fields = fields


class DealerJobRecordSerializer(serializers.Serializer):
    customer = RestrictedPrimaryKeyRelatedField(queryset=Customer.objects.all())
    kind = serializers.ChoiceField(choices=JobKind.choices, default=JobKind.REPAIR)
    description = serializers.CharField(max_length=2000)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    received_at = DateTimeField(required=False, allow_null=True, default=None)


class HandOverSerializer(serializers.Serializer):
    request = RestrictedPrimaryKeyRelatedField(queryset=ServiceRequest.objects.all())
    dealer = RestrictedPrimaryKeyRelatedField(queryset=Dealer.objects.all())
    kind = serializers.ChoiceField(choices=JobKind.choices, default=JobKind.REPAIR)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class FittedPartSerializer(serializers.Serializer):
    part = serializers.SlugRelatedField(
        slug_field="code", queryset=Part.objects.all(),
        help_text=_("The part's number on the price list."))
    quantity = serializers.IntegerField(min_value=1, default=1)


class CompleteSerializer(serializers.Serializer):
    fault_found = serializers.CharField(max_length=2000)
    fault_cause = serializers.CharField(max_length=2000)
    action_taken = serializers.CharField(max_length=2000)
    confirmed_by = serializers.CharField(max_length=100)
    rating = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True,
                                      default=None)
    parts = FittedPartSerializer(
        many=True, required=False, max_length=50,
        help_text=_("The parts fitted from the dealer's stock, each part once. Each leaves the "
                    "dealer's stock place with the completion (not enough there: 400 and nothing "
                    "is saved); one fitted free under warranty owes its faulty part back."))
    installed_product = RestrictedPrimaryKeyRelatedField(
        queryset=InstalledProduct.objects.all(), required=False, allow_null=True, default=None,
        help_text=_("A call the dealer took itself: the customer's unit it worked on, whose "
                    "warranty decides whether the parts are free (none named: charged)."))


class PartTakeOffSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=300, help_text=_("Why the parts are corrected (kept on the job's timeline)."))


class PartAddSerializer(PartTakeOffSerializer):
    part = serializers.PrimaryKeyRelatedField(
        queryset=Part.objects.all(),
        help_text=_("A part fitted but not recorded at completion, not on the job yet: it leaves "
                    "the dealer's stock place now (not enough there: 400 and nothing is saved), "
                    "free or charged as the job's parts are."))
    quantity = serializers.IntegerField(min_value=1, default=1)


LINE_PARAMETER = OpenApiParameter(
    "line", int, OpenApiParameter.PATH,
    description="The line's id: ``id`` of one of the job's ``parts``.")


class EmptySerializer(serializers.Serializer):
    pass


class MonthlyReportSerializer(ModelSerializer):
    class Meta:
        model = MonthlyReport
        fields = ["id", "dealer", "month", "due_on", "state", "installs", "repairs",
                  "follow_ups", "training", "parts_replaced", "note", "submitted_at"]
        read_only_fields = fields


class ReportSubmitSerializer(serializers.Serializer):
    installs = serializers.IntegerField(min_value=0, max_value=1_000_000)
    repairs = serializers.IntegerField(min_value=0, max_value=1_000_000)
    follow_ups = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    training = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    parts_replaced = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DealerViewSet(viewsets.ReadOnlyModelViewSet):
    """Dealers and the regions they serve (a dealer's login: its own)."""

    permission_classes = [StaffOrDealer]
    serializer_class = DealerSerializer
    filterset_fields = ["state"]

    def get_queryset(self):
        return (Dealer.objects.restrict(self.request.user, "view")
                .prefetch_related("regions").order_by("code"))


class DealerJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """Jobs of the dealers the caller may see; POST records a call the dealer took itself."""

    permission_classes = [StaffOrDealer]
    serializer_class = DealerJobSerializer
    filterset_fields = ["dealer", "state", "kind", "source"]

    def get_queryset(self):
        return DealerJob.objects.restrict(self.request.user, "view").select_related(
            "request").prefetch_related("parts__part").order_by("-handed_at", "-id")

    def _dealer(self):
        link = getattr(self.request.user, "dealer_link", None)
        if link is None:
            raise PermissionDenied()  # staff hand jobs over (hand-over/); a dealer records its own
        return link.dealer

    @extend_schema(request=DealerJobRecordSerializer, responses={201: DealerJobSerializer},
                   parameters=[IDEMPOTENCY_HEADER], summary="Record a call the dealer took")
    @idempotent
    def create(self, request, *args, **kwargs):
        data = DealerJobRecordSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        job = services.dealer_job_record(actor=request.user, dealer=self._dealer(),
                                         **data.validated_data)
        return Response(DealerJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HandOverSerializer, responses={201: DealerJobSerializer},
                   parameters=[IDEMPOTENCY_HEADER], summary="Hand a request to a dealer (HQ)")
    @action(detail=False, methods=["post"], url_path="hand-over")
    @idempotent
    def hand_over(self, request):
        data = HandOverSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        job = services.job_hand_to_dealer(actor=request.user, job=v["request"], dealer=v["dealer"],
                                          kind=v["kind"], note=v["note"])
        return Response(DealerJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EmptySerializer, responses={200: DealerJobSerializer},
                   parameters=[IDEMPOTENCY_HEADER], summary="The dealer accepts the job")
    @action(detail=True, methods=["post"])
    @idempotent
    def accept(self, request, pk=None):
        job = services.dealer_job_accept(actor=request.user, job=self.get_object())
        return Response(DealerJobSerializer(job).data)

    @extend_schema(request=CompleteSerializer, responses={200: DealerJobSerializer},
                   parameters=[IDEMPOTENCY_HEADER],
                   summary="Job done, confirmed by the customer")
    @action(detail=True, methods=["post"])
    @idempotent
    def complete(self, request, pk=None):
        job = self.get_object()
        data = CompleteSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        parts = [(line["part"], line["quantity"]) for line in values.pop("parts", [])]
        job = services.dealer_job_complete(actor=request.user, job=job, parts=parts, **values)
        return Response(DealerJobSerializer(self.get_queryset().get(pk=job.pk)).data)

    # A completed job's parts corrected until its month is reported, as on the job page: by a
    # dealer's login only, as there (the service alone would let an admin act for any dealer).
    @extend_schema(request=PartAddSerializer, responses={201: DealerJobSerializer},
                   parameters=[IDEMPOTENCY_HEADER],
                   summary="Add a part fitted on a completed job but not recorded")
    @action(detail=True, methods=["post"], url_path="parts")
    @idempotent
    def part_add(self, request, pk=None):
        self._dealer()
        job = self.get_object()
        data = PartAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.dealer_job_part_add(actor=request.user, job=job, **data.validated_data)
        return Response(DealerJobSerializer(self.get_queryset().get(pk=job.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=PartTakeOffSerializer, responses={200: DealerJobSerializer},
                   parameters=[IDEMPOTENCY_HEADER, LINE_PARAMETER],
                   summary="Take a part recorded by mistake off a completed job")
    @action(detail=True, methods=["post"], url_path=r"parts/(?P<line>[0-9]+)/take-off")
    @idempotent
    def part_take_off(self, request, pk=None, line=None):
        self._dealer()
        job = self.get_object()
        line = get_restricted(DealerJobPart.objects.filter(job=job), request.user, pk=line)
        data = PartTakeOffSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.dealer_job_part_take_off(actor=request.user, line=line, **data.validated_data)
        return Response(DealerJobSerializer(self.get_queryset().get(pk=job.pk)).data)


class MonthlyReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """Dealers' monthly reports of installations and repairs, due by the 3rd."""

    permission_classes = [StaffOrDealer]
    serializer_class = MonthlyReportSerializer
    filterset_fields = ["dealer", "state", "month"]

    def get_queryset(self):
        return MonthlyReport.objects.restrict(self.request.user, "view").order_by(
            "-month", "dealer_id")

    @extend_schema(request=ReportSubmitSerializer, responses={200: MonthlyReportSerializer},
                   parameters=[IDEMPOTENCY_HEADER], summary="The dealer submits its month")
    @action(detail=True, methods=["post"])
    @idempotent
    def submit(self, request, pk=None):
        report = self.get_object()
        data = ReportSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.monthly_report_submit(actor=request.user, report=report,
                                                **data.validated_data)
        return Response(MonthlyReportSerializer(report).data)


# (prefix, viewset, basename): api/urls.py registers every route listed here.
ROUTES: list = [
    ("dealers", DealerViewSet, "dealer"),
    ("dealer-jobs", DealerJobViewSet, "dealer-job"),
    ("dealer-reports", MonthlyReportViewSet, "dealer-report"),
]
