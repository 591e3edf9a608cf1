"""One error format for the whole API (api-contract.md "Conventions").

400: a body naming each offending field; 409: illegal state change or stale write;
403/404: not allowed / not found. Domain exceptions are mapped here, and nowhere else.
A body Django refuses (over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields: SuspiciousOperation)
is a 400 in this format too, not Django's HTML page.
"""

import logging

from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.middleware import body_error_message

logger = logging.getLogger("aftersales.api")


def _validation_body(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(msg) for e in errors for msg in e.messages]
                for field, errors in exc.error_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return Response(_validation_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ConflictError):
        return Response({"detail": str(exc.message), "code": exc.code},
                        status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PermissionDenied):
        return Response({"detail": str(exc.message)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, SuspiciousOperation):
        return Response({"detail": body_error_message(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    if isinstance(exc, IntegrityError):
        logger.warning("integrity error mapped to 409: %s", exc)
        return Response({"detail": _("This change conflicts with existing data."),
                         "code": "integrity"}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)
