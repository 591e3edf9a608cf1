"""The integration API's statement of account (对账单): ``customer-statements/{customer id}/``
with ``?since=YYYY-MM-DD&until=YYYY-MM-DD`` (both included; by default from the first of last
month to today): the opening balance, every invoice, credit, payment and refund of the period
with the balance after it, and the closing balance (a positive balance is what the customer
owes, a negative one what he has in credit). Desk staff and the back office read it.
``customer-statements/{customer id}/send/``: POST mails it to the customer (REQUIRES an
``Idempotency-Key``; accountants, service managers and administrators).
``dealer-statements/{dealer id}/``: a dealer's, the same way — for the back office, and for the
dealer's own system (its own dealer only). ``payment-reminders/``:
POST reminds a customer to pay what fell due (a text, else an e-mail; once a day);
``dealer-payment-reminders/`` a dealer what its invoices have open (a text, its logins' notices) —
docs/invoicing.md, "Statements of account", "Payment reminders"."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.core.exceptions import PermissionDenied
from aftersales.core.views import may_open
from aftersales.customers.models import Customer
from aftersales.dealers.models import Dealer
from aftersales.invoicing.forms import StatementForm
from aftersales.invoicing.models.base import READ_ROLES
from aftersales.invoicing.permissions import dealer_for_books
from aftersales.invoicing.services import (
    dealer_payment_reminder_send,
    payment_reminder_send,
    statement_send,
)
from aftersales.invoicing.statements import (
    DEALER_KINDS,
    KINDS,
    customer_statement,
    dealer_statement,
)

from .idempotency import answer_once, idempotent, key_required
from .permissions import StaffOrDealer

MONEY = {"max_digits": 12, "decimal_places": 2}


class StatementRowSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(
        choices=KINDS, help_text="invoice, credit (a credit note), received (money received), "
                                 "drawn (money on account paid a job on no invoice; a reversal "
                                 "is a credit), refund (money on account paid back).")
    number = serializers.CharField()
    description = serializers.CharField()
    debit = serializers.DecimalField(**MONEY, help_text="What the customer owes more.")
    credit = serializers.DecimalField(**MONEY, help_text="What the customer owes less.")
    balance = serializers.DecimalField(**MONEY, help_text="The balance after this row.")


class NotInvoicedSerializer(serializers.Serializer):
    sheet = serializers.CharField(source="number")
    request = serializers.CharField(source="request.number")
    issued_at = serializers.DateTimeField()
    total = serializers.DecimalField(**MONEY)
    due = serializers.DecimalField(**MONEY)


class StatementSerializer(serializers.Serializer):
    customer = serializers.IntegerField(source="customer.pk")
    customer_name = serializers.CharField(source="customer.name")
    since = serializers.DateField()
    until = serializers.DateField()
    opening = serializers.DecimalField(**MONEY)
    debits = serializers.DecimalField(**MONEY)
    credits = serializers.DecimalField(**MONEY)
    closing = serializers.DecimalField(
        **MONEY, help_text="What the customer owes at the end of ``until`` (negative: in credit).")
    rows = StatementRowSerializer(many=True)
    not_invoiced = NotInvoicedSerializer(
        many=True, source="pending",
        help_text="Jobs finished by ``until`` and not invoiced yet, with what is still due on "
                  "them now: owed, but not on the statement until they are invoiced.")


class DealerStatementRowSerializer(StatementRowSerializer):
    kind = serializers.ChoiceField(
        choices=DEALER_KINDS, help_text="invoice, credit (a credit note against its invoice), "
                                        "order (paid for a parts order that is invoiced; a "
                                        "refund on it is a debit), received (a payment "
                                        "against an invoice), paid_back (money paid back on "
                                        "an invoice a credit left owing it back: a debit).")
    debit = serializers.DecimalField(**MONEY, help_text="What the dealer owes more.")
    credit = serializers.DecimalField(**MONEY, help_text="What the dealer owes less.")


class PaidAheadSerializer(serializers.Serializer):
    order = serializers.CharField(source="order.number")
    status = serializers.CharField(source="order.status")
    paid = serializers.DecimalField(**MONEY, help_text="Paid less what was paid back.")


class KeptWaitingSerializer(serializers.Serializer):
    part = serializers.CharField(source="part.code")
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    charge = serializers.DecimalField(**MONEY, source="charge_amount")
    kept_at = serializers.DateTimeField()
    loan = serializers.SerializerMethodField(help_text="The loan's number for a lent part it "
                                                       "kept; null for a faulty part owed back.")

    def get_loan(self, item) -> str | None:
        return getattr(item, "number", None)


class DealerStatementSerializer(serializers.Serializer):
    dealer = serializers.IntegerField(source="party.pk")
    dealer_code = serializers.CharField(source="party.code")
    dealer_name = serializers.CharField(source="party.name")
    since = serializers.DateField()
    until = serializers.DateField()
    opening = serializers.DecimalField(**MONEY)
    debits = serializers.DecimalField(**MONEY)
    credits = serializers.DecimalField(**MONEY)
    closing = serializers.DecimalField(
        **MONEY, help_text="What the dealer owes at the end of ``until`` (negative: it is owed "
                           "back).")
    rows = DealerStatementRowSerializer(many=True)
    paid_ahead = PaidAheadSerializer(
        many=True, help_text="Parts orders it paid for that are not invoiced yet (they are "
                             "invoiced as they ship).")
    kept_waiting = KeptWaitingSerializer(
        many=True, help_text="Parts it kept, charged by ``until`` and not invoiced yet: owed, "
                             "but not on the statement until they are invoiced.")


class StatementSendSerializer(serializers.Serializer):
    since = serializers.DateField(required=False, help_text="Default: the first of last month.")
    until = serializers.DateField(required=False, help_text="Default and latest: today.")
    to = serializers.EmailField(required=False,
                                help_text="Default: the customer's e-mail address.")


class StatementSentSerializer(StatementSerializer):
    sent_to = serializers.EmailField()


SEND_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=True,
    description="Required: the statement is sent once per key; the same key answers again "
                "without sending.")


PERIOD = [OpenApiParameter("since", OpenApiTypes.DATE,
                           description="The first day (default: the first of last month)."),
          OpenApiParameter("until", OpenApiTypes.DATE,
                           description="The last day (default and latest: today).")]


class CustomerStatementViewSet(viewsets.GenericViewSet):
    serializer_class = StatementSerializer
    queryset = Customer.objects.none()

    @extend_schema(parameters=PERIOD)
    def retrieve(self, request, pk=None):
        customer, since, until = _asked(request, pk, request.query_params)
        statement = customer_statement(customer, since=since, until=until)
        return Response(StatementSerializer(statement).data)

    @extend_schema(request=StatementSendSerializer,
                   responses={201: StatementSentSerializer, 200: StatementSentSerializer},
                   parameters=[SEND_KEY], summary="Mail the customer his statement",
                   description="In the customer's language, the Excel attached, after the "
                               "commit; an event on the customer. A customer without an e-mail "
                               "address (and no ``to``) → 400 under ``to``. Accountants, "
                               "service managers and administrators send.")
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        refused = key_required(request, _("This header is required to send a statement."))
        if refused:
            return refused
        data = StatementSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        period = {k: v.isoformat() for k, v in data.validated_data.items() if k != "to"}
        customer, since, until = _asked(request, pk, period)
        statement, sent, created = statement_send(
            actor=request.user, customer=customer, since=since, until=until,
            to=data.validated_data.get("to", ""),
            idempotency_key=request.headers["Idempotency-Key"].strip())
        statement.sent_to = sent.data["to"]
        return answer_once(StatementSentSerializer(statement).data, created)


class DealerStatementViewSet(viewsets.GenericViewSet):
    """A dealer's statement of account: the back office reads any dealer's, a dealer's system
    its own (another dealer's is 404)."""

    serializer_class = DealerStatementSerializer
    queryset = Customer.objects.none()
    permission_classes = [StaffOrDealer]

    @extend_schema(parameters=PERIOD)
    def retrieve(self, request, pk=None):
        user = request.user
        if user.is_staff_role and not may_open(user, READ_ROLES):
            raise PermissionDenied(_("Only the desk and the back office read statements."))
        dealer = dealer_for_books(user, pk)
        since, until = _period(request.query_params)
        statement = dealer_statement(dealer, since=since, until=until)
        return Response(DealerStatementSerializer(statement).data)


class ReminderInputSerializer(serializers.Serializer):
    customer = serializers.IntegerField(min_value=1)


class ReminderSerializer(serializers.Serializer):
    customer = serializers.IntegerField(source="object_id")
    at = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=["sms", "email"], source="data.channel")
    to = serializers.CharField(source="data.to")
    amount = serializers.DecimalField(**MONEY, source="data.amount",
                                      help_text="What fell due by the day and is not paid.")
    invoices = serializers.ListField(child=serializers.CharField(), source="data.invoices")


