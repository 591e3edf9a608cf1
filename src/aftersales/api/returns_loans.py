"""/api/v1/return-obligations/ and /api/v1/loans/ (PT-3).

Return obligations are made by fitting a free part on a job; here they are read (``?overdue=``,
``?status=``, ``?request=``, ``?owed_by=``) and moved on: ``POST …/{id}/serials/``, ``send/``,
``receive/``; a dealer's login (its system) reads and sends back what its dealer owes. Loans
are staff's: listed (``?overdue=``, ``?status=``, ``?warehouse=``), made (``POST``,
idempotent with an ``Idempotency-Key``) and brought back (``POST …/{id}/return/``). Reads go
through ``restrict``; every write calls parts.services."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.core.dates import local_today
from aftersales.customers.models import Customer
from aftersales.dealers.models import Dealer
from aftersales.parts.models import (
    Loan,
    LoanStatus,
    Part,
    ReturnObligation,
    ReturnStatus,
    Warehouse,
)
from aftersales.parts.services import loans as loan_services
from aftersales.parts.services import returns as return_services

from .fields import RestrictedPrimaryKeyRelatedField
from .idempotency import idempotent
from .permissions import StaffOrDealer
from .serializers import ModelSerializer
from .views import IDEMPOTENCY_HEADER


class ReturnObligationSerializer(ModelSerializer):
    class Meta:
        model = ReturnObligation
        fields = ["id", "usage", "dealer_job_part", "request", "service_centre", "part",
                  "quantity", "new_serial",
                  "faulty_serial", "owed_by", "dealer", "due_on", "receiving_point", "status",
                  "sent_at", "tracking", "received_at", "received_by", "kept_at",
                  "charge_amount", "version", "created_at"]
        read_only_fields = fields


class SerialsSerializer(serializers.Serializer):
    new_serial = serializers.CharField(max_length=60, required=False, allow_blank=True)
    faulty_serial = serializers.CharField(max_length=60, required=False, allow_blank=True)


class SendSerializer(serializers.Serializer):
    faulty_serial = serializers.CharField(
        max_length=60, required=False,
        help_text=_("The faulty part's serial, if not recorded yet."))
    tracking = serializers.CharField(max_length=60, required=False, allow_blank=True)


class ReceiveSerializer(serializers.Serializer):
    faulty_serial = serializers.CharField(max_length=60, required=False)


def _overdue(queryset, open_status, value):
    late = Q(status=open_status, due_on__lt=local_today())
    return queryset.filter(late) if value else queryset.exclude(late)


class ReturnObligationFilterSet(filters.FilterSet):
    overdue = filters.BooleanFilter(method="filter_overdue",
                                    label=_("still open after the due day"))

    class Meta:
        model = ReturnObligation
        fields = ["status", "request", "owed_by", "dealer", "part"]

    def filter_overdue(self, queryset, name, value):
        return _overdue(queryset, ReturnStatus.OPEN, value)


class ReturnObligationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              viewsets.GenericViewSet):
    """Faulty parts owed back: a technician sees what he owes, a centre its own, HQ all; a
    dealer's system what its dealer owes, which it records and sends back (not receives)."""

    permission_classes = [StaffOrDealer]
    serializer_class = ReturnObligationSerializer
    filterset_class = ReturnObligationFilterSet

    def get_queryset(self):
        return ReturnObligation.objects.restrict(self.request.user, "view").order_by("due_on", "id")

    def _answer(self, obligation):
        return Response(ReturnObligationSerializer(self.get_queryset().get(pk=obligation.pk)).data)

    @extend_schema(request=SerialsSerializer, responses=ReturnObligationSerializer,
                   summary="Record the new and the faulty part's serial numbers",
                   parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"])
    @idempotent
    def serials(self, request, pk=None):
        obligation = self.get_object()
        data = SerialsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        return self._answer(return_services.obligation_serials_record(
            actor=request.user, obligation=obligation,
            new_serial=v.get("new_serial", obligation.new_serial),
            faulty_serial=v.get("faulty_serial", obligation.faulty_serial)))

    @extend_schema(request=SendSerializer, responses=ReturnObligationSerializer,
                   summary="The faulty part is sent back", parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"])
    @idempotent
    def send(self, request, pk=None):
        obligation = self.get_object()
        data = SendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        return self._answer(return_services.obligation_send(
            actor=request.user, obligation=obligation, faulty_serial=v.get("faulty_serial"),
            tracking=v.get("tracking", "")))

    @extend_schema(request=ReceiveSerializer, responses=ReturnObligationSerializer,
                   summary="The receiving point received the faulty part",
                   parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"])
    @idempotent
    def receive(self, request, pk=None):
        obligation = self.get_object()
        data = ReceiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(return_services.obligation_receive(
            actor=request.user, obligation=obligation,
            faulty_serial=data.validated_data.get("faulty_serial")))


class LoanSerializer(ModelSerializer):
    class Meta:
        model = Loan
        fields = ["id", "number", "warehouse", "part", "quantity", "customer", "dealer",
                  "due_on", "status", "note", "lent_by", "returned_at", "reminded_at", "kept_at",
                  "charge_amount",
                  "version", "created_at"]
        read_only_fields = fields


class LoanCreateSerializer(serializers.Serializer):
    """A part or spare unit lent to one customer or one dealer. Not for gifts, office supplies,
    brochures, parts already charged or special approvals (PT-3): those are not loans."""

    warehouse = RestrictedPrimaryKeyRelatedField(queryset=Warehouse.objects.all())
    part = serializers.PrimaryKeyRelatedField(queryset=Part.objects.filter(active=True))
    # the part's unit decides how fine a quantity may be (parts.services.quantity_clean)
    quantity = serializers.CharField(max_length=20)
    customer = RestrictedPrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False,
                                                allow_null=True)
    dealer = RestrictedPrimaryKeyRelatedField(queryset=Dealer.objects.all(), required=False,
                                              allow_null=True)
    due_on = serializers.DateField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class LoanFilterSet(filters.FilterSet):
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("still out after the due day"))

    class Meta:
        model = Loan
        fields = ["status", "warehouse", "part", "customer", "dealer"]

    def filter_overdue(self, queryset, name, value):
        return _overdue(queryset, LoanStatus.OUT, value)


class LoanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Loans from the places the caller may see."""

    serializer_class = LoanSerializer
    filterset_class = LoanFilterSet

    def get_queryset(self):
        return Loan.objects.restrict(self.request.user, "view").order_by("due_on", "id")

    @extend_schema(request=LoanCreateSerializer, responses={201: LoanSerializer},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent
    def create(self, request, *args, **kwargs):
        data = LoanCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        loan = loan_services.loan_create(
            actor=request.user, warehouse=v["warehouse"], part=v["part"], quantity=v["quantity"],
            due_on=v["due_on"], customer=v.get("customer"), dealer=v.get("dealer"),
            note=v.get("note", ""))
        return Response(LoanSerializer(loan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=LoanSerializer,
                   summary="The loan is brought back into its place",
                   parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"], url_path="return")
    @idempotent
    def bring_back(self, request, pk=None):
        loan = loan_services.loan_return(actor=request.user, loan=self.get_object())
        return Response(LoanSerializer(self.get_queryset().get(pk=loan.pk)).data)
