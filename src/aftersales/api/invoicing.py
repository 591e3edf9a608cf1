"""The integration API's endpoints for invoicing (their rules live in the app's services).

- ``invoices/``: issued invoices with their lines (read); POST issues one for a customer — the
  charged work of a month (``period`` YYMM), the given charge sheets, or a maintenance
  contract's fee — or for a dealer, its shipped and paid parts order (``order``) — and REQUIRES an ``Idempotency-Key`` header: the same key returns the first
  invoice again. ``invoices/{id}/payments/``: POST records money paid against the invoice
  itself (REQUIRES an ``Idempotency-Key``; never more than is outstanding). An invoice shows its
  current payment schedule (``schedule``, null without one: each instalment with what of it is
  paid and its state); ``invoices/{id}/schedule/``: POST makes or replaces it (REQUIRES an
  ``Idempotency-Key``). ``payments/`` may also apply money on account: with ``payment`` (a
  payment on account of the invoice's customer) ``amount`` is taken from it, no new money.
- ``customer-payments/``: money the back office received from a customer without a charge sheet,
  with its ``allocations`` (how much of it pays which invoice; reversals negative) and what is
  left ``on_account`` (预收款). POST records one, split over the customer's invoices, the rest
  on account; ``{id}/apply/`` applies money on account to invoices; ``{id}/reverse/`` reverses
  one mistaken application (all REQUIRE an ``Idempotency-Key``). Never beyond an invoice's
  outstanding amount nor beyond the payment (400).
- ``credit-notes/``: credit notes, allowances and refunds (read); POST issues one (REQUIRES an
  ``Idempotency-Key``); never more than the invoice has left to credit (400). Against a
  dealer's invoice the note is the dealer's (``dealer``; ``customer`` null).
- ``return-notes/``: goods returned against an invoice (read); POST issues one with its credit
  note (REQUIRES an ``Idempotency-Key``).
- ``receivables/``: per customer, invoiced − paid − credited and the open amounts by age
  (``?customer=``, ``?as_of=YYYY-MM-DD``).
Staff who work the desk read them; accountants, service managers and administrators write.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.billing.choices import RECEIVED_METHODS, Method
from aftersales.billing.models import ChargeSheet, Payment
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.filters import IsoDateTimeFilter
from aftersales.customers.models import Customer, MaintenanceContract
from aftersales.invoicing import services
from aftersales.invoicing.choices import CreditKind, InstalmentState
from aftersales.invoicing.models import (
    CreditNote,
    CreditNoteLine,
    DepositRefund,
    Invoice,
    InvoiceLine,
    InvoicePayment,
    InvoiceRefund,
    ReturnNote,
    ReturnNoteLine,
)
from aftersales.invoicing.models.base import READ_ROLES
from aftersales.invoicing.models.documents import REFUND_METHODS
from aftersales.invoicing.permissions import may_issue
from aftersales.invoicing.schedules import INSTALMENTS_OR_SPLIT
from aftersales.invoicing.selectors import (
    invoice_balances,
    payment_plans,
    payments_on_account,
    receivables,
)
from aftersales.parts.models import MaterialRequest, Part

from .billing import PaymentSerializer, SheetPaymentSerializer
from .idempotency import answer_once, idempotent, key_required
from .material_requests import MaterialRequestPaymentSerializer
from .serializers import ModelSerializer

MONEY = {"max_digits": 12, "decimal_places": 2}
IDEMPOTENCY_REQUIRED = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=True,
    description="Required: the document is issued once per key; the same key returns it again.")


def _key_missing(request):
    refused = key_required(request, _("This header is required to issue a document."))
    if refused:
        return refused
    if not may_issue(request.user):
        raise PermissionDenied(_("Only accountants, service managers and administrators issue "
                                 "invoicing documents."))
    return None


class IssuesDocuments:
    # POST issues a document (REQUIRES an ``Idempotency-Key``): ``issue_serializer`` checks the
    # input and ``issue`` hands it to the service; the answer is 201 with the document as the
    # view's ``serializer_class`` shows it. (A comment, not a docstring: the OpenAPI schema would
    # take a docstring as every operation's description.)

    issue_serializer: type[serializers.Serializer]

    def issue(self, data: dict):
        raise NotImplementedError

    @idempotent
    def create(self, request, *args, **kwargs):
        refused = _key_missing(request)
        if refused:
            return refused
        data = self.issue_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = self.issue(data.validated_data)
        return Response(self.serializer_class(document).data, status=status.HTTP_201_CREATED)


def _issue_schema(issue_serializer, serializer):
    return extend_schema_view(create=extend_schema(
        request=issue_serializer, responses={201: serializer}, parameters=[IDEMPOTENCY_REQUIRED]))


class InvoiceLineSerializer(ModelSerializer):
    """A line charges one job's charge sheet, one maintenance contract's fee, one dealer's
    parts order, a faulty part a dealer kept instead of sending it back (a return obligation) or
    a lent part not brought back (a loan); the others are null."""

    sheet_number = serializers.CharField(source="sheet.number", read_only=True, allow_null=True)
    contract_number = serializers.CharField(source="contract.number", read_only=True,
                                            allow_null=True)
    order_number = serializers.CharField(source="order.number", read_only=True, allow_null=True)
    loan_number = serializers.CharField(source="loan.number", read_only=True, allow_null=True)

    class Meta:
        model = InvoiceLine
        fields = ["sheet", "sheet_number", "contract", "contract_number", "order",
                  "order_number", "obligation", "loan", "loan_number", "description", "net",
                  "tax", "amount"]
        read_only_fields = fields


class ScheduledInstalmentSerializer(serializers.Serializer):
    position = serializers.IntegerField(source="instalment.position")
    due_on = serializers.DateField(source="instalment.due_on")
    amount = serializers.DecimalField(**MONEY, source="instalment.amount")
    paid = serializers.DecimalField(
        **MONEY, help_text="The invoice's payments applied to its instalments in due order.")
    open = serializers.DecimalField(**MONEY)
    state = serializers.ChoiceField(choices=InstalmentState.choices)


class PaymentScheduleSerializer(serializers.Serializer):
    revision = serializers.IntegerField(
        source="schedule.revision",
        help_text="The schedule's version; send it as ``replaces`` to replace it.")
    amount_due = serializers.DecimalField(**MONEY, source="schedule.amount_due")
    reason = serializers.CharField(source="schedule.reason")
    made_at = serializers.DateTimeField(source="schedule.made_at")
    made_by = serializers.IntegerField(source="schedule.made_by_id", allow_null=True)
    instalments = ScheduledInstalmentSerializer(many=True)


class AllocationSerializer(ModelSerializer):
    """How much of a payment paid an invoice; a reversal is negative and names the row it
    reverses (``reverses``) with its ``reason``."""

    payment_number = serializers.CharField(source="payment.number", read_only=True)
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)
    reversed = serializers.SerializerMethodField(
        help_text="Whether a later row reversed this application.")

    class Meta:
        model = InvoicePayment
        fields = ["id", "payment", "payment_number", "invoice", "invoice_number", "amount",
                  "reverses", "reversed", "reason", "allocated_at", "allocated_by"]
        read_only_fields = fields

    def get_reversed(self, allocation) -> bool:
        reversed_ids = self.context.get("reversed_ids")
        if reversed_ids is None:
            return InvoicePayment.objects.filter(reverses=allocation).exists()
        return allocation.pk in reversed_ids


def _allocation_data(allocations) -> list:
    allocations = list(allocations)
    reversed_ids = {a.reverses_id for a in allocations if a.reverses_id}
    return AllocationSerializer(allocations, many=True,
                                context={"reversed_ids": reversed_ids}).data


class InvoiceRefundSerializer(ModelSerializer):
    class Meta:
        model = InvoiceRefund
        fields = ["id", "invoice", "amount", "method", "reference", "note", "refunded_at",
                  "refunded_by"]
        read_only_fields = fields


class InvoiceSerializer(ModelSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    payments = serializers.SerializerMethodField(
        help_text="Payments against the invoice itself (not those taken for its jobs), each "
                  "once; how much of each pays this invoice is in ``allocations``.")
    allocations = serializers.SerializerMethodField(
        help_text="How much of each payment was applied to this invoice (a payment may be split "
                  "over several invoices, or applied from money on account); reversals are "
                  "negative.")
    schedule = serializers.SerializerMethodField(
        help_text="The current payment schedule as of today, or null.")
    refunds = InvoiceRefundSerializer(
        many=True, read_only=True,
        help_text="Money paid back on the invoice to the dealer a credit note left owed (a "
                  "parts order's invoice is paid back on the order instead).")

    class Meta:
        model = Invoice
        fields = ["id", "number", "customer", "dealer", "kind", "period_start", "period_end", "net",
                  "tax_rate", "tax", "total", "issuer", "external_number", "issued_at",
                  "issued_by", "lines", "payments", "allocations", "schedule", "refunds"]
        read_only_fields = fields

    @extend_schema_field(PaymentSerializer(many=True))
    def get_payments(self, invoice) -> list:
        payments = {a.payment_id: a.payment for a in invoice.payments.all()}
        return PaymentSerializer(list(payments.values()), many=True).data

    @extend_schema_field(AllocationSerializer(many=True))
    def get_allocations(self, invoice) -> list:
        return _allocation_data(invoice.payments.all())

    @extend_schema_field(PaymentScheduleSerializer(allow_null=True))
    def get_schedule(self, invoice) -> dict | None:
        plans = self.context.get("plans")
        if plans is None:
            plans = payment_plans(invoice_balances(Invoice.objects.filter(pk=invoice.pk)))
        plan = plans.get(invoice.pk)
        return PaymentScheduleSerializer(plan).data if plan else None


class InstalmentInputSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    amount = serializers.DecimalField(**MONEY)


class ScheduleSplitSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many equal instalments (1–24).")
    every_months = serializers.IntegerField(help_text="1, 3, 6 or 12.")
    first_due_on = serializers.DateField()


class PaymentScheduleCreateSerializer(serializers.Serializer):
    """Either ``instalments`` (due dates ascending from the invoice's date, amounts above zero
    that add up to the invoice's total less its credit notes) or ``split`` (that amount in
    equal instalments, the rounding cent on the last one)."""

    instalments = InstalmentInputSerializer(many=True, required=False)
    split = ScheduleSplitSerializer(required=False)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                   help_text="Why; required to replace a schedule.")
    replaces = serializers.IntegerField(
        min_value=0, required=False,
        help_text="The version of the schedule this replaces (0: none); if another was made "
                  "meanwhile the answer is 409.")

    def validate(self, data):
        if ("instalments" in data) == ("split" in data):
            raise serializers.ValidationError({"instalments": [INSTALMENTS_OR_SPLIT]})
        return data


class InvoicePaymentCreateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    method = serializers.ChoiceField(choices=RECEIVED_METHODS, default=Method.TRANSFER)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    payment = serializers.PrimaryKeyRelatedField(
        queryset=Payment.objects.filter(sheet__isnull=True), required=False, allow_null=True,
        help_text="Apply ``amount`` from this payment's money on account (the customer's) "
                  "instead of recording new money; ``method`` and ``reference`` are then the "
                  "payment's own.")


class DealerRefundSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"),
                                      help_text="At most what the invoice owes the dealer back.")
    method = serializers.ChoiceField(
        choices=REFUND_METHODS, required=False, default=Method.TRANSFER,
        help_text="How an invoice for parts the dealer kept is paid back; a parts order's "
                  "refund is a row of method refund on the order's ledger.")
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class AllocationInputSerializer(serializers.Serializer):
    invoice = serializers.PrimaryKeyRelatedField(queryset=Invoice.objects.all())
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))


class DepositRefundSerializer(ModelSerializer):
    class Meta:
        model = DepositRefund
        fields = ["id", "number", "amount", "method", "reference", "reason", "refunded_at",
                  "refunded_by"]
        read_only_fields = fields


class CustomerPaymentSerializer(PaymentSerializer):
    """A payment received by the back office (no charge sheet): how much of it pays which
    invoice, and what is left on the customer's account."""

    allocations = serializers.SerializerMethodField()
    on_account = serializers.SerializerMethodField(
        help_text="What of the payment no invoice nor charge sheet has taken nor was paid back "
                  "(its amount less its allocations, the sheets paid from it and its refunds).")

    refunds = DepositRefundSerializer(many=True, read_only=True,
                                      help_text="What of it was paid back to the customer.")

    class Meta(PaymentSerializer.Meta):
        fields = [*PaymentSerializer.Meta.fields, "allocations", "on_account", "refunds"]
        read_only_fields = fields

    @extend_schema_field(AllocationSerializer(many=True))
    def get_allocations(self, payment) -> list:
        return _allocation_data(sorted(payment.invoice_allocations.all(), key=lambda a: a.pk))

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_on_account(self, payment) -> str:
        applied = sum((a.amount for a in payment.invoice_allocations.all()), Decimal("0.00"))
        drawn = sum((d.amount for d in payment.draws.all()), Decimal("0.00"))
        refunded = sum((r.amount for r in payment.refunds.all()), Decimal("0.00"))
        return str(payment.amount - applied - drawn - refunded)


