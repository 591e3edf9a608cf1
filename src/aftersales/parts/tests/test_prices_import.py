"""The yearly price list imported from Excel (PT-1): reading the sheet (headers in Chinese or
English), the plan (new, unchanged, error rows with their row numbers and reasons), importing
all rows or none, importing the same file twice, and who may import."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.models import ObjectChange
from aftersales.parts import services
from aftersales.parts.models import PartPrice
from aftersales.parts.prices_sheet import price_sheet_read, price_template_workbook
from aftersales.parts.selectors_prices import CHANGE, ERROR, UNCHANGED, price_import_plan
from aftersales.parts.tests.factories import PartFactory

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 15)
NEW_YEAR = date(2027, 1, 1)
EN_HEAD = ["Part number", "Customer price", "Cost price", "Valid from"]
ZH_HEAD = ["配件编号", "客户价", "成本价", "生效日期"]


@pytest.fixture(autouse=True)
def _pinned(clock_at):
    clock_at(10, 0, day=DAY)
    with translation.override("en"):
        yield


@pytest.fixture
def manager():
    return UserFactory(username="price-import-mgr", role=Role.MANAGER, service_centre=None)


@pytest.fixture
def parts(manager):
    ign = PartFactory(code="IGN-01", name="点火针", unit_price=Decimal("30.00"))
    fan = PartFactory(code="FAN-02", name="风机", unit_price=Decimal("120.00"))
    services.part_price_set(actor=manager, part=ign, cost="20.00", price="35.50",
                            valid_from=DAY - timedelta(days=30))
    return {"ign": ign, "fan": fan}


def xlsx(rows, name="prices.xlsx", head=EN_HEAD) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    if head:
        sheet.append(head)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def plan_of(upload):
    return price_import_plan(price_sheet_read(upload))


def test_happy_path_new_prices_from_a_day_in_one_go(manager, parts):
    upload = xlsx([["IGN-01", 38, "22.00", NEW_YEAR], ["FAN-02", "128.5", 90, "2027-01-01"]])
    plan = plan_of(upload)
    assert [row.status for row in plan.rows] == [CHANGE, CHANGE]
    assert plan.rows[0].before.price == Decimal("35.50")  # what it replaces from that day
    assert plan.rows[1].before is None
    assert PartPrice.objects.count() == 1  # the plan writes nothing
    services.price_list_import(actor=manager, rows=plan.rows)
    ign = PartPrice.objects.get(part=parts["ign"], valid_from=NEW_YEAR)
    assert (ign.price, ign.cost, ign.created_by) == (Decimal("38.00"), Decimal("22.00"), manager)
    fan = PartPrice.objects.get(part=parts["fan"], valid_from=NEW_YEAR)
    assert (fan.price, fan.cost) == (Decimal("128.50"), Decimal("90.00"))
    parts["fan"].refresh_from_db()
    assert parts["fan"].unit_price == Decimal("120.00")  # a later day waits for its day


def test_chinese_headers_extra_columns_and_blank_rows(manager, parts):
    book = Workbook()
    sheet = book.active
    sheet.append([])
    sheet.append(["零件编号（必填）", "名称", "客户价格", "成本价", "生效日期", "备注"])
    sheet.append(["ign-01", "点火针", "¥38.00", "22", datetime(2027, 1, 1), "年度调价"])
    sheet.append([None, None, None, None, None, "只有备注"])
    buffer = BytesIO()
    book.save(buffer)
    rows = price_sheet_read(SimpleUploadedFile("价格表.xlsx", buffer.getvalue()))
    assert len(rows) == 1 and rows[0].number == 3 and rows[0].code == "ign-01"
    plan = price_import_plan(rows)
    assert plan.rows[0].status == CHANGE and plan.rows[0].part == parts["ign"]


def test_today_s_price_is_charged_at_once(manager, parts):
    services.price_list_import(actor=manager, rows=price_sheet_read(xlsx([
        ["FAN-02", "130", "95", DAY]])))
    parts["fan"].refresh_from_db()
    assert parts["fan"].unit_price == Decimal("130.00")
    assert ObjectChange.objects.filter(object_id=parts["fan"].pk, action="update").exists()


@pytest.mark.parametrize(("cells", "reason"), [
    (["NOPE-9", "10", "5", "2027-01-01"], "No part has the number “NOPE-9”."),
    (["IGN-01", "abc", "5", "2027-01-01"], "Customer price: “abc” is not a number."),
    (["IGN-01", "10", "-1", "2027-01-01"], "Cost price cannot be negative."),
    (["IGN-01", "10.005", "5", "2027-01-01"], "Customer price has more than two decimal places."),
    (["IGN-01", "", "5", "2027-01-01"], "Customer price is empty."),
    (["IGN-01", "10", "5", "1.1.27"], "Valid from: “1.1.27” is not a date"),
    (["IGN-01", "1000000000", "5", "2027-01-01"], "Customer price is too large."),
])
def test_each_error_is_named_with_its_row(manager, parts, cells, reason):
    plan = plan_of(xlsx([["FAN-02", "130", "95", "2027-01-01"], cells]))
    assert plan.rows[0].status == CHANGE
    bad = plan.rows[1]
    assert bad.status == ERROR and bad.number == 3
    assert reason in " ".join(bad.errors)


def test_a_part_twice_in_the_file_is_an_error(manager, parts):
    plan = plan_of(xlsx([["IGN-01", "38", "22", "2027-01-01"], ["FAN-02", "1", "1", "2027-01-01"],
                         ["ign-01", "39", "22", "2027-02-01"]]))
    assert [row.status for row in plan.rows] == [CHANGE, CHANGE, ERROR]
    assert "IGN-01 is on row 2 already" in plan.rows[2].errors[0].replace("ign-01", "IGN-01")


def test_a_different_price_for_a_day_that_has_one_is_an_error(manager, parts):
    day = DAY - timedelta(days=30)
    plan = plan_of(xlsx([["IGN-01", "36.00", "20.00", day]]))
    assert plan.rows[0].status == ERROR
    assert "already has a different price from" in plan.rows[0].errors[0]


def test_all_or_nothing(manager, parts):
    rows = price_sheet_read(xlsx([["IGN-01", "38", "22", "2027-01-01"],
                                  ["NOPE-9", "10", "5", "2027-01-01"]]))
    before = (PartPrice.objects.count(), ObjectChange.objects.count())
    with pytest.raises(ValidationError) as caught:
        services.price_list_import(actor=manager, rows=rows)
    assert "Row 3" in " ".join(caught.value.messages)
    assert (PartPrice.objects.count(), ObjectChange.objects.count()) == before
    # and a row refused while writing (a price for that day added since the preview) undoes the
    # rows written before it
    rows = price_sheet_read(xlsx([["FAN-02", "130", "95", DAY], ["IGN-01", "38", "22", NEW_YEAR]]))
    plan = price_import_plan(rows)
    assert not plan.errors
    services.part_price_set(actor=manager, part=parts["ign"], cost="1", price="2",
                            valid_from=NEW_YEAR)
    count = PartPrice.objects.count()
    with pytest.raises(ValidationError):
        services.price_list_import(actor=manager, rows=rows)
    assert PartPrice.objects.count() == count
    parts["fan"].refresh_from_db()
    assert parts["fan"].unit_price == Decimal("120.00")


def test_importing_the_same_file_again_adds_nothing(manager, parts):
    upload = [["IGN-01", "38", "22", "2027-01-01"], ["FAN-02", "130", "95", "2027-01-01"]]
    services.price_list_import(actor=manager, rows=price_sheet_read(xlsx(upload)))
    count = PartPrice.objects.count()
    plan = services.price_list_import(actor=manager, rows=price_sheet_read(xlsx(upload)))
    assert [row.status for row in plan.rows] == [UNCHANGED, UNCHANGED]
    assert PartPrice.objects.count() == count


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AGENT, Role.ACCOUNTANT, Role.TECHNICIAN])
def test_who_may_not_set_prices_imports_nothing(parts, role):
    user = UserFactory(username=f"imp-{role}", role=role, service_centre=ServiceCentreFactory())
    rows = price_sheet_read(xlsx([["IGN-01", "38", "22", "2027-01-01"]]))
    before = (PartPrice.objects.count(), ObjectChange.objects.count())
    with pytest.raises(PermissionDenied):
        services.price_list_import(actor=user, rows=rows)
    assert (PartPrice.objects.count(), ObjectChange.objects.count()) == before


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("prices.csv", b"a,b"), "Upload an Excel workbook (.xlsx)."),
    (SimpleUploadedFile("prices.xlsx", b"not a zip"), "is not an Excel workbook"),
    (xlsx([["IGN-01", "38", "2027-01-01"]], head=["Part number", "Customer price", "Valid from"]),
     "Cost price is missing"),
    (xlsx([], head=EN_HEAD), "The file holds no prices."),
])
def test_a_file_that_cannot_be_used_at_all(parts, upload, message):
    with pytest.raises(ValidationError) as caught:
        price_sheet_read(upload)
    assert message in " ".join(caught.value.messages)


def test_size_and_row_limits(parts, monkeypatch):
    from aftersales.parts import prices_sheet

    monkeypatch.setattr(prices_sheet, "MAX_ROWS", 2)
    with pytest.raises(ValidationError, match="more than 2 rows"):
        price_sheet_read(xlsx([["IGN-01", "1", "1", "2027-01-01"]] * 3))
    monkeypatch.setattr(prices_sheet, "MAX_BYTES", 100)
    with pytest.raises(ValidationError, match="larger than"):
        price_sheet_read(xlsx([["IGN-01", "1", "1", "2027-01-01"]]))


def test_the_template_reads_back_as_an_empty_price_list_in_either_language(parts):
    for language in ("zh-hans", "zh-hant", "en"):
        with translation.override(language):
            book = price_template_workbook()
        buffer = BytesIO()
        book.save(buffer)
        head = [c.value for c in next(load_workbook(BytesIO(buffer.getvalue())).active.rows)]
        if language == "zh-hans":
            assert head == ["配件编号", "配件名称", "客户价", "成本价", "生效日期"]
        sheet = load_workbook(BytesIO(buffer.getvalue()))
        sheet.active.append(["IGN-01", "点火针", 38, 22, "2027-01-01"])
        filled = BytesIO()
        sheet.save(filled)
        rows = price_sheet_read(SimpleUploadedFile("t.xlsx", filled.getvalue()))
        assert (rows[0].code, rows[0].price, rows[0].errors) == ("IGN-01", Decimal("38.00"), [])


def test_the_batch_write_checks_under_the_lock_what_the_plan_read_before(manager, parts):
    """A price for the same day added between the plan and the write refuses every row."""
    rows = [(parts["fan"], "95", "130", DAY), (parts["ign"], "22", "38", NEW_YEAR)]
    services.part_price_set(actor=manager, part=parts["ign"], cost="1", price="2",
                            valid_from=NEW_YEAR)
    count = PartPrice.objects.count()
    with pytest.raises(ValidationError, match="IGN-01 already has a price from 2027-01-01"):
        services.part_prices_add(actor=manager, rows=rows)
    assert PartPrice.objects.count() == count
    parts["fan"].refresh_from_db()
    assert parts["fan"].unit_price == Decimal("120.00")
    with pytest.raises(ValidationError, match="FAN-02"):
        services.part_prices_add(actor=manager, rows=[(parts["fan"], "-1", "1", DAY)])
    with pytest.raises(PermissionDenied):
        services.part_prices_add(actor=UserFactory(username="imp-agent", role=Role.AGENT),
                                 rows=[(parts["fan"], "1", "1", DAY)])
    assert PartPrice.objects.count() == count
