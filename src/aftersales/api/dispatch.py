"""The integration API's endpoints for dispatch's bad-weather notices (DS-6; the rule lives in
``dispatch.weather``).

A call centre or a weather feed tells the customers of a centre's visits on a day that the
weather may delay them: ``POST weather-notices/`` with the centre, the day and the weather (an
``Idempotency-Key``: a system that repeats the call tells nobody twice — nor would a second
notice, which tells only the visits booked since). Each notice answers with whom it told and how.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from aftersales.accounts.models import ServiceCentre
from aftersales.dispatch.models import WeatherNotice, WeatherNoticeRecipient
from aftersales.dispatch.weather import weather_notice_send

from .idempotency import idempotent
from .serializers import ModelSerializer
from .views import IDEMPOTENCY_HEADER


class WeatherNoticeRecipientSerializer(ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True)

    class Meta:
        model = WeatherNoticeRecipient
        fields = ["request", "request_number", "channel", "address"]
        read_only_fields = fields


class WeatherNoticeSerializer(ModelSerializer):
    recipients = WeatherNoticeRecipientSerializer(many=True, read_only=True)

    class Meta:
        model = WeatherNotice
        fields = ["id", "service_centre", "day", "reason", "sent_at", "sent_by", "recipients"]
        read_only_fields = fields


class WeatherNoticeCreateSerializer(serializers.Serializer):
    service_centre = serializers.PrimaryKeyRelatedField(queryset=ServiceCentre.objects.all())
    day = serializers.DateField(help_text="The day of the visits: today up to 7 days ahead.")
    reason = serializers.CharField(max_length=100,
                                   help_text="What the weather is, as the customers will read it.")


class WeatherNoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """Bad-weather notices (DS-6): each tells the customers of a centre's visits on a day not
    told yet — a text to a mobile, else an e-mail, else ``channel`` "call" for the desk."""

    serializer_class = WeatherNoticeSerializer
    filterset_fields = ["service_centre", "day"]

    def get_queryset(self):
        return (WeatherNotice.objects.restrict(self.request.user, "view")
                .prefetch_related("recipients__request").order_by("-sent_at", "-id"))

    @extend_schema(request=WeatherNoticeCreateSerializer,
                   responses={201: WeatherNoticeSerializer}, parameters=[IDEMPOTENCY_HEADER],
                   summary="Tell the customers of a day's visits that the weather may delay them")
    @idempotent
    def create(self, request, *args, **kwargs):
        data = WeatherNoticeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notice = weather_notice_send(actor=request.user,
                                     centre=data.validated_data["service_centre"],
                                     day=data.validated_data["day"],
                                     reason=data.validated_data["reason"])
        return Response(WeatherNoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


# (prefix, viewset, basename): api/urls.py registers every route listed here.
ROUTES: list = [
    ("weather-notices", WeatherNoticeViewSet, "weather-notice"),
]