class CustomerPaymentCreateSerializer(serializers.Serializer):
    """One payment, split over the customer's invoices; what ``allocations`` do not take stays
    on his account (no allocations: all of it, a deposit)."""

    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    method = serializers.ChoiceField(choices=RECEIVED_METHODS, default=Method.TRANSFER)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    allocations = AllocationInputSerializer(many=True, required=False)


class PaymentApplySerializer(serializers.Serializer):
    allocations = AllocationInputSerializer(many=True, allow_empty=False)


class SheetFromAccountSerializer(serializers.Serializer):
    sheet = serializers.PrimaryKeyRelatedField(
        queryset=ChargeSheet.objects.all(),
        help_text="A job's issued charge sheet of the payment's customer, on no invoice yet.")
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))


class DepositRefundCreateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    reason = serializers.CharField(max_length=300)
    method = serializers.ChoiceField(choices=REFUND_METHODS, default=Method.TRANSFER)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)


class AllocationReverseSerializer(serializers.Serializer):
    allocation = serializers.PrimaryKeyRelatedField(
        queryset=InvoicePayment.objects.filter(reverses__isnull=True),
        help_text="The application to reverse (one of the payment's allocations).")
    reason = serializers.CharField(max_length=300)


class InvoiceIssueSerializer(serializers.Serializer):
    """For a ``customer``, one of ``period`` (his charged work of that month, one batch
    invoice), ``sheets`` (those charge sheets, not yet invoiced) or ``contract`` (that
    maintenance contract's fee); or, without a customer, ``order``: a dealer's charged parts
    order, shipped and paid in full, invoiced to the dealer."""

    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all(),
                                                  required=False)
    order = serializers.PrimaryKeyRelatedField(
        queryset=MaterialRequest.objects.filter(dealer__isnull=False), required=False,
        help_text="A dealer's parts order (material request) to invoice to the dealer.")
    period = serializers.RegexField(r"^\d{4}$", required=False,
                                    help_text="The month as YYMM, e.g. 2611.")
    sheets = serializers.PrimaryKeyRelatedField(queryset=ChargeSheet.objects.all(), many=True,
                                                required=False, allow_empty=False)

    contract = serializers.PrimaryKeyRelatedField(queryset=MaintenanceContract.objects.all(),
                                                  required=False)

    def validate(self, data):
        if "order" in data:
            if any(key in data for key in ("customer", "period", "sheets", "contract")):
                raise serializers.ValidationError({"order": [
                    _("An order is invoiced to its dealer: give the order alone.")]})
            return data
        if "customer" not in data:
            raise serializers.ValidationError({"customer": [
                _("Give the customer (or a dealer's parts order).")]})
        if sum(key in data for key in ("period", "sheets", "contract")) != 1:
            raise serializers.ValidationError({"period": [
                _("Give one of the month (period), the charge sheets or the contract.")]})
        if "contract" in data and data["contract"].customer_id != data["customer"].pk:
            raise serializers.ValidationError(
                {"contract": [_("This contract is not the customer's.")]})
        return data


