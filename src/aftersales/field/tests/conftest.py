import pytest

from aftersales.core.models import Event
from aftersales.service.models import (
    LaborEntry,
    PartUsage,
    ProductReceipt,
    RegisterEntry,
    Signature,
)
from aftersales.service.tests.factories import Cast, drive, new_request


@pytest.fixture
def cast(db):
    return Cast()


@pytest.fixture
def job(cast):
    """A request assigned to the cast's technician."""
    return drive(new_request(cast), cast, "assigned")


@pytest.fixture
def on_site(job, cast):
    return drive(job, cast, "on_site")


def footprint(request):
    """Everything a post could change on a request; equal before and after a denied post."""
    request.refresh_from_db()
    return {
        "status": request.status,
        "version": request.version,
        "fault": (request.fault_found, request.fault_cause, request.action_taken, request.cause),
        "labor": LaborEntry.objects.filter(request=request).count(),
        "parts": PartUsage.objects.filter(request=request).count(),
        "signatures": Signature.objects.filter(request=request).count(),
        "receipts": list(ProductReceipt.objects.filter(request=request)
                         .values_list("number", "cancelled_at")),
        "register": RegisterEntry.objects.filter(request=request).count(),
        "events": Event.objects.filter(object_id=request.pk).count(),
    }