class PaymentReminderViewSet(viewsets.GenericViewSet):
    serializer_class = ReminderSerializer
    queryset = Customer.objects.none()

    @extend_schema(request=ReminderInputSerializer,
                   responses={201: ReminderSerializer, 200: ReminderSerializer},
                   summary="Remind a customer to pay what fell due",
                   description="A text to his mobile, else an e-mail, in his language, after "
                               "the commit. Once a day: the same day again answers the first "
                               "reminder (200) and sends nothing. Nothing due, or no mobile and "
                               "no e-mail → 400 under ``customer``. Accountants, service "
                               "managers and administrators remind.")
    @idempotent
    def create(self, request):
        data = ReminderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer = Customer.objects.filter(pk=data.validated_data["customer"]).first()
        if customer is None:
            raise ValidationError({"customer": [_("No such customer.")]})
        event, created = payment_reminder_send(actor=request.user, customer=customer)
        return answer_once(ReminderSerializer(event).data, created)


class DealerReminderInputSerializer(serializers.Serializer):
    dealer = serializers.IntegerField(min_value=1)


class DealerReminderSerializer(serializers.Serializer):
    dealer = serializers.IntegerField(source="object_id")
    at = serializers.DateTimeField()
    channel = serializers.ChoiceField(
        choices=["sms", "notice"], source="data.channel",
        help_text="sms: a text to its mobile (and a notice to each of its logins); notice: its "
                  "logins' notices only (its phone is no mobile).")
    mobile = serializers.CharField(source="data.mobile", allow_blank=True)
    logins = serializers.IntegerField(source="data.logins",
                                      help_text="How many of its logins were notified.")
    amount = serializers.DecimalField(**MONEY, source="data.amount",
                                      help_text="What its invoices have open, less what other "
                                                "invoices owe it back.")
    invoices = serializers.ListField(child=serializers.CharField(), source="data.invoices")