class InvoiceFilterSet(filters.FilterSet):
    issued_after = IsoDateTimeFilter(field_name="issued_at", lookup_expr="gte")
    issued_before = IsoDateTimeFilter(field_name="issued_at", lookup_expr="lt")

    class Meta:
        model = Invoice
        fields = ["customer", "dealer", "kind"]


@_issue_schema(InvoiceIssueSerializer, InvoiceSerializer)
class InvoiceViewSet(IssuesDocuments, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilterSet
    issue_serializer = InvoiceIssueSerializer

    def get_queryset(self):
        return (Invoice.objects.restrict(self.request.user, "view")
                .prefetch_related("lines__sheet", "lines__contract", "lines__order", "lines__loan",
                                  "payments__payment", "refunds")
                .order_by("-issued_at", "-id"))

    def paginate_queryset(self, queryset):
        """A page of invoices with their schedules read in one go."""
        page = super().paginate_queryset(queryset)
        if page is not None:
            self.plans = payment_plans(invoice_balances(
                Invoice.objects.filter(pk__in=[i.pk for i in page])))
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "plans"):
            context["plans"] = self.plans
        return context

    def _posted(self, input_serializer) -> tuple[Invoice, dict]:
        """The invoice a POST to one of its actions names, and the POST's input, checked."""
        invoice = self.get_object()
        data = input_serializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        return invoice, data.validated_data

    def issue(self, v):
        if "order" in v:
            return services.order_invoice_issue(actor=self.request.user, order=v["order"])
        if "contract" in v:
            return services.contract_invoice_issue(actor=self.request.user,
                                                   contract=v["contract"])
        return services.invoice_issue(
            actor=self.request.user, customer=v["customer"], period=v.get("period"),
            sheet_ids=[s.pk for s in v["sheets"]] if "sheets" in v else None)

    @extend_schema(request=InvoicePaymentCreateSerializer,
                   responses={201: PaymentSerializer, 200: PaymentSerializer},
                   parameters=[IDEMPOTENCY_REQUIRED],
                   summary="Record money paid against the invoice itself, or apply money on "
                           "account to it")
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        refused = _key_missing(request)
        if refused:
            return refused
        invoice, v = self._posted(InvoicePaymentCreateSerializer)
        key = request.headers["Idempotency-Key"].strip()
        if v.get("payment") is not None:
            _rows, created = services.payment_apply(
                actor=request.user, payment=v["payment"], idempotency_key=key,
                allocations=[(invoice, v["amount"])], field="amount",
                payment_field="payment")
            payment = v["payment"]
        else:
            allocation, created = services.invoice_payment_record(
                actor=request.user, invoice=invoice, amount=v["amount"], method=v["method"],
                reference=v.get("reference", ""), idempotency_key=key)
            payment = allocation.payment
        return answer_once(PaymentSerializer(payment).data, created)

    @extend_schema(request=PaymentScheduleCreateSerializer, responses={201: InvoiceSerializer},
                   parameters=[IDEMPOTENCY_REQUIRED],
                   summary="Make or replace the invoice's payment schedule")
    @action(detail=True, methods=["post"])
    @idempotent
    def schedule(self, request, pk=None):
        refused = _key_missing(request)
        if refused:
            return refused
        invoice, v = self._posted(PaymentScheduleCreateSerializer)
        common = {"actor": request.user, "invoice": invoice, "reason": v.get("reason", ""),
                  "replaces": v.get("replaces")}
        if "split" in v:
            services.payment_schedule_split(**common, **v["split"])
        else:
            services.payment_schedule_set(
                **common, instalments=[(i["due_on"], i["amount"]) for i in v["instalments"]])
        return Response(InvoiceSerializer(self.get_object()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DealerRefundSerializer,
        responses={201: PolymorphicProxySerializer(
            component_name="DealerRefundMade",
            serializers=[MaterialRequestPaymentSerializer, InvoiceRefundSerializer],
            resource_type_field_name=None)},
        parameters=[IDEMPOTENCY_REQUIRED],
        summary="Pay a dealer back what a credit note against its invoice left it owed",
        description="A parts order's invoice: a refund row on the order's payment ledger (a "
                    "negative amount). An invoice for parts the dealer kept: a refund on the "
                    "invoice (``refunds`` of the invoice).")
    @action(detail=True, methods=["post"])
    @idempotent
    def refund(self, request, pk=None):
        refused = _key_missing(request)
        if refused:
            return refused
        invoice, v = self._posted(DealerRefundSerializer)
        refund = services.dealer_refund_record(actor=request.user, invoice=invoice, **v)
        answer = (InvoiceRefundSerializer if isinstance(refund, InvoiceRefund)
                  else MaterialRequestPaymentSerializer)
        return Response(answer(refund).data, status=status.HTTP_201_CREATED)


class CustomerPaymentFilterSet(filters.FilterSet):
    on_account = filters.BooleanFilter(
        method="_on_account", help_text="true: only payments with money left on account.")

    class Meta:
        model = Payment
        fields = ["customer"]

    def _on_account(self, queryset, name, value):
        if value:
            return queryset.filter(pk__in=payments_on_account(Payment.objects.all())
                                   .values("pk"))
        return queryset


@extend_schema_view(create=extend_schema(
    request=CustomerPaymentCreateSerializer,
    responses={201: CustomerPaymentSerializer, 200: CustomerPaymentSerializer},
    parameters=[IDEMPOTENCY_REQUIRED],
    summary="Record a payment split over the customer's invoices, the rest on account"))
class CustomerPaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             viewsets.GenericViewSet):
    serializer_class = CustomerPaymentSerializer
    filterset_class = CustomerPaymentFilterSet

    def get_queryset(self):
        # the back office's sheet-less payments: staff who read invoices, never customers
        payments = (Payment.objects.filter(sheet__isnull=True)
                    .prefetch_related("invoice_allocations__invoice", "draws", "refunds")
                    .order_by("-received_at", "-id"))
        user = self.request.user
        if getattr(user, "is_superuser", False) or getattr(user, "role", None) in READ_ROLES:
            return payments
        return payments.none()

    def create(self, request, *args, **kwargs):
        refused = _key_missing(request)
        if refused:
            return refused
        data = CustomerPaymentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        payment, created = services.customer_payment_record(
            actor=request.user, customer=v["customer"], amount=v["amount"], method=v["method"],
            reference=v.get("reference", ""),
            idempotency_key=request.headers["Idempotency-Key"].strip(),
            allocations=[(row["invoice"], row["amount"]) for row in v.get("allocations", [])])
        return answer_once(CustomerPaymentSerializer(payment).data, created)

    @extend_schema(request=PaymentApplySerializer,
                   responses={201: CustomerPaymentSerializer, 200: CustomerPaymentSerializer},
                   parameters=[IDEMPOTENCY_REQUIRED],
                   summary="Apply money on account to the customer's invoices")
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        refused = _key_missing(request)
        if refused:
            return refused
        payment = self.get_object()
        data = PaymentApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _rows, created = services.payment_apply(
            actor=request.user, payment=payment,
            idempotency_key=request.headers["Idempotency-Key"].strip(),
            allocations=[(row["invoice"], row["amount"])
                         for row in data.validated_data["allocations"]])
        return answer_once(CustomerPaymentSerializer(self.get_object()).data, created)

    @extend_schema(request=SheetFromAccountSerializer,
                   responses={201: SheetPaymentSerializer, 200: SheetPaymentSerializer},
                   parameters=[IDEMPOTENCY_REQUIRED],
                   summary="Pay a job's charge sheet from money on account",
                   description="The sheet's payment (method ``account``, ``drawn_from`` this "
                               "payment); never beyond what the sheet has due nor what is left "
                               "on account. A sheet already on an invoice: 400 under ``sheet`` "
                               "(apply the money to the invoice).")
    @action(detail=True, methods=["post"], url_path="pay-sheet")
    def pay_sheet(self, request, pk=None):
        refused = _key_missing(request)
        if refused:
            return refused
        payment = self.get_object()
        data = SheetFromAccountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        drawn, created = services.sheet_pay_from_account(
            actor=request.user, payment=payment, sheet=data.validated_data["sheet"],
            amount=data.validated_data["amount"],
            idempotency_key=request.headers["Idempotency-Key"].strip())
        return answer_once(SheetPaymentSerializer(drawn).data, created)

    @extend_schema(request=DepositRefundCreateSerializer,
                   responses={201: CustomerPaymentSerializer, 200: CustomerPaymentSerializer},
                   parameters=[IDEMPOTENCY_REQUIRED],
                   summary="Pay money on account back to the customer",
                   description="Never more than is left ``on_account`` (400 under ``amount``); "
                               "the reason is required. Answers the payment with its "
                               "``refunds``.")
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        refused = _key_missing(request)
        if refused:
            return refused
        payment = self.get_object()
        data = DepositRefundCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        _refund, created = services.deposit_refund(
            actor=request.user, payment=payment, amount=v["amount"], reason=v["reason"],
            method=v["method"], reference=v.get("reference", ""),
            idempotency_key=request.headers["Idempotency-Key"].strip())
        return answer_once(CustomerPaymentSerializer(self.get_object()).data, created)

    @extend_schema(request=AllocationReverseSerializer, responses={201: CustomerPaymentSerializer},
                   parameters=[IDEMPOTENCY_REQUIRED],
                   summary="Reverse a mistaken application: the money goes back on account")
    @action(detail=True, methods=["post"])
    @idempotent
    def reverse(self, request, pk=None):
        refused = _key_missing(request)
        if refused:
            return refused
        payment = self.get_object()
        data = AllocationReverseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.allocation_reverse(actor=request.user, payment=payment,
                                    allocation=data.validated_data["allocation"],
                                    reason=data.validated_data["reason"])
        return Response(CustomerPaymentSerializer(self.get_object()).data,
                        status=status.HTTP_201_CREATED)


