"""The product's URLs plus views that fail on purpose, for the error page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from aftersales.config.urls import (  # noqa: F401
    handler400,
    handler403,
    handler404,
    handler500,
    urlpatterns,
)


def fail(request):
    raise RuntimeError("a bug")


def forbid(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("odd input")


urlpatterns = [
    path("test-fail/", fail),
    path("api/v1/test-fail/", fail),
    path("test-forbid/", forbid),
    path("test-suspicious/", suspicious),
    path("api/v1/test-suspicious/", suspicious),
    *urlpatterns,
]
