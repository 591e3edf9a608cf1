"""The integration API's endpoints for care (their rules live in the app's services).

Key accounts are read and changed (account manager, note, active) here; the care calendar and
the care messages sent are read; visits are recorded with a POST (``Idempotency-Key``: a CRM
that repeats the call records the visit once).
"""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from aftersales.accounts.models import User
from aftersales.care import services as care_services
from aftersales.care.choices import VisitKind
from aftersales.care.models import CareMessage, CareVisit, KeyAccount, VisitPlan
from aftersales.care.selectors import care_calendar
from aftersales.core.dates import local_today
from aftersales.customers.models import Customer

from .fields import RestrictedPrimaryKeyRelatedField
from .idempotency import idempotent
from .serializers import ModelSerializer
from .views import IDEMPOTENCY_HEADER, expected_version

CALENDAR_MAX_DAYS = 62


class KeyAccountSerializer(ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = KeyAccount
        fields = ["id", "customer", "customer_name", "manager", "since", "active", "note",
                  "version"]
        read_only_fields = ["id", "customer", "customer_name", "since", "version"]


class KeyAccountUpdateSerializer(serializers.Serializer):
    manager = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True),
                                                 required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)
    version = serializers.IntegerField(required=False, min_value=1)


class KeyAccountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Key accounts and their account managers (RP-6); PATCH changes the manager, the note or
    ends the key account."""

    serializer_class = KeyAccountSerializer
    filterset_fields = ["manager", "active", "customer"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        action = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        return (KeyAccount.objects.restrict(self.request.user, action)
                .select_related("customer").order_by("id"))

    @extend_schema(request=KeyAccountUpdateSerializer, responses=KeyAccountSerializer)
    def partial_update(self, request, *args, **kwargs):
        account = self.get_object()
        data = KeyAccountUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k != "version"}
        account = care_services.key_account_update(
            actor=request.user, key_account=account, expected_version=expected_version(request),
            **values)
        return Response(KeyAccountSerializer(account, context=self.get_serializer_context()).data)


class CareMessageSerializer(ModelSerializer):
    class Meta:
        model = CareMessage
        fields = ["id", "customer", "occasion", "key", "channel", "to", "subject", "text",
                  "sent_at"]
        read_only_fields = fields


class CareMessageViewSet(viewsets.ReadOnlyModelViewSet):
    """Care messages sent (CR-1): one per customer, occasion and key."""

    serializer_class = CareMessageSerializer
    filterset_fields = ["customer", "occasion", "channel"]

    def get_queryset(self):
        return CareMessage.objects.restrict(self.request.user, "view").order_by("-sent_at", "-id")


class CalendarQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, data):
        start = data.get("start") or local_today()
        end = data.get("end") or start + timedelta(days=6)
        if end < start:
            raise serializers.ValidationError({"end": [_("The end comes before the start.")]})
        if (end - start).days >= CALENDAR_MAX_DAYS:
            raise serializers.ValidationError(
                {"end": [_("At most %(days)s days at once.") % {"days": CALENDAR_MAX_DAYS}]})
        return {"start": start, "end": end}


class CareEventSerializer(serializers.Serializer):
    day = serializers.DateField()
    occasion = serializers.CharField()
    customer = serializers.IntegerField(source="customer.pk")
    customer_name = serializers.CharField(source="customer.name")
    product = serializers.IntegerField(source="product.pk", allow_null=True, default=None)
    contract = serializers.IntegerField(source="contract.pk", allow_null=True, default=None)
    holiday = serializers.CharField(source="values.holiday", allow_null=True, default=None)
    sends = serializers.BooleanField(help_text="False: shown only (the contracts area sends "
                                               "the contract renewal notice).")
    sent = serializers.BooleanField()


class CareEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The care calendar (CR-1) between ``start`` and ``end`` (default: this week; at most 62
    days): birthdays, holidays, warranty and contract expiry, check-ins after installation."""

    serializer_class = CareEventSerializer
    pagination_class = None

    def get_queryset(self):
        return KeyAccount.objects.none()  # the calendar is not a table; see list()

    @extend_schema(parameters=[CalendarQuerySerializer], responses=CareEventSerializer(many=True))
    def list(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_superuser or user.role in {"agent", "supervisor", "manager", "admin"}):
            return Response([])
        query = CalendarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        items = care_calendar(**query.validated_data)
        return Response(CareEventSerializer(items, many=True).data)


class CareVisitSerializer(ModelSerializer):
    class Meta:
        model = CareVisit
        fields = ["id", "customer", "kind", "plan", "product", "visitor", "due_on", "visited_on",
                  "note"]
        read_only_fields = fields


class CareVisitCreateSerializer(serializers.Serializer):
    """Record a visit: ``visit`` closes a due one (FB-6), ``plan`` adds one to a visit plan."""

    customer = RestrictedPrimaryKeyRelatedField(queryset=Customer.objects.all())
    visited_on = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=VisitKind.choices, required=False,
                                   default=VisitKind.OTHER)
    visit = RestrictedPrimaryKeyRelatedField(queryset=CareVisit.objects.all(), required=False)
    plan = RestrictedPrimaryKeyRelatedField(queryset=VisitPlan.objects.all(), required=False)


class CareVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """Customer visits: due ones (``visited_on`` empty) and recorded ones (CR-2, FB-6)."""

    serializer_class = CareVisitSerializer
    filterset_fields = ["customer", "kind", "visitor", "plan"]

    def get_queryset(self):
        return CareVisit.objects.restrict(self.request.user, "view").order_by("-id")

    @extend_schema(request=CareVisitCreateSerializer, responses={201: CareVisitSerializer},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent
    def create(self, request, *args, **kwargs):
        data = CareVisitCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        visit = care_services.visit_record(actor=request.user, **data.validated_data)
        return Response(CareVisitSerializer(visit).data, status=status.HTTP_201_CREATED)


# (prefix, viewset, basename): api/urls.py registers every route listed here.
ROUTES: list = [
    ("key-accounts", KeyAccountViewSet, "key-account"),
    ("care-messages", CareMessageViewSet, "care-message"),
    ("care-events", CareEventViewSet, "care-event"),
    ("care-visits", CareVisitViewSet, "care-visit"),
]
