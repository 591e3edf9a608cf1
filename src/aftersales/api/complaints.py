"""The integration API's endpoints for complaints (their rules live in the app's services).

Outside systems (a shop platform, a call-centre system) create complaints with an
``Idempotency-Key``; list and read go through ``restrict``. The internal form (responsibility,
penalties, internal notes, the loss: CP-9) is in ``internal`` only for readers who may see it,
``null`` for everyone else.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from aftersales.accounts.choices import DESK_ROLES
from aftersales.complaints import services
from aftersales.complaints.choices import Channel, Kind, Language, Market, ReplyChannel
from aftersales.complaints.models import Complaint
from aftersales.complaints.selectors import complaint_list, internal_visible
from aftersales.core.exceptions import PermissionDenied
from aftersales.customers.models import Customer, InstalledProduct, ProductModel
from aftersales.service.models import ServiceRequest

from .fields import RestrictedPrimaryKeyRelatedField
from .idempotency import idempotent
from .serializers import ModelSerializer
from .views import IDEMPOTENCY_HEADER

MONEY = {"max_digits": 12, "decimal_places": 2}


class ResponsibilityLineSerializer(serializers.Serializer):
    department = serializers.CharField()
    person = serializers.CharField(allow_null=True)
    ratio = serializers.DecimalField(max_digits=5, decimal_places=2)
    grade = serializers.CharField()


class PenaltyLineSerializer(serializers.Serializer):
    person = serializers.CharField()
    department = serializers.CharField()
    kind = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)


class InternalSerializer(serializers.Serializer):
    """The internal form (CP-9)."""

    loss_actual = serializers.DecimalField(**MONEY, allow_null=True)
    loss_resale = serializers.DecimalField(**MONEY, allow_null=True)
    responsibilities = ResponsibilityLineSerializer(many=True)
    penalties = PenaltyLineSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


class ComplaintSerializer(ModelSerializer):
    internal = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = ["id", "number", "channel", "kind", "market", "status", "service_centre",
                  "customer", "contact_name", "contact_phone", "contact_email", "language",
                  "reply_channel", "product_model", "installed_product", "request", "order_ref",
                  "part_number", "quantity", "delivered_on", "defective_quantity",
                  "customer_request", "still_processing", "description", "claimed_amount",
                  "received_at", "accepted_at", "case_due_at", "cause", "upheld",
                  "proposed_outcome", "proposed_amount", "outcome", "outcome_amount",
                  "credit_document", "customer_told_at", "closed_at", "closed_in_time",
                  "reopened_from", "version", "internal"]
        read_only_fields = fields

    @extend_schema_field(InternalSerializer(allow_null=True))
    def get_internal(self, obj):
        request = self.context.get("request")
        if request is None or not internal_visible(request.user, obj):
            return None
        return InternalSerializer({
            "loss_actual": obj.loss_actual, "loss_resale": obj.loss_resale,
            "responsibilities": [{"department": r.department.code,
                                  "person": r.person.username if r.person_id else None,
                                  "ratio": r.ratio, "grade": r.grade}
                                 for r in obj.responsibilities.select_related("department",
                                                                              "person")],
            "penalties": [{"person": p.person.username, "department": p.department.code,
                           "kind": p.kind, "amount": p.amount}
                          for p in obj.penalties.select_related("person", "department")],
            "notes": [n.text for n in obj.internal_notes.all()],
        }).data


class ComplaintCreateSerializer(serializers.Serializer):
    """A complaint from an outside system (CP-3): a known customer by id, or a contact."""

    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    kind = serializers.ChoiceField(choices=Kind.choices)
    market = serializers.ChoiceField(choices=Market.choices, default=Market.DOMESTIC)
    description = serializers.CharField(max_length=4000)
    customer = RestrictedPrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False,
                                                allow_null=True)
    contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    language = serializers.ChoiceField(
        choices=Language.choices, required=False,
        help_text="What the customer is told in; not given: the customer's own language of "
                  "messages, else the company's default.")
    reply_channel = serializers.ChoiceField(choices=ReplyChannel.choices,
                                            default=ReplyChannel.SMS)
    product_model = serializers.PrimaryKeyRelatedField(queryset=ProductModel.objects.all(),
                                                       required=False, allow_null=True)
    installed_product = RestrictedPrimaryKeyRelatedField(queryset=InstalledProduct.objects.all(),
                                                         required=False, allow_null=True)
    request = RestrictedPrimaryKeyRelatedField(queryset=ServiceRequest.objects.all(),
                                               required=False, allow_null=True)
    order_ref = serializers.CharField(max_length=40, required=False, allow_blank=True)
    part_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    quantity = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True)
    delivered_on = serializers.DateField(required=False, allow_null=True)
    defective_quantity = serializers.DecimalField(**MONEY, min_value=0, required=False,
                                                  allow_null=True)
    customer_request = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    still_processing = serializers.BooleanField(required=False, default=False)
    claimed_amount = serializers.DecimalField(**MONEY, min_value=0, required=False,
                                              allow_null=True)


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """Complaints the caller may see; POST registers one (idempotent with a key)."""

    serializer_class = ComplaintSerializer

    def get_queryset(self):
        params = self.request.query_params
        return complaint_list(user=self.request.user, q=params.get("q", ""),
                              status="", kind="", channel="")

    @extend_schema(request=ComplaintCreateSerializer, responses={201: ComplaintSerializer},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent
    def create(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_superuser or user.role in DESK_ROLES):
            raise PermissionDenied(_("Only the service desk registers complaints."))
        data = ComplaintCreateSerializer(data=request.data,
                                         context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        complaint = services.complaint_register(actor=user, **data.validated_data)
        return Response(ComplaintSerializer(complaint, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


# (prefix, viewset, basename): api/urls.py registers every route listed here.
ROUTES: list = [("complaints", ComplaintViewSet, "complaint")]