class CreditNoteLineSerializer(ModelSerializer):
    class Meta:
        model = CreditNoteLine
        fields = ["description", "amount"]


class CreditNoteSerializer(ModelSerializer):
    lines = CreditNoteLineSerializer(many=True, read_only=True)
    source_type = serializers.SerializerMethodField()

    class Meta:
        model = CreditNote
        fields = ["id", "number", "kind", "customer", "dealer", "invoice", "amount", "reason",
                  "source_type", "source_id", "source_label", "issued_at", "issued_by", "lines"]
        read_only_fields = fields

    def get_source_type(self, note) -> str | None:
        return f"{note.source_type.app_label}.{note.source_type.model}" if note.source_type_id \
            else None


class CreditLineInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))


class CreditNoteCreateSerializer(serializers.Serializer):
    """For ``customer``, or against ``invoice`` (its customer or dealer; a customer given must
    be the invoice's)."""

    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False,
        help_text="Required without an invoice; with one, its customer (or left out).")
    kind = serializers.ChoiceField(choices=CreditKind.choices, default=CreditKind.CREDIT)
    invoice = serializers.PrimaryKeyRelatedField(queryset=Invoice.objects.all(), required=False,
                                                 allow_null=True)
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    reason = serializers.CharField(max_length=300)
    lines = CreditLineInputSerializer(many=True, required=False)


