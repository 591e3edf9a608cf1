"""bench/intake's endpoints: the framework's floors (views that insert one row) and a ceiling.

Mounted at /bench/ only when the setting BENCH_ENDPOINTS is true (config/urls.py).
``bench_insert`` is bare Django, no authentication: what the middleware, the request cycle and one
INSERT cost. ``BenchApiInsert`` adds what every API call pays before any domain work: DRF's request
cycle, token authentication, JSON parsing and rendering. ``BenchRawCreate`` is not a floor but a
ceiling: a request's registration with no ORM and no serializer on its way (see its docstring).
"""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.models import Event
from aftersales.core.numbering import number_assign, placeholder
from aftersales.customers.models import Customer, InstalledProduct, ProductModel
from aftersales.dispatch.choices import ClockKind
from aftersales.dispatch.clocks import arrive_by_set, clock_new, policy_for, request_region
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.services import REQUEST_PREFIX, service_request_terms

from .models import BenchRow


@csrf_exempt
@require_POST
def bench_insert(request):
    row = BenchRow.objects.create(payload=request.body[:200].decode("utf-8", "replace"))
    return JsonResponse({"id": row.pk}, status=201)


class BenchApiInsert(APIView):
    """The project's API defaults (token or session authentication, IsAuthenticated)."""

    def post(self, request):
        mark = str(request.data.get("mark", ""))[:200] if hasattr(request.data, "get") else ""
        row = BenchRow.objects.create(payload=f'{{"mark": "{mark}"}}')
        return Response({"id": row.pk}, status=status.HTTP_201_CREATED)


_RAW_READ = (
    "SELECT ip.customer_id, ip.model_id, ip.purchased_on, ip.warranty_ends_on, ip.region_kind,"
    " m.warranty_months, m.service_fee, c.region_kind, c.service_centre_id, c.user_id"
    " FROM customers_installedproduct ip"
    " JOIN customers_customer c ON c.id = ip.customer_id"
    " JOIN customers_productmodel m ON m.id = ip.model_id"
    " WHERE ip.id = %s AND ip.customer_id = %s AND c.service_centre_id = %s")
_RAW_REQUEST = (
    "INSERT INTO service_servicerequest (created_at, updated_at, version, number, channel,"
    " description, urgency, reported_at, internal, cause, in_warranty, chargeable, category,"
    " estimated_charge, customer_agreed_at, status, appointment_at, arrive_by, fault_found,"
    " fault_cause, action_taken, completed_at, closed_at, assigned_technician_id, created_by_id,"
    " customer_id, installed_product_id, service_centre_id, kind, planned_for)"
    " VALUES (%s, %s, 1, %s, %s, %s, 'normal', %s, false, '', %s, %s, %s, %s, NULL, %s, NULL, %s,"
    " '', '', '', NULL, NULL, NULL, %s, %s, %s, %s, 'repair', NULL) RETURNING id")
_RAW_EVENT = (
    "INSERT INTO core_event (content_type_id, object_id, action, from_state, to_state, actor_id,"
    " at, note, data) VALUES (%s, %s, 'register', '', %s, %s, %s, '', %s) RETURNING id")
_RAW_CLOCK = (
    "INSERT INTO dispatch_deadlineclock (created_at, updated_at, version, kind, working_time,"
    " budget_seconds, warn_at_percent, started_at, resumed_at, consumed_seconds, state, warn_at,"
    " due_at, met_at, breached, extension_reason, request_id, policy_id, alert_at)"
    " VALUES (%s, %s, 1, %s, %s, %s, %s, %s, %s, 0, %s, %s, %s, NULL, false, '', %s, %s, %s)"
    " RETURNING id")


