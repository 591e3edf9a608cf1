"""/api/v1/stock-counts/ (PT-3 stock-take) for a scanner or a warehouse system: list and read
count sheets, open one (idempotent with an ``Idempotency-Key``), enter what was counted —
``POST …/{id}/lines/`` takes many lines at once, all or none — and the steps as
``POST …/{id}/{counted|recount|approve|cancel}/``. A blind count's books (expected quantities and
differences) are null until counting is finished, as on the page. Every write calls
parts.services; reads go through ``restrict``."""

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.parts.models import Part, StockCount, StockCountLine, Warehouse
from aftersales.parts.services import counts as count_services

from .fields import RestrictedPrimaryKeyRelatedField
from .idempotency import idempotent
from .material_requests import StepSerializer
from .serializers import ModelSerializer
from .views import IDEMPOTENCY_HEADER, expected_version

QUANTITY = {"max_digits": 14, "decimal_places": 3, "read_only": True, "allow_null": True}


class StockCountLineSerializer(ModelSerializer):
    part_code = serializers.CharField(source="part.code", read_only=True)
    expected = serializers.SerializerMethodField(
        help_text="What the books held when the sheet was opened; null while a blind count is "
                  "being counted.")
    difference = serializers.SerializerMethodField(
        help_text="Counted less expected; null until counted (and while a blind count is open).")

    class Meta:
        model = StockCountLine
        fields = ["id", "part", "part_code", "expected", "counted", "difference", "unit_cost"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(**QUANTITY))
    def get_expected(self, line):
        return None if line.count.hides_books else f"{line.expected:f}"

    @extend_schema_field(serializers.DecimalField(**QUANTITY))
    def get_difference(self, line):
        if line.count.hides_books or line.counted is None:
            return None
        return f"{line.counted - line.expected:f}"


class StockCountSerializer(ModelSerializer):
    lines = serializers.SerializerMethodField()

    class Meta:
        model = StockCount
        fields = ["id", "number", "warehouse", "status", "blind", "note", "opened_by",
                  "counted_at", "approved_by", "approved_at", "version", "created_at", "lines"]
        read_only_fields = fields

    @extend_schema_field(StockCountLineSerializer(many=True))
    def get_lines(self, count) -> list:
        lines = count.lines.all()  # prefetched in order (StockCountViewSet.get_queryset)
        for line in lines:
            line.count = count  # one sheet: its blindness is read once
        return StockCountLineSerializer(lines, many=True).data


class StockCountOpenSerializer(serializers.Serializer):
    warehouse = RestrictedPrimaryKeyRelatedField(queryset=Warehouse.objects.all())
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    blind = serializers.BooleanField(required=False, default=False)


class CountedLineSerializer(serializers.Serializer):
    part = serializers.SlugRelatedField(
        slug_field="code", queryset=Part.objects.all(),
        help_text=_("The part's number, as its label reads."))
    # the part's unit decides how fine a quantity may be (parts.services.counts.counted_clean)
    counted = serializers.CharField(max_length=20)


class CountedLinesSerializer(serializers.Serializer):
    lines = CountedLineSerializer(many=True, allow_empty=False, max_length=1000)


def _step_schema(summary):
    return extend_schema(request=StepSerializer, responses=StockCountSerializer,
                         summary=summary, parameters=[IDEMPOTENCY_HEADER])


class StockCountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    serializer_class = StockCountSerializer
    filterset_fields = ["status", "warehouse"]

    def get_queryset(self):
        return (StockCount.objects.restrict(self.request.user, "view")
                .prefetch_related(Prefetch("lines", queryset=StockCountLine.objects
                                           .select_related("part").order_by("part__code", "id")))
                .order_by("-created_at", "-id"))

    def _answer(self, count, code=status.HTTP_200_OK):
        return Response(StockCountSerializer(self.get_queryset().get(pk=count.pk)).data,
                        status=code)

    @extend_schema(request=StockCountOpenSerializer, responses={201: StockCountSerializer},
                   parameters=[IDEMPOTENCY_HEADER], summary="Open a count sheet for a place")
    @idempotent
    def create(self, request, *args, **kwargs):
        data = StockCountOpenSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        count = count_services.stock_count_open(actor=request.user, **data.validated_data)
        return self._answer(count, status.HTTP_201_CREATED)

    @extend_schema(request=CountedLinesSerializer, responses=StockCountSerializer,
                   parameters=[IDEMPOTENCY_HEADER],
                   summary="Enter what was counted (a part not on the sheet is added)")
    @action(detail=True, methods=["post"])
    @idempotent
    def lines(self, request, pk=None):
        count = self.get_object()
        data = CountedLinesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        on_sheet = {line.part_id: line for line in count.lines.select_related("part", "count")}
        with transaction.atomic():  # all the lines or none
            for entry in data.validated_data["lines"]:
                line = on_sheet.get(entry["part"].pk)
                if line is not None:
                    count_services.stock_count_line_set(actor=request.user, line=line,
                                                        counted=entry["counted"])
                else:
                    on_sheet[entry["part"].pk] = count_services.stock_count_line_add(
                        actor=request.user, count=count, part=entry["part"],
                        counted=entry["counted"])
        return self._answer(count)

    def _run(self, request, name):
        count = self.get_object()
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = count_services.ACTIONS[name](
            actor=request.user, count=count, note=data.validated_data.get("note", ""),
            expected_version=expected_version(request))
        return self._answer(updated)

    @_step_schema("Counting is finished (every line counted)")
    @action(detail=True, methods=["post"])
    @idempotent
    def counted(self, request, pk=None):
        return self._run(request, "counted")

    @_step_schema("Count again (back to open)")
    @action(detail=True, methods=["post"])
    @idempotent
    def recount(self, request, pk=None):
        return self._run(request, "recount")

    @_step_schema("Approve: each difference becomes an adjustment in the stock ledger")
    @action(detail=True, methods=["post"])
    @idempotent
    def approve(self, request, pk=None):
        return self._run(request, "approve")

    @_step_schema("Cancel the count (reason required)")
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, pk=None):
        return self._run(request, "cancel")


# (prefix, viewset, basename): api/urls.py registers every route listed here.
ROUTES: list = [("stock-counts", StockCountViewSet, "stock-count")]
