"""The catalogue (PT-1): price history kept as rows, the price valid on a day, the part's unit
price following the row valid today, and the parts search by the model a part fits."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.core.dates import local_today
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.ledger import AppendOnlyError
from aftersales.core.models import ObjectChange
from aftersales.customers.tests.factories import ProductModelFactory
from aftersales.parts import services
from aftersales.parts.models import Part, PartPrice
from aftersales.parts.selectors_catalogue import part_price_on, part_prices_on, part_search
from aftersales.parts.tests.factories import PartFactory

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def manager():
    return UserFactory(username="price-mgr", role=Role.MANAGER, service_centre=None)


@pytest.fixture
def pinned(clock_at):
    clock_at(10, 0, day=DAY)
    return DAY


def test_price_change_is_a_new_row_and_history_is_kept(manager, pinned):
    part = PartFactory(code="IGN-01", unit_price=Decimal("30.00"))
    services.part_price_set(actor=manager, part=part, cost="20.00", price="35.50",
                            valid_from=DAY - timedelta(days=30))
    services.part_price_set(actor=manager, part=part, cost="22.00", price="38.00",
                            valid_from=DAY)
    assert PartPrice.objects.filter(part=part).count() == 2
    part.refresh_from_db()
    assert part.unit_price == Decimal("38.00")
    # the price on a past day is the one valid then
    assert part_price_on(part, DAY - timedelta(days=1)).price == Decimal("35.50")
    assert part_price_on(part, DAY - timedelta(days=30)).cost == Decimal("20.00")
    assert part_price_on(part, DAY - timedelta(days=31)) is None
    assert part_price_on(part, DAY).price == Decimal("38.00")
    # the change of the unit price is in the change log
    assert ObjectChange.objects.filter(object_id=part.pk, action="update").exists()


def test_prices_of_many_parts_and_days_in_one_query(manager, pinned, django_assert_num_queries):
    """What a charge preview asks: each (part, day) pair gets the row part_price_on gives."""
    part, other, unpriced = (PartFactory(code=f"P-{n}") for n in range(3))
    for valid_from, price in ((DAY - timedelta(days=30), "35.50"), (DAY, "38.00")):
        services.part_price_set(actor=manager, part=part, cost="20.00", price=price,
                                valid_from=valid_from)
    services.part_price_set(actor=manager, part=other, cost="5.00", price="9.00",
                            valid_from=DAY - timedelta(days=2))
    days = [DAY - timedelta(days=31), DAY - timedelta(days=30), DAY - timedelta(days=1), DAY,
            DAY + timedelta(days=9)]
    wanted = [(p.pk, d) for p in (part, other, unpriced) for d in days]
    with django_assert_num_queries(1):
        rows = part_prices_on(wanted)
    assert {key: row and row.price for key, row in rows.items()} == {
        (p.pk, d): (lambda r: r and r.price)(part_price_on(p, d))
        for p in (part, other, unpriced) for d in days}
    assert rows[part.pk, DAY - timedelta(days=1)].price == Decimal("35.50")
    assert rows[other.pk, DAY - timedelta(days=31)] is None
    assert part_prices_on([]) == {}


def test_rows_are_never_edited(manager, pinned):
    part = PartFactory(code="IGN-02")
    row = services.part_price_set(actor=manager, part=part, cost="1", price="2", valid_from=DAY)
    row.price = Decimal("3")
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        PartPrice.objects.filter(pk=row.pk).update(price=Decimal("3"))
    with pytest.raises(ValidationError) as refused:
        services.part_price_set(actor=manager, part=part, cost="1", price="4", valid_from=DAY)
    assert "already has a price from 2026-06-15" in str(refused.value)


def test_future_price_not_applied_until_its_day(manager, pinned, clock_at):
    part = PartFactory(code="IGN-03", unit_price=Decimal("30.00"))
    services.part_price_set(actor=manager, part=part, cost="20", price="30",
                            valid_from=DAY - timedelta(days=5))
    services.part_price_set(actor=manager, part=part, cost="25", price="45",
                            valid_from=DAY + timedelta(days=1))
    part.refresh_from_db()
    assert part.unit_price == Decimal("30.00")
    assert part_price_on(part, local_today()).price == Decimal("30.00")
    # an older price added later does not override the newer one valid today
    services.part_price_set(actor=manager, part=part, cost="10", price="12",
                            valid_from=DAY - timedelta(days=10))
    part.refresh_from_db()
    assert part.unit_price == Decimal("30.00")
    # the next day the daily apply brings the future price in
    assert services.part_prices_apply() == 0
    clock_at(0, 5, day=DAY + timedelta(days=1))
    assert services.part_prices_apply() == 1
    part.refresh_from_db()
    assert part.unit_price == Decimal("45.00")


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AGENT, Role.TECHNICIAN])
def test_only_managers_set_prices(role, pinned):
    user = UserFactory(username=f"u-{role}", role=role, service_centre=ServiceCentreFactory())
    part = PartFactory(code="IGN-04", unit_price=Decimal("30.00"))
    with pytest.raises(PermissionDenied):
        services.part_price_set(actor=user, part=part, cost="1", price="2", valid_from=DAY)
    assert not PartPrice.objects.exists()
    assert Part.objects.get(pk=part.pk).unit_price == Decimal("30.00")


@pytest.mark.parametrize(("cost", "price", "field", "message"), [
    ("-1", "2", "cost", "cannot be negative"),
    ("1", "abc", "price", "Enter an amount"),
    ("1", "2.001", "price", "two decimal places"),
    ("1", "1e12", "price", "too large"),
])
def test_bad_amounts_are_refused(manager, pinned, cost, price, field, message):
    part = PartFactory(code="IGN-05")
    with pytest.raises(ValidationError) as refused:
        services.part_price_set(actor=manager, part=part, cost=cost, price=price, valid_from=DAY)
    assert message in " ".join(refused.value.message_dict[field])
    assert not PartPrice.objects.exists()


# --- the search -------------------------------------------------------------------------------

@pytest.fixture
def catalogue():
    heater = ProductModelFactory(code="JSQ20-A", name="燃气热水器 20L")
    hood = ProductModelFactory(code="CXW-200", name="油烟机")
    ign = PartFactory(code="IGN-20", name="点火针")
    ign.fits.add(heater)
    motor = PartFactory(code="MOT-200", name="电机")
    motor.fits.add(hood)
    fuse = PartFactory(code="FUSE-1", name="保险丝")  # fits any model
    old = PartFactory(code="IGN-OLD", name="点火针（旧）", active=False)
    old.fits.add(heater)
    return {"heater": heater, "hood": hood, "ign": ign, "motor": motor, "fuse": fuse}


def codes(parts):
    return [p.code for p in parts]


def test_search_by_code_name_or_model(catalogue):
    assert codes(part_search(query="ign", limit=8)) == ["IGN-20"]
    assert codes(part_search(query="电机", limit=8)) == ["MOT-200"]
    assert codes(part_search(query="jsq20", limit=8)) == ["IGN-20"]  # the model's code
    assert codes(part_search(query="油烟机", limit=8)) == ["MOT-200"]  # the model's name
    assert codes(part_search(query="  ", limit=8)) == []


def test_search_for_a_job_shows_what_fits_then_any_model(catalogue):
    heater = catalogue["heater"]
    both = PartFactory(code="SEAL-1", name="密封圈")
    both.fits.add(heater, catalogue["hood"])
    assert codes(part_search(query="-", product_model=heater, limit=8)) == [
        "IGN-20", "SEAL-1", "FUSE-1"]
    assert codes(part_search(query="-", product_model=heater, show_all=True, limit=8)) == [
        "IGN-20", "SEAL-1", "FUSE-1", "MOT-200"]
    assert codes(part_search(query="-", product_model=heater, limit=2)) == ["IGN-20", "SEAL-1"]


def test_admin_adds_a_price_through_the_service(client, pinned):
    admin_user = UserFactory(username="price-admin", role=Role.ADMIN, service_centre=None,
                             is_staff=True, is_superuser=True)
    part = PartFactory(code="IGN-06", unit_price=Decimal("30.00"))
    client.force_login(admin_user)
    url = "/admin/parts/partprice/add/"
    response = client.post(url, {"part": part.pk, "valid_from": "2026-06-01", "cost": "20",
                                 "price": "33.00"})
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.unit_price == Decimal("33.00")
    row = PartPrice.objects.get(part=part)
    assert row.created_by == admin_user
    # the same day again is refused on the form, nothing added
    response = client.post(url, {"part": part.pk, "valid_from": "2026-06-01", "cost": "20",
                                 "price": "34.00"})
    assert response.status_code == 200 and PartPrice.objects.filter(part=part).count() == 1
    # the part's page shows the history and no longer edits the unit price
    body = client.get(f"/admin/parts/part/{part.pk}/change/").content.decode()
    assert 'name="unit_price"' not in body and "33.00" in body


def test_the_daily_sweep_brings_in_a_price_on_its_day(manager, pinned, clock_at):
    from io import StringIO

    from django.core.management import call_command

    part = PartFactory(code="IGN-07", unit_price=Decimal("30.00"))
    services.part_price_set(actor=manager, part=part, cost="25", price="45",
                            valid_from=DAY + timedelta(days=1))
    clock_at(0, 10, day=DAY + timedelta(days=1))
    out = StringIO()
    call_command("parts_sweep", stdout=out)
    assert "1 part price(s) now valid" in out.getvalue()
    part.refresh_from_db()
    assert part.unit_price == Decimal("45.00")
