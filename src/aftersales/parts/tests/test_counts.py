"""Stock-take (PT-3): the sheet freezes what was expected, approval applies the counted
difference to stock as it stands then (moves made during the count are kept), once."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.core.exceptions import IllegalTransition, PermissionDenied
from aftersales.core.tests.concurrency import at_once
from aftersales.parts import services
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import StockBalance, StockCount, StockCountStatus, StockMove, Warehouse
from aftersales.parts.selectors_counts import stock_count_lines, stock_count_summary
from aftersales.parts.tests.factories import PartFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    centre = ServiceCentreFactory()
    supervisor = UserFactory(username=f"sup-{centre.code}", role=Role.SUPERVISOR,
                             service_centre=centre)
    agent = UserFactory(username=f"agent-{centre.code}", role=Role.AGENT, service_centre=centre)
    store = Warehouse.objects.create(code=f"S-{centre.code}", name="中心库",
                                     kind=WarehouseKind.CENTRE, service_centre=centre)
    ign = PartFactory(code="IGN-01", unit_price=Decimal("35.50"))
    pipe = PartFactory(code="PIPE-M", unit="m", unit_decimals=2, unit_price=Decimal("12.00"))
    valve = PartFactory(code="VALVE-3", unit_price=Decimal("80.00"))
    for part, quantity in ((ign, "10"), (pipe, "5.5"), (valve, "3")):
        services.stock_move(actor=supervisor, warehouse=store, part=part, kind=MoveKind.RECEIPT,
                            quantity=quantity)
    return {"supervisor": supervisor, "agent": agent, "store": store, "ign": ign, "pipe": pipe,
            "valve": valve}


def _on_hand(place, part) -> Decimal:
    return StockBalance.objects.get(warehouse=place, part=part).quantity


def _enter(count, actor, counted: dict):
    lines = {line.part.code: line for line in stock_count_lines(count)}
    for code, value in counted.items():
        services.stock_count_line_set(actor=actor, line=lines[code], counted=value)


def test_open_freezes_expected_and_numbers_the_sheet(world):
    count = services.stock_count_open(actor=world["supervisor"], warehouse=world["store"])
    assert count.number.startswith("ST") and len(count.number) == 10
    lines = stock_count_lines(count)
    assert [(x.part.code, x.expected, x.unit_cost) for x in lines] == [
        ("IGN-01", Decimal("10"), Decimal("35.50")), ("PIPE-M", Decimal("5.5"), Decimal("12.00")),
        ("VALVE-3", Decimal("3"), Decimal("80.00"))]
    with pytest.raises(ValidationError, match="already being counted"):
        services.stock_count_open(actor=world["supervisor"], warehouse=world["store"])


def test_lines_are_valued_at_the_cost_price_where_the_history_has_one(world):
    manager = UserFactory(username="mgr-cost", role=Role.MANAGER, service_centre=None)
    services.part_price_set(actor=manager, part=world["ign"], cost="20.00", price="35.50",
                            valid_from=date(2020, 1, 1))
    count = services.stock_count_open(actor=world["supervisor"], warehouse=world["store"])
    costs = {x.part.code: x.unit_cost for x in stock_count_lines(count)}
    assert costs == {"IGN-01": Decimal("20.00"), "PIPE-M": Decimal("12.00"),
                     "VALVE-3": Decimal("80.00")}  # no price row: the price list's price


def test_opening_takes_the_same_queries_for_many_parts(world):
    from django.test.utils import CaptureQueriesContext

    sup, store = world["supervisor"], world["store"]
    # the first document of the month makes its counter row: not what is measured
    services.stock_count_cancel(actor=sup, note="test", count=services.stock_count_open(
        actor=sup, warehouse=store))
    with CaptureQueriesContext(connection) as few:
        services.stock_count_cancel(actor=sup, note="test", count=services.stock_count_open(
            actor=sup, warehouse=store))
    for n in range(20):
        services.stock_move(actor=sup, warehouse=store, part=PartFactory(code=f"X-{n}"),
                            kind=MoveKind.RECEIPT, quantity=1)
    with CaptureQueriesContext(connection) as many:
        services.stock_count_cancel(actor=sup, note="test", count=services.stock_count_open(
            actor=sup, warehouse=store))
    assert len(many) == len(few)


def test_deficit_and_surplus_approved_make_the_adjustment_moves(world):
    sup, store = world["supervisor"], world["store"]
    count = services.stock_count_open(actor=sup, warehouse=store)
    # the agent counts: 2 ignition needles missing, 0.25 m of pipe more, valves agree (0 allowed
    # elsewhere: checked below)
    _enter(count, world["agent"], {"IGN-01": "8", "PIPE-M": "5.75", "VALVE-3": "3"})
    summary = stock_count_summary(stock_count_lines(count))
    assert (summary.deficit_lines, summary.deficit_quantity, summary.deficit_value) == (
        1, Decimal("2"), Decimal("71.00"))
    assert (summary.surplus_lines, summary.surplus_quantity, summary.surplus_value) == (
        1, Decimal("0.25"), Decimal("3.00"))
    assert summary.net_value == Decimal("-68.00")
    count = services.stock_count_finish(actor=world["agent"], count=count)
    with pytest.raises(PermissionDenied):
        services.stock_count_approve(actor=world["agent"], count=count)
    count = services.stock_count_approve(actor=sup, count=count)
    assert count.status == StockCountStatus.APPROVED and count.approved_by == sup
    moves = StockMove.objects.filter(kind=MoveKind.ADJUSTMENT).order_by("part__code")
    assert [(m.part.code, m.quantity, m.reference) for m in moves] == [
        ("IGN-01", Decimal("-2"), f"count:{count.number}"),
        ("PIPE-M", Decimal("0.25"), f"count:{count.number}")]
    assert _on_hand(store, world["ign"]) == Decimal("8")
    assert _on_hand(store, world["pipe"]) == Decimal("5.75")
    assert _on_hand(store, world["valve"]) == Decimal("3")
    lines = {x.part.code: x for x in stock_count_lines(count)}
    assert lines["IGN-01"].move == moves[0] and lines["VALVE-3"].move is None


def test_a_move_during_the_count_is_not_lost(world):
    sup, store, ign, valve = world["supervisor"], world["store"], world["ign"], world["valve"]
    count = services.stock_count_open(actor=sup, warehouse=store)
    _enter(count, sup, {"IGN-01": "8", "PIPE-M": "5.5", "VALVE-3": "2"})
    # while the sheet waits for approval, 5 needles come in and 1 valve is scrapped
    services.stock_move(actor=sup, warehouse=store, part=ign, kind=MoveKind.RECEIPT, quantity=5)
    services.stock_move(actor=sup, warehouse=store, part=valve, kind=MoveKind.SCRAP, quantity=1,
                        note="broken")
    services.stock_count_finish(actor=sup, count=count)
    services.stock_count_approve(actor=sup, count=count)
    # on hand now + (counted − expected): 15 + (8 − 10) = 13 — not the 8 counted before the
    # receipt, which would lose it; valves 2 + (2 − 3) = 1
    assert _on_hand(store, ign) == Decimal("13")
    assert _on_hand(store, valve) == Decimal("1")
    assert _on_hand(store, world["pipe"]) == Decimal("5.5")


def test_a_difference_that_would_go_below_zero_is_refused_whole(world):
    sup, store, ign, valve = world["supervisor"], world["store"], world["ign"], world["valve"]
    count = services.stock_count_open(actor=sup, warehouse=store)
    _enter(count, sup, {"IGN-01": "8", "PIPE-M": "5.5", "VALVE-3": "0"})
    services.stock_move(actor=sup, warehouse=store, part=valve, kind=MoveKind.SCRAP, quantity=1,
                        note="broken")
    services.stock_count_finish(actor=sup, count=count)
    with pytest.raises(ValidationError, match="VALVE-3: 2 on hand now, -3 by the count"):
        services.stock_count_approve(actor=sup, count=count)
    count.refresh_from_db()
    assert count.status == StockCountStatus.COUNTED
    assert not StockMove.objects.filter(kind=MoveKind.ADJUSTMENT).exists()
    assert _on_hand(store, ign) == Decimal("10")


def test_approval_is_once(world):
    sup, store = world["supervisor"], world["store"]
    count = services.stock_count_open(actor=sup, warehouse=store)
    _enter(count, sup, {"IGN-01": "9", "PIPE-M": "5.5", "VALVE-3": "3"})
    services.stock_count_finish(actor=sup, count=count)
    stale = StockCount.objects.get(pk=count.pk)
    services.stock_count_approve(actor=sup, count=count)
    with pytest.raises(IllegalTransition):
        services.stock_count_approve(actor=sup, count=stale)
    assert StockMove.objects.filter(kind=MoveKind.ADJUSTMENT).count() == 1
    assert _on_hand(store, world["ign"]) == Decimal("9")


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_adjust_once(world):
    sup, store = world["supervisor"], world["store"]
    count = services.stock_count_open(actor=sup, warehouse=store)
    _enter(count, sup, {"IGN-01": "7", "PIPE-M": "5.5", "VALVE-3": "3"})
    services.stock_count_finish(actor=sup, count=count)
    def approve(_):
        services.stock_count_approve(actor=sup, count=StockCount.objects.get(pk=count.pk))
        return "ok"

    # the loser's refusal, whichever it is, is the point
    results = at_once(approve, 2, outcomes={Exception: "lost"})
    assert sorted(results) == ["lost", "ok"], results
    assert StockMove.objects.filter(kind=MoveKind.ADJUSTMENT).count() == 1
    assert _on_hand(store, world["ign"]) == Decimal("7")
    assert connection.vendor in {"sqlite", "postgresql"}


def test_entries_are_checked_and_closed_after_counting(world):
    sup, store = world["supervisor"], world["store"]
    count = services.stock_count_open(actor=sup, warehouse=store)
    lines = {x.part.code: x for x in stock_count_lines(count)}
    with pytest.raises(ValidationError, match="whole 个"):
        services.stock_count_line_set(actor=sup, line=lines["IGN-01"], counted="1.5")
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.stock_count_line_set(actor=sup, line=lines["IGN-01"], counted="-1")
    with pytest.raises(ValidationError, match="Enter a number"):
        services.stock_count_line_set(actor=sup, line=lines["IGN-01"], counted="abc")
    services.stock_count_line_set(actor=sup, line=lines["IGN-01"], counted="0")
    with pytest.raises(ValidationError, match="Not counted yet: PIPE-M, VALVE-3"):
        services.stock_count_finish(actor=sup, count=count)
    _enter(count, sup, {"PIPE-M": "5.5", "VALVE-3": "3"})
    services.stock_count_finish(actor=sup, count=count)
    with pytest.raises(IllegalTransition, match="no longer open"):
        services.stock_count_line_set(actor=sup, line=lines["IGN-01"], counted="3")


def test_a_place_the_user_may_not_touch(world):
    other_centre = ServiceCentreFactory()
    stranger = UserFactory(username="sup-x", role=Role.SUPERVISOR, service_centre=other_centre)
    with pytest.raises(PermissionDenied):
        services.stock_count_open(actor=stranger, warehouse=world["store"])
    count = services.stock_count_open(actor=world["supervisor"], warehouse=world["store"])
    line = stock_count_lines(count)[0]
    with pytest.raises(PermissionDenied):
        services.stock_count_line_set(actor=stranger, line=line, counted="1")
    assert StockCount.objects.restrict(stranger, "view").count() == 0


def test_a_part_found_on_the_shelf_that_is_not_on_the_sheet(world):
    """A part the books held none of at opening (it arrived here unrecorded) is added with what
    was counted, expected 0, valued at its price; approval books it in. One already on the sheet
    is refused (enter it on its line), as is a part number that does not exist."""
    s, store = world["supervisor"], world["store"]
    found = PartFactory(code="GASKET-9", unit_price=Decimal("4.20"))
    count = services.stock_count_open(actor=s, warehouse=store)
    line = services.stock_count_line_add(actor=world["agent"], count=count, part=found, counted="7")
    assert (line.expected, line.counted, line.unit_cost) == (0, Decimal("7"), Decimal("4.20"))
    with pytest.raises(ValidationError) as error:
        services.stock_count_line_add(actor=s, count=count, part=world["ign"], counted="1")
    assert "IGN-01" in str(error.value) and "on its line" in str(error.value)
    with pytest.raises(ValidationError):
        services.stock_count_line_add(actor=s, count=count, part=None, counted="1")
    assert count.lines.count() == 4
    _enter(count, s, {"IGN-01": "10", "PIPE-M": "5.5", "VALVE-3": "3"})
    services.stock_count_finish(actor=s, count=count)
    services.stock_count_approve(actor=s, count=count)
    assert _on_hand(store, found) == Decimal("7")
    summary = stock_count_summary(stock_count_lines(count))
    assert (summary.surplus_lines, summary.net_value) == (1, Decimal("29.40"))


def test_a_found_part_that_left_the_books_counts_against_what_they_held_at_opening(world):
    """The books held 3 valves at opening but the part was closed then (off the sheet); found 5:
    expected is the 3 of the last move before opening, so approval adds 2."""
    s, store, valve = world["supervisor"], world["store"], world["valve"]
    valve.active = False
    valve.save(update_fields=["active"])
    count = services.stock_count_open(actor=s, warehouse=store)
    assert not count.lines.filter(part=valve).exists()
    valve.active = True
    valve.save(update_fields=["active"])
    line = services.stock_count_line_add(actor=s, count=count, part=valve, counted="5")
    assert line.expected == Decimal("3")
    _enter(count, s, {"IGN-01": "10", "PIPE-M": "5.5"})
    services.stock_count_finish(actor=s, count=count)
    services.stock_count_approve(actor=s, count=count)
    assert _on_hand(store, valve) == Decimal("5")
