"""The /api/v1/ endpoints. Thin: load through restrict(), check shape, call a service."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.events import event_list
from aftersales.core.plans import plans_for_values
from aftersales.customers import services as customer_services
from aftersales.customers.filtersets import CustomerFilterSet, InstalledProductFilterSet
from aftersales.customers.models import Customer, InstalledProduct, ProductModel
from aftersales.dispatch import clocks
from aftersales.dispatch.rotation import service_request_assign_next
from aftersales.service import services as request_services
from aftersales.service.filtersets import ServiceRequestFilterSet
from aftersales.service.models import ServiceRequest

from . import serializers as s
from .idempotency import idempotent
from .throttles import TokenPerIpThrottle, TokenPerUsernameThrottle

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Repeat a POST safely: the same key and body return the first response again.")


def expected_version(request) -> int | None:
    """The version the client last read: ``version`` in the body or an If-Match header."""
    raw = request.data.get("version") if hasattr(request.data, "get") else None
    raw = raw if raw not in (None, "") else request.headers.get("If-Match", "").strip('"W/ ')
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise DRFValidationError({"version": [_("A version is a whole number.")]}) from None


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [TokenPerIpThrottle, TokenPerUsernameThrottle]  # api/throttles.py

    @extend_schema(request=s.TokenRequestSerializer, responses=s.TokenResponseSerializer)
    def post(self, request):
        data = s.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None or not user.is_active:
            return Response({"non_field_errors": [_("Wrong username or password.")]},
                            status=status.HTTP_400_BAD_REQUEST)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class RestrictedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, mixins.UpdateModelMixin,
                        viewsets.GenericViewSet):
    """List/retrieve through ``restrict``; create and update through the domain's services."""

    model = None
    create_service = None
    update_service = None
    update_instance_arg = "instance"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        action_name = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        return self.model.objects.restrict(self.request.user, action_name)

    @plans_for_values()  # filtered by what the caller sent: planned for those values
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[IDEMPOTENCY_HEADER])
    @idempotent
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(actor=self.request.user,
                                                        **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = type(self).update_service(
            actor=self.request.user, expected_version=expected_version(self.request),
            **{self.update_instance_arg: serializer.instance}, **serializer.validated_data)


class CustomerViewSet(RestrictedViewSet):
    model = Customer
    serializer_class = s.CustomerSerializer
    filterset_class = CustomerFilterSet
    create_service = customer_services.customer_create
    update_service = customer_services.customer_update
    update_instance_arg = "customer"


class ProductModelViewSet(RestrictedViewSet):
    model = ProductModel
    serializer_class = s.ProductModelSerializer
    filterset_fields = ["category", "code"]
    create_service = customer_services.product_model_create
    update_service = customer_services.product_model_update
    update_instance_arg = "product_model"


class InstalledProductViewSet(RestrictedViewSet):
    model = InstalledProduct
    serializer_class = s.InstalledProductSerializer
    filterset_class = InstalledProductFilterSet
    create_service = customer_services.installed_product_register
    update_service = customer_services.installed_product_update
    update_instance_arg = "product"

    def get_queryset(self):
        return super().get_queryset().select_related("model")


def _action_schema(serializer_class, summary):
    return extend_schema(request=serializer_class, responses=s.ServiceRequestSerializer,
                         summary=summary, parameters=[IDEMPOTENCY_HEADER])


class ServiceRequestViewSet(RestrictedViewSet):
    model = ServiceRequest
    serializer_class = s.ServiceRequestSerializer
    filterset_class = ServiceRequestFilterSet
    create_service = request_services.service_request_create

    def get_queryset(self):
        return (super().get_queryset().select_related("service_centre")
                .prefetch_related("clocks"))

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.ServiceRequestUpdateSerializer
        return s.ServiceRequestSerializer

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        data = s.ServiceRequestUpdateSerializer(data=request.data, partial=True,
                                                context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "version"}
        updated = request_services.service_request_update(
            actor=request.user, request=instance, expected_version=expected_version(request),
            **fields)
        return self._respond(updated)

    @extend_schema(request=s.RepairedFirstSerializer, responses={201: s.RepairedFirstSerializer},
                   summary="Register a call after its emergency repair began (先抢修后补单, DS-6)",
                   description="The call registered as it came in (reported_at) and as an "
                               "emergency, the technician who was sent assigned and his arrival "
                               "recorded at arrived_at (its arrival deadline met then). "
                               "Supervisors and administrators only.",
                   parameters=[IDEMPOTENCY_HEADER])
    @action(detail=False, methods=["post"], url_path="repaired-first")
    @idempotent
    def repaired_first(self, request):
        data = s.RepairedFirstSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        created = request_services.service_request_create_repaired_first(
            actor=request.user, technician=fields.pop("technician"),
            arrived_at=fields.pop("arrived_at"), reason=fields.pop("repaired_first"),
            reported_at=fields.pop("reported_at"), **fields)
        return self._respond(created, serializer_class=s.RepairedFirstSerializer,
                             code=status.HTTP_201_CREATED)

    def _run(self, request, name, serializer_class):
        instance = self.get_object()
        data = serializer_class(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        params = {k: v for k, v in data.validated_data.items() if k != "version"}
        updated = request_services.ACTIONS[name](
            actor=request.user, request=instance, expected_version=expected_version(request),
            **params)
        return self._respond(updated)

    @_action_schema(s.NoteSerializer, "Customer agrees to the charge (SR-4)")
    @action(detail=True, methods=["post"])
    @idempotent
    def agree(self, request, pk=None):
        return self._run(request, "agree", s.NoteSerializer)

    @_action_schema(s.NoteSerializer, "Customer declines the charge")
    @action(detail=True, methods=["post"])
    @idempotent
    def decline(self, request, pk=None):
        return self._run(request, "decline", s.NoteSerializer)

    @_action_schema(s.AssignSerializer, "Assign (or reassign) a technician (DS-1)")
    @action(detail=True, methods=["post"])
    @idempotent
    def assign(self, request, pk=None):
        return self._run(request, "assign", s.AssignSerializer)

    @_action_schema(s.NoteSerializer, "Take the job back from the technician")
    @action(detail=True, methods=["post"])
    @idempotent
    def unassign(self, request, pk=None):
        return self._run(request, "unassign", s.NoteSerializer)

    @_action_schema(s.NoteSerializer, "Technician is on the way")
    @action(detail=True, methods=["post"])
    @idempotent
    def depart(self, request, pk=None):
        return self._run(request, "depart", s.NoteSerializer)

    @_action_schema(s.NoteSerializer, "Technician has arrived")
    @action(detail=True, methods=["post"])
    @idempotent
    def arrive(self, request, pk=None):
        return self._run(request, "arrive", s.NoteSerializer)

    @_action_schema(s.SignSerializer, "Customer signs the voucher; job done (WK-1)")
    @action(detail=True, methods=["post"])
    @idempotent
    def complete(self, request, pk=None):
        return self._run(request, "complete", s.SignSerializer)

    @_action_schema(s.RescheduleSerializer, "Unfinished: reschedule with a reason (WK-4)")
    @action(detail=True, methods=["post"])
    @idempotent
    def reschedule(self, request, pk=None):
        return self._run(request, "reschedule", s.RescheduleSerializer)

    @_action_schema(s.CarryInSerializer, "Carry the product back to the workshop (WK-3)")
    @action(detail=True, methods=["post"], url_path="carry-in")
    @idempotent
    def carry_in(self, request, pk=None):
        return self._run(request, "carry_in", s.CarryInSerializer)

    @_action_schema(s.FinishRepairSerializer, "Workshop repair finished")
    @action(detail=True, methods=["post"], url_path="finish-repair")
    @idempotent
    def finish_repair(self, request, pk=None):
        return self._run(request, "finish_repair", s.FinishRepairSerializer)

    @_action_schema(s.InspectSerializer, "Supervisor's inspection of the repair")
    @action(detail=True, methods=["post"])
    @idempotent
    def inspect(self, request, pk=None):
        return self._run(request, "inspect", s.InspectSerializer)

    @_action_schema(s.SignSerializer, "Return the product; customer signs; receipt cancelled")
    @action(detail=True, methods=["post"], url_path="hand-back")
    @idempotent
    def hand_back(self, request, pk=None):
        return self._run(request, "hand_back", s.SignSerializer)

    @_action_schema(s.NoteSerializer, "Close the job (clerk)")
    @action(detail=True, methods=["post"])
    @idempotent
    def close(self, request, pk=None):
        return self._run(request, "close", s.NoteSerializer)

    @_action_schema(s.NoteSerializer, "Cancel the request (reason required)")
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, pk=None):
        return self._run(request, "cancel", s.NoteSerializer)

    @_action_schema(s.NoteSerializer, "Assign the next technician in the rotation (DS-2)")
    @action(detail=True, methods=["post"], url_path="assign-next")
    @idempotent
    def assign_next(self, request, pk=None):
        instance = self.get_object()
        data = s.NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = service_request_assign_next(actor=request.user, request=instance,
                                              note=data.validated_data["note"],
                                              expected_version=expected_version(request))
        return self._respond(updated)

    @_action_schema(s.ReasonSerializer, "The job waits on the customer: pause its deadlines")
    @action(detail=True, methods=["post"], url_path="pause-clocks")
    @idempotent
    def pause_clocks(self, request, pk=None):
        return self._clock_action(request, clocks.clock_pause)

    @_action_schema(s.ReasonSerializer, "Resume the paused deadlines")
    @action(detail=True, methods=["post"], url_path="resume-clocks")
    @idempotent
    def resume_clocks(self, request, pk=None):
        return self._clock_action(request, clocks.clock_resume)

    @_action_schema(s.ReasonSerializer, "Extend a dealer's resolution deadline to 48 h (DS-4)")
    @action(detail=True, methods=["post"], url_path="extend-deadline")
    @idempotent
    def extend_deadline(self, request, pk=None):
        return self._clock_action(request, clocks.clock_extend)

    def _clock_action(self, request, service):
        instance = self.get_object()
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service(actor=request.user, request=instance, reason=data.validated_data["reason"])
        return self._respond(instance)

    def _respond(self, instance, *, serializer_class=s.ServiceRequestSerializer, code=200):
        fresh = self.get_queryset().get(pk=instance.pk)
        return Response(serializer_class(fresh, context=self.get_serializer_context()).data,
                        status=code)

    @_action_schema(s.RecordWorkSerializer, "Record fault → cause → action (AR-4)")
    @action(detail=True, methods=["post"], url_path="record-work")
    @idempotent
    def record_work(self, request, pk=None):
        instance = self.get_object()
        data = s.RecordWorkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = {k: v for k, v in data.validated_data.items() if k != "version"}
        updated = request_services.service_request_record_work(
            actor=request.user, request=instance, expected_version=expected_version(request),
            **params)
        return self._respond(updated)

    @extend_schema(methods=["GET"], responses=s.LaborSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.LaborSerializer, responses={201: s.LaborSerializer},
                   parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def labor(self, request, pk=None):
        instance = self.get_object()
        if request.method == "GET":
            return Response(s.LaborSerializer(instance.labor.all(), many=True).data)
        return self._add_line(request)

    @extend_schema(methods=["GET"], responses=s.PartUsageSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.PartUsageSerializer,
                   responses={201: s.PartUsageSerializer}, parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def parts(self, request, pk=None):
        instance = self.get_object()
        if request.method == "GET":
            return Response(s.PartUsageSerializer(instance.parts.select_related("part"), many=True).data)
        return self._add_line(request)

    @idempotent
    def _add_line(self, request):
        instance = self.get_object()
        if self.action == "labor":
            data = s.LaborSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            line = request_services.labor_add(actor=request.user, request=instance,
                                              **data.validated_data)
            return Response(s.LaborSerializer(line).data, status=status.HTTP_201_CREATED)
        data = s.PartUsageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = request_services.part_add(actor=request.user, request=instance, **data.validated_data)
        return Response(s.PartUsageSerializer(line).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])  # a list
    def events(self, request, pk=None):
        instance = self.get_object()
        rows = [{"action": e.action, "from_state": e.from_state, "to_state": e.to_state,
                 "actor": str(e.actor) if e.actor else None, "at": e.at, "note": e.note,
                 "data": e.data} for e in event_list(instance)]
        return Response(s.EventSerializer(rows, many=True).data)
