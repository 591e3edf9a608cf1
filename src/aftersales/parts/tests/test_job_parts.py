"""Parts fitted on a job come out of the technician's van (or the centre's store for a workshop
repair) in the same transaction as the usage line; taking the line off puts the part back."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from aftersales.parts import services
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import StockMove, Warehouse
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services as service
from aftersales.service.choices import Status
from aftersales.service.models import PartUsage
from aftersales.service.tests.factories import Cast, drive, new_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def job():
    cast = Cast()
    van = Warehouse.objects.create(code=f"V-{cast.centre.code}", name="车载库",
                                   kind=WarehouseKind.VAN, technician=cast.technician)
    part = PartFactory(code="IGN-02")
    services.stock_move(actor=cast.manager, warehouse=van, part=part, kind=MoveKind.RECEIPT,
                        quantity=2)
    request = drive(new_request(cast), cast, Status.ON_SITE)
    return cast, van, part, request


def test_a_fitted_part_leaves_the_van_with_its_usage_line(job):
    cast, van, part, request = job
    usage = service.part_add(actor=cast.technician, request=request, part=part, quantity=2)
    assert stock_on_hand(warehouse=van, part=part) == 0
    move = StockMove.objects.get(kind=MoveKind.ISSUE)
    assert (move.warehouse, move.request, move.quantity, move.reference) == (
        van, request, -2, f"usage:{usage.pk}")


def test_a_part_not_in_the_van_is_refused_and_nothing_is_recorded(job):
    cast, van, part, request = job
    with translation.override("en"), pytest.raises(ValidationError) as error:
        service.part_add(actor=cast.technician, request=request, part=part, quantity=3)
    assert "Only 2" in error.value.message_dict["quantity"][0]
    assert not PartUsage.objects.exists() and not StockMove.objects.filter(kind="issue").exists()
    assert stock_on_hand(warehouse=van, part=part) == 2


def test_taking_the_line_off_puts_the_part_back(job):
    cast, van, part, request = job
    usage = service.part_add(actor=cast.technician, request=request, part=part, quantity=1)
    service.part_remove(actor=cast.technician, usage=usage)
    assert stock_on_hand(warehouse=van, part=part) == 2
    assert list(StockMove.objects.values_list("kind", "quantity")) == [
        ("receipt", 2), ("issue", -1), ("return", 1)]
    assert not PartUsage.objects.exists()


def test_without_a_van_stock_is_not_tracked(job):
    cast, van, part, request = job
    other = Cast()
    plain = drive(new_request(other), other, Status.ON_SITE)
    service.part_add(actor=other.technician, request=plain, part=part, quantity=5)
    assert StockMove.objects.filter(kind="issue").count() == 0
    assert stock_on_hand(warehouse=van, part=part) == 2


def test_fitting_a_part_adds_at_most_two_statements_on_postgresql(job):
    """bench/parts' target, checked on every run: taking the part out of the van costs at most
    two statements more than the same usage line without that handler."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.core import handlers
    from aftersales.parts.handlers import part_issue_for

    cast, van, part, request = job
    try:
        handlers._registry["service_request.part_add"] = [
                h for h in handlers._registry["service_request.part_add"]
                if h is not part_issue_for]
        with CaptureQueriesContext(connection) as plain:
            service.part_add(actor=cast.technician, request=request, part=part)
    finally:
        handlers.handlers_load()
    with CaptureQueriesContext(connection) as stocked:
        service.part_add(actor=cast.technician, request=request, part=part)
    added = len(stocked) - len(plain)
    if connection.vendor == "postgresql":
        assert added <= 2, [q["sql"][:80] for q in stocked.captured_queries]
    assert stock_on_hand(warehouse=van, part=part) == 1
    assert StockMove.objects.filter(kind="issue").count() == 1