class DealerPaymentReminderViewSet(viewsets.GenericViewSet):
    serializer_class = DealerReminderSerializer
    queryset = Dealer.objects.none()

    @extend_schema(request=DealerReminderInputSerializer,
                   responses={201: DealerReminderSerializer, 200: DealerReminderSerializer},
                   summary="Remind a dealer to pay what its invoices have open",
                   description="A text to its phone if that is a mobile (after the commit) and "
                               "a notice to each of its logins, linking its statement of "
                               "account. Once a day: the same day again answers the first "
                               "reminder (200) and sends nothing. Nothing open, or no mobile "
                               "and no login → 400 under ``dealer``. Accountants, service "
                               "managers and administrators remind.")
    @idempotent
    def create(self, request):
        data = DealerReminderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dealer = Dealer.objects.filter(pk=data.validated_data["dealer"]).first()
        if dealer is None:
            raise ValidationError({"dealer": [_("No such dealer.")]})
        event, created = dealer_payment_reminder_send(actor=request.user, dealer=dealer)
        return answer_once(DealerReminderSerializer(event).data, created)


def _asked(request, pk, period) -> tuple:
    """The customer and the period an API call asks for: 403 to any but the desk and the back
    office, 404 for no customer, 400 for a wrong period."""
    if not may_open(request.user, READ_ROLES):
        raise PermissionDenied(_("Only the desk and the back office read statements."))
    customer = Customer.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if customer is None:
        raise Http404
    return (customer, *_period(period))


def _period(period) -> tuple:
    """The statement's first and last day as asked; 400 for a wrong period."""
    form = StatementForm(period)
    if not form.is_valid():
        raise ValidationError(form.errors)
    return form.cleaned_data["since"], form.cleaned_data["until"]


ROUTES: list = [("customer-statements", CustomerStatementViewSet, "customer-statement"),
                ("dealer-statements", DealerStatementViewSet, "dealer-statement"),
                ("payment-reminders", PaymentReminderViewSet, "payment-reminder"),
                ("dealer-payment-reminders", DealerPaymentReminderViewSet,
                 "dealer-payment-reminder")]