class CreditNoteFilterSet(filters.FilterSet):
    issued_after = IsoDateTimeFilter(field_name="issued_at", lookup_expr="gte")
    issued_before = IsoDateTimeFilter(field_name="issued_at", lookup_expr="lt")

    class Meta:
        model = CreditNote
        fields = ["customer", "dealer", "invoice", "kind"]


@_issue_schema(CreditNoteCreateSerializer, CreditNoteSerializer)
class CreditNoteViewSet(IssuesDocuments, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    serializer_class = CreditNoteSerializer
    filterset_class = CreditNoteFilterSet
    issue_serializer = CreditNoteCreateSerializer

    def get_queryset(self):
        return (CreditNote.objects.restrict(self.request.user, "view")
                .select_related("source_type").prefetch_related("lines")
                .order_by("-issued_at", "-id"))

    def issue(self, v):
        return services.credit_note_issue(
            actor=self.request.user, customer=v.get("customer"), amount=v["amount"],
            reason=v["reason"], kind=v["kind"], invoice=v.get("invoice"),
            lines=[(line["description"], line["amount"]) for line in v.get("lines", [])])


class ReturnNoteLineSerializer(ModelSerializer):
    class Meta:
        model = ReturnNoteLine
        fields = ["description", "part", "quantity", "amount"]


class ReturnNoteSerializer(ModelSerializer):
    lines = ReturnNoteLineSerializer(many=True, read_only=True)
    received_at = serializers.SerializerMethodField()

    class Meta:
        model = ReturnNote
        fields = ["id", "number", "customer", "invoice", "reason", "amount", "issued_at",
                  "issued_by", "received_at", "lines"]
        read_only_fields = fields

    def get_received_at(self, note) -> str | None:
        receipt = getattr(note, "receipt", None)
        return receipt.received_at.isoformat() if receipt else None


class ReturnLineInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0"))
    part = serializers.PrimaryKeyRelatedField(queryset=Part.objects.all(), required=False,
                                              allow_null=True)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3,
                                        min_value=Decimal("0.001"), default=Decimal("1"))


