"""The platforms' inbound webhook: POST /shop/webhook/<shop code>/.

Not a session or staff-token endpoint: the platform signs each call with the shop's secret
(HMAC-SHA256 over "<X-Shop-Timestamp>.<raw body>", hex, in X-Shop-Signature). A call older or
newer than 5 minutes, or with a wrong signature, is answered 401 and nothing is stored. Each
event is stored once by its ``event_id``: a resent event answers 200 with the first outcome.
"""

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Shop
from .services.orders import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookRefused,
    webhook_receive,
    webhook_verify,
)

MAX_BODY = 256 * 1024


@csrf_exempt
@require_POST
def webhook(request, code: str):
    shop = Shop.objects.filter(code=code).first()
    body = request.body[:MAX_BODY + 1]
    try:
        webhook_verify(shop=shop, timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
                       signature=request.headers.get(SIGNATURE_HEADER, ""), body=body)
    except WebhookRefused:
        return JsonResponse({"detail": "invalid signature", "code": "not_authenticated"},
                            status=401)
    if len(body) > MAX_BODY:
        return JsonResponse({"detail": "body too large"}, status=413)
    try:
        event, created = webhook_receive(shop=shop, body=body)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}
        reused = any(e.code == "event_reused"
                     for e in getattr(exc, "error_dict", {}).get("event_id", []))
        status = 409 if reused else 400
        return JsonResponse({"errors": errors}, status=status)
    return JsonResponse({"event": event.event_id, "order": event.order_id,
                         "replayed": not created}, status=201 if created else 200)
