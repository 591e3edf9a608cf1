"""``Idempotency-Key`` on POST (api-contract.md): the same key and body replay the first
response and create nothing more; the same key with another body is refused (422).

The key row is inserted in the same transaction as the work it guards, so a concurrent repeat
waits on the unique index until the first commits, then replays its stored response.
"""

import functools
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from aftersales.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def _digest(request) -> str:
    body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(request, key: str, digest: str) -> Response:
    record = IdempotencyRecord.objects.get(user=request.user, key=key)
    if record.body_hash != digest:
        return Response(
            {"detail": _("This Idempotency-Key was already used for a different request."),
             "code": "idempotency_key_reused"},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    response = Response(record.response, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(handler):
    """Wrap a POST handler of a DRF view (``create`` or an ``@action``)."""

    @functools.wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if request.method != "POST" or not key:
            return handler(self, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            return Response({HEADER: [_("The key is too long (at most 200 characters).")]},
                            status=status.HTTP_400_BAD_REQUEST)
        digest = _digest(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=request.user, key=key, method=request.method,
                        path=request.path[:300], body_hash=digest)
            except IntegrityError:
                record = None
            if record is not None:
                response = handler(self, request, *args, **kwargs)
                if response.status_code >= 300:
                    transaction.set_rollback(True)
                    return response
                record.status_code = response.status_code
                record.response = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
                record.save(update_fields=["status_code", "response"])
                return response
        return _replay(request, key, digest)

    return wrapper


def key_required(request, message: str):
    """Where a repeated POST would move money twice, the key is not optional: a 400 response
    saying ``message`` without one, else None."""
    if request.headers.get("Idempotency-Key", "").strip():
        return None
    return Response({"Idempotency-Key": [message]}, status=status.HTTP_400_BAD_REQUEST)


def answer_once(data, created: bool) -> Response:
    """The answer of a write its service does once per key: 201 when done now, 200 with
    ``Idempotent-Replayed`` for a repeat that answers with what was done the first time."""
    response = Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
    if not created:
        response["Idempotent-Replayed"] = "true"
    return response