class BenchRawCreate(APIView):
    """A ceiling for bench/intake (``raw``), not a second way to register a request: what the
    API create could cost at best on this stack with the same statements. The API's
    authentication; one read of the product with its model and customer; the terms (SR-2 … SR-4)
    and the arrival deadline by the product's own rules; then, in one transaction, the request,
    its event, its arrival clock and its number (``number_assign``) — written as SQL through
    one cursor, with no model saved and no serializer, and the answer built as a plain dict.
    No handlers run and no input is checked beyond what the bench sends; a test keeps its rows
    equal to the API's for the same call (demo/tests/test_bench_floor.py)."""

    def post(self, request):
        data, actor = request.data, request.user
        centre = actor.service_centre
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(_RAW_READ, [int(data["installed_product"]), int(data["customer"]),
                                       centre.pk])
            row = cursor.fetchone()
            if row is None:
                return Response({"installed_product": ["not found"]}, status=400)
            (customer_id, model_id, purchased_on, warranty_ends_on, product_region, months, fee,
             customer_region, customer_centre_id, user_id) = row
            places = ProductModel._meta.get_field("service_fee").decimal_places
            fee = Decimal(fee).quantize(Decimal(1).scaleb(-places))  # SQLite: as the ORM reads it
            product = InstalledProduct(
                pk=int(data["installed_product"]), customer_id=customer_id,
                model=ProductModel(pk=model_id, warranty_months=months, service_fee=fee),
                purchased_on=purchased_on, warranty_ends_on=warranty_ends_on,
                region_kind=product_region)
            customer = Customer(pk=customer_id, region_kind=customer_region,
                                service_centre_id=customer_centre_id, user_id=user_id)
            terms = service_request_terms(product=product, reported_at=now, centre=centre)
            status_ = Status.AWAITING_AGREEMENT if terms.needs_agreement else Status.REGISTERED
            subject = ServiceRequest(customer=customer, installed_product=product,
                                     service_centre=centre, reported_at=now, status=status_)
            arrive_by_set(request=subject)
            clock = clock_new(request=subject, kind=ClockKind.ARRIVAL,
                              policy=policy_for(ClockKind.ARRIVAL, request_region(subject)))
            description = str(data.get("description", "")).strip()
            event_data = {"category": terms.category, "in_warranty": terms.in_warranty,
                          "chargeable": terms.chargeable,
                          "estimated_charge": str(terms.estimated_charge)}
            with transaction.atomic():
                cursor.execute(_RAW_REQUEST, [
                    now, now, placeholder(), data.get("channel", "phone"), description, now,
                    terms.in_warranty, terms.chargeable, terms.category, terms.estimated_charge,
                    status_, subject.arrive_by, actor.pk, customer_id, product.pk, centre.pk])
                subject.pk = cursor.fetchone()[0]
                cursor.execute(_RAW_EVENT, [
                    ContentType.objects.get_for_model(ServiceRequest).pk, subject.pk, status_,
                    actor.pk, now,
                    Event._meta.get_field("data").get_db_prep_save(event_data, connection)])
                cursor.execute(_RAW_CLOCK, [
                    now, now, clock.kind, clock.working_time, clock.budget_seconds,
                    clock.warn_at_percent, clock.started_at, clock.resumed_at, clock.state,
                    clock.warn_at, clock.due_at, subject.pk, clock.policy_id, clock.alert_at])
                cursor.fetchone()
                number = number_assign(subject, doc_type="service_request",
                                       prefix=REQUEST_PREFIX, moment=now)
        moment = timezone.localtime(now).isoformat()
        due = subject.arrive_by and timezone.localtime(subject.arrive_by).isoformat()
        return Response({
            "id": subject.pk, "number": number, "customer": customer_id,
            "installed_product": product.pk, "channel": data.get("channel", "phone"),
            "description": description, "reported_at": moment, "internal": False,
            "kind": "repair", "cause": "", "in_warranty": terms.in_warranty,
            "chargeable": terms.chargeable, "category": terms.category, "status": status_,
            "arrive_by": due, "service_centre": centre.pk, "urgency": "normal",
            "estimated_charge": str(terms.estimated_charge), "customer_agreed_at": None,
            "assigned_technician": None, "appointment_at": None,
            "fault_found": "", "fault_cause": "", "action_taken": "", "completed_at": None,
            "closed_at": None, "created_at": moment, "updated_at": moment, "version": 1,
            "clocks": [{"kind": clock.kind, "state": clock.state, "due_at": due,
                        "warn_at": clock.warn_at and timezone.localtime(clock.warn_at).isoformat(),
                        "remaining_seconds": int((clock.due_at - now).total_seconds())
                        if clock.due_at else None,
                        "breached": False, "extension_reason": ""}]},
            status=status.HTTP_201_CREATED)