class ReturnNoteCreateSerializer(serializers.Serializer):
    invoice = serializers.PrimaryKeyRelatedField(queryset=Invoice.objects.all())
    reason = serializers.CharField(max_length=300)
    lines = ReturnLineInputSerializer(many=True, allow_empty=False)


@_issue_schema(ReturnNoteCreateSerializer, ReturnNoteSerializer)
class ReturnNoteViewSet(IssuesDocuments, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    serializer_class = ReturnNoteSerializer
    filterset_fields = ["customer", "invoice"]
    issue_serializer = ReturnNoteCreateSerializer

    def get_queryset(self):
        return (ReturnNote.objects.restrict(self.request.user, "view")
                .select_related("receipt").prefetch_related("lines")
                .order_by("-issued_at", "-id"))

    def issue(self, v):
        return services.return_note_issue(
            actor=self.request.user, invoice=v["invoice"], reason=v["reason"],
            lines=[(line["description"], line["amount"], line.get("part"), line["quantity"])
                   for line in v["lines"]])


BUCKETS = inline_serializer("AgeingBuckets", fields={
    "0_30": serializers.DecimalField(**MONEY), "31_60": serializers.DecimalField(**MONEY),
    "61_90": serializers.DecimalField(**MONEY), "over_90": serializers.DecimalField(**MONEY)})


class ReceivableSerializer(serializers.Serializer):
    customer = serializers.IntegerField(source="customer.pk")
    customer_name = serializers.CharField(source="customer.name")
    invoiced = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(**MONEY)
    credited = serializers.DecimalField(**MONEY)
    outstanding = serializers.DecimalField(**MONEY)
    not_due = serializers.DecimalField(
        **MONEY, help_text="Open on scheduled instalments not yet overdue (not aged).")
    buckets = serializers.SerializerMethodField(
        help_text="Open amounts by age: since the invoice, or for an invoice paid in "
                  "instalments, each overdue instalment since its due date.")

    @extend_schema_field(BUCKETS)
    def get_buckets(self, row) -> dict:
        return {key: str(value) for key, value in row.buckets.items()}


class ReceivableQuerySerializer(serializers.Serializer):
    customer = serializers.IntegerField(required=False, min_value=1)
    as_of = serializers.DateField(required=False)


class ReceivableViewSet(viewsets.GenericViewSet):
    serializer_class = ReceivableSerializer

    def get_queryset(self):
        return Invoice.objects.restrict(self.request.user, "view")

    @extend_schema(parameters=[ReceivableQuerySerializer])
    def list(self, request, *args, **kwargs):
        query = ReceivableQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        invoices = self.get_queryset()
        if "customer" in query.validated_data:
            invoices = invoices.filter(customer_id=query.validated_data["customer"])
        rows = receivables(invoices, as_of=query.validated_data.get("as_of"))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ReceivableSerializer(page, many=True).data)


ROUTES: list = [
    ("invoices", InvoiceViewSet, "invoice"),
    ("credit-notes", CreditNoteViewSet, "credit-note"),
    ("return-notes", ReturnNoteViewSet, "return-note"),
    ("receivables", ReceivableViewSet, "receivable"),
    ("customer-payments", CustomerPaymentViewSet, "customer-payment"),
]
