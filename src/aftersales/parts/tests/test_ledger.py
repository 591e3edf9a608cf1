"""The stock ledger: stock on hand is always the sum of the moves, never below zero, and a
refused move leaves nothing behind — for any sequence of operations (property test)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.ledger import AppendOnlyError
from aftersales.parts import services
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import StockBalance, StockMove, Warehouse
from aftersales.parts.selectors import low_stock_list, stock_on_hand
from aftersales.parts.tests.factories import PartFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    centre = ServiceCentreFactory()
    manager = UserFactory(username=f"mgr-{centre.code}", role=Role.MANAGER, service_centre=None)
    tech = UserFactory(username=f"tech-{centre.code}", role=Role.TECHNICIAN, service_centre=centre)
    other = UserFactory(username=f"tech2-{centre.code}", role=Role.TECHNICIAN, service_centre=centre)
    places = [
        Warehouse.objects.create(code=f"C-{centre.code}", name="总仓", kind=WarehouseKind.CENTRAL),
        Warehouse.objects.create(code=f"S-{centre.code}", name="中心库", kind=WarehouseKind.CENTRE,
                                 service_centre=centre),
        Warehouse.objects.create(code=f"V-{centre.code}", name="张师傅车载库",
                                 kind=WarehouseKind.VAN, technician=tech),
    ]
    parts = [PartFactory(code="IGN-01"), PartFactory(code="PIPE-M", unit="m", unit_decimals=2)]
    return {"manager": manager, "tech": tech, "other": other, "places": places, "parts": parts}


def _check_invariant():
    for balance in StockBalance.objects.all():
        # summed in Python: SQLite's SUM of decimals goes through floating point
        total = sum(StockMove.objects.filter(warehouse=balance.warehouse, part=balance.part)
                    .values_list("quantity", flat=True), Decimal(0))
        assert balance.quantity == total >= 0
        last = (StockMove.objects.filter(warehouse=balance.warehouse, part=balance.part)
                .order_by("-at", "-id").first())
        assert last is None or last.balance_after == balance.quantity


OPERATIONS = st.lists(st.tuples(
    st.sampled_from(["receipt", "issue", "scrap", "transfer", "adjust", "loan_out", "loan_back"]),
    st.integers(0, 2), st.integers(0, 2), st.integers(0, 1),
    st.decimals(min_value=Decimal("-2"), max_value=Decimal("9"), places=2),
), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=OPERATIONS)
def test_stock_on_hand_is_always_the_sum_of_the_moves(world, operations):
    manager, places, parts = world["manager"], world["places"], world["parts"]
    for op, a, b, p, amount in operations:
        place, other, part = places[a], places[b], parts[p]
        moves_before = StockMove.objects.count()
        try:
            if op == "receipt":
                services.stock_move(actor=manager, warehouse=place, part=part,
                                    kind=MoveKind.RECEIPT, quantity=amount)
            elif op in {"issue", "scrap", "loan_out", "loan_back"}:
                kind = {"issue": MoveKind.SCRAP, "scrap": MoveKind.SCRAP,
                        "loan_out": MoveKind.LOAN_OUT, "loan_back": MoveKind.LOAN_BACK}[op]
                services.stock_move(actor=manager, warehouse=place, part=part, kind=kind,
                                    quantity=amount, note="测试")
            elif op == "transfer":
                services.stock_transfer(actor=manager, source=place, target=other, part=part,
                                        quantity=amount)
            else:
                services.stock_adjust(actor=manager, warehouse=place, part=part,
                                      counted=abs(amount), note="盘点")
        except ValidationError:
            assert StockMove.objects.count() == moves_before  # nothing half-saved
        _check_invariant()


def test_a_move_below_zero_is_refused_with_what_is_there(world):
    manager, (central, _store, _van), (part, _pipe) = world["manager"], world["places"], world["parts"]
    services.stock_move(actor=manager, warehouse=central, part=part, kind=MoveKind.RECEIPT,
                        quantity=2)
    with pytest.raises(ValidationError) as error:
        services.stock_move(actor=manager, warehouse=central, part=part, kind=MoveKind.SCRAP,
                            quantity=3, note="损坏")
    assert "2" in error.value.message_dict["quantity"][0]
    assert stock_on_hand(warehouse=central, part=part) == 2


@pytest.mark.parametrize(("quantity", "message"), [
    ("0", "more than zero"), ("-1", "more than zero"), ("1.5", "whole"), ("abc", "number"),
    ("NaN", "more than zero"),
])
def test_quantities_must_be_positive_and_as_fine_as_the_unit(world, quantity, message):
    with pytest.raises(ValidationError) as error:
        services.stock_move(actor=world["manager"], warehouse=world["places"][0],
                            part=world["parts"][0], kind=MoveKind.RECEIPT, quantity=quantity)
    assert message in error.value.message_dict["quantity"][0]
    assert not StockMove.objects.exists()


def test_metres_take_two_decimals(world):
    pipe = world["parts"][1]
    services.stock_move(actor=world["manager"], warehouse=world["places"][0], part=pipe,
                        kind=MoveKind.RECEIPT, quantity="2.75")
    with pytest.raises(ValidationError):
        services.stock_move(actor=world["manager"], warehouse=world["places"][0], part=pipe,
                            kind=MoveKind.RECEIPT, quantity="0.125")
    assert stock_on_hand(warehouse=world["places"][0], part=pipe) == Decimal("2.75")


def test_a_technician_moves_only_his_own_van(world):
    central, _store, van = world["places"]
    part = world["parts"][0]
    services.stock_move(actor=world["manager"], warehouse=van, part=part, kind=MoveKind.RECEIPT,
                        quantity=3)
    services.stock_move(actor=world["tech"], warehouse=van, part=part, kind=MoveKind.SCRAP,
                        quantity=1, note="摔坏")
    for who in (world["other"],):
        with pytest.raises(PermissionDenied):
            services.stock_move(actor=who, warehouse=van, part=part, kind=MoveKind.SCRAP,
                                quantity=1, note="x")
    with pytest.raises(PermissionDenied):
        services.stock_transfer(actor=world["tech"], source=central, target=van, part=part,
                                quantity=1)
    assert stock_on_hand(warehouse=van, part=part) == 2
    assert list(Warehouse.objects.restrict(world["tech"], "view")) == [van]
    assert list(Warehouse.objects.restrict(world["other"], "view")) == []


def test_moves_are_append_only(world):
    move = services.stock_move(actor=world["manager"], warehouse=world["places"][0],
                               part=world["parts"][0], kind=MoveKind.RECEIPT, quantity=1)
    with pytest.raises(AppendOnlyError):
        move.save()
    with pytest.raises(AppendOnlyError):
        StockMove.objects.filter(pk=move.pk).update(quantity=5)
    with pytest.raises(AppendOnlyError):
        move.delete()


def test_the_low_stock_list_shows_places_at_or_below_their_level(world):
    manager, (central, store, _van), (part, pipe) = world["manager"], world["places"], world["parts"]
    services.stock_move(actor=manager, warehouse=central, part=part, kind=MoveKind.RECEIPT,
                        quantity=10)
    services.stock_move(actor=manager, warehouse=store, part=part, kind=MoveKind.RECEIPT,
                        quantity=2)
    services.reorder_level_set(actor=manager, warehouse=central, part=part, level=5)
    services.reorder_level_set(actor=manager, warehouse=store, part=part, level=2)
    services.reorder_level_set(actor=manager, warehouse=store, part=pipe, level=1)  # none there
    low = {(b.warehouse.code, b.part.code) for b in low_stock_list(user=manager)}
    assert low == {(store.code, part.code), (store.code, pipe.code)}
