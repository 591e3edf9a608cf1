"""The integration API's endpoints for influence centres, user seminars and referrals (CR-3;
their rules live in care's services).

A CRM or the company's messaging account reads the seminars ahead with their guests, invites
customers and notes their answers; referrals (from a customer or an influence centre) are read
and recorded. Every POST takes an ``Idempotency-Key``: a system that repeats the call does it
once.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.care import services
from aftersales.care.models import InfluenceCentre, Referral, Seminar, SeminarGuest
from aftersales.customers.models import Customer

from .fields import RestrictedPrimaryKeyRelatedField
from .idempotency import idempotent
from .serializers import ModelSerializer
from .views import IDEMPOTENCY_HEADER

INVITE_MAX = services.INVITE_MAX


class InfluenceCentreSerializer(ModelSerializer):
    class Meta:
        model = InfluenceCentre
        fields = ["id", "name", "kind", "contact_name", "phone", "address", "customer", "keeper",
                  "active", "note", "version"]
        read_only_fields = fields


class InfluenceCentreViewSet(viewsets.ReadOnlyModelViewSet):
    """Influence centres (影响力中心): who sends customers, and who keeps in touch with them."""

    serializer_class = InfluenceCentreSerializer
    filterset_fields = ["kind", "active", "keeper"]

    def get_queryset(self):
        return InfluenceCentre.objects.restrict(self.request.user, "view").order_by("id")


class SeminarGuestSerializer(ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = SeminarGuest
        fields = ["id", "seminar", "customer", "customer_name", "status", "walk_in", "note"]
        read_only_fields = fields


class SeminarSerializer(ModelSerializer):
    guests = SeminarGuestSerializer(many=True, read_only=True)

    class Meta:
        model = Seminar
        fields = ["id", "title", "kind", "starts_at", "place", "service_centre", "host",
                  "capacity", "agenda", "state", "summary", "guests", "version"]
        read_only_fields = fields


class SeminarInviteSerializer(serializers.Serializer):
    customers = serializers.ListField(
        child=RestrictedPrimaryKeyRelatedField(queryset=Customer.objects.all()),
        allow_empty=False, max_length=INVITE_MAX)
    send = serializers.BooleanField(default=True,
                                    help_text="Send each new guest the invitation message now.")


class SeminarInvitedSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    already = serializers.IntegerField()
    sent = serializers.IntegerField()


class SeminarViewSet(viewsets.ReadOnlyModelViewSet):
    """User seminars (a user forum or a product talk) with their guests; POST ``invite``."""

    serializer_class = SeminarSerializer
    filterset_fields = ["state", "kind", "service_centre", "host"]

    def get_queryset(self):
        return (Seminar.objects.restrict(self.request.user, "view")
                .prefetch_related("guests__customer").order_by("-starts_at", "-id"))

    @extend_schema(request=SeminarInviteSerializer, responses=SeminarInvitedSerializer,
                   parameters=[IDEMPOTENCY_HEADER],
                   summary="Invite customers (each once; the invitation message once)")
    @action(detail=True, methods=["post"])
    @idempotent
    def invite(self, request, pk=None):
        seminar = self.get_object()
        data = SeminarInviteSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        counts = services.seminar_invite(actor=request.user, seminar=seminar,
                                         **data.validated_data)
        return Response(SeminarInvitedSerializer(counts).data)


class GuestAnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=["confirm", "decline"])
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SeminarGuestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """Seminar guests; POST ``answer``: the customer will come (a seat, while one is left) or
    declines."""

    serializer_class = SeminarGuestSerializer
    filterset_fields = ["seminar", "customer", "status"]

    def get_queryset(self):
        return (SeminarGuest.objects.restrict(self.request.user, "view")
                .select_related("customer", "seminar").order_by("id"))

    @extend_schema(request=GuestAnswerSerializer, responses=SeminarGuestSerializer,
                   parameters=[IDEMPOTENCY_HEADER], summary="Note the guest's answer")
    @action(detail=True, methods=["post"])
    @idempotent
    def answer(self, request, pk=None):
        guest = self.get_object()
        data = GuestAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        guest = services.guest_answer(actor=request.user, guest=guest, **data.validated_data)
        return Response(SeminarGuestSerializer(guest).data)


class ReferralSerializer(ModelSerializer):
    class Meta:
        model = Referral
        fields = ["id", "referrer", "centre", "seminar", "prospect_name", "prospect_phone",
                  "referred", "status", "note", "created_at"]
        read_only_fields = fields


class ReferralCreateSerializer(serializers.Serializer):
    """A customer (``referrer``) or an influence centre (``centre``) recommended a prospect."""

    referrer = RestrictedPrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False,
                                                allow_null=True, default=None)
    centre = RestrictedPrimaryKeyRelatedField(queryset=InfluenceCentre.objects.all(),
                                              required=False, allow_null=True, default=None)
    seminar = RestrictedPrimaryKeyRelatedField(queryset=Seminar.objects.all(), required=False,
                                               allow_null=True, default=None)
    prospect_name = serializers.CharField(max_length=100)
    prospect_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Referrals: who brought whom (a customer or an influence centre); POST records one."""

    serializer_class = ReferralSerializer
    filterset_fields = ["status", "referrer", "centre", "seminar"]

    def get_queryset(self):
        return Referral.objects.restrict(self.request.user, "view").order_by("-id")

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent
    def create(self, request, *args, **kwargs):
        data = ReferralCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        referral = services.referral_create(actor=request.user, **data.validated_data)
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


# (prefix, viewset, basename): api/urls.py registers every route listed here.
ROUTES: list = [
    ("influence-centres", InfluenceCentreViewSet, "influence-centre"),
    ("seminars", SeminarViewSet, "seminar"),
    ("seminar-guests", SeminarGuestViewSet, "seminar-guest"),
    ("referrals", ReferralViewSet, "referral"),
]
