"""CP-13 for payroll: the month's penalty deductions — each penalty's part taken that month,
what was taken before and what is left, each person's total — on a page and in Excel, under
the internal form's access rule."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import PASSWORD, ServiceCentreFactory, UserFactory

from .. import services
from ..choices import Status
from ..models import Department
from ..selectors import deduction_list
from .factories import Team, drive, new_complaint

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def closed(clock_at):
    """QA's inspector bears the whole loss of 1,500.00 and a warning; his bonus is 2,000.00, so
    at most 1,000.00 a month is deducted: December 1,000.00 + the warning 400.00, January the
    economic rest, 500.00. The case closes on 1 December 2026."""
    clock_at(10, 0, day=date(2026, 12, 1), tick=False)
    team = Team()
    c = drive(new_complaint(team), team, Status.DECIDED, amount=D("500.00"))
    services.responsibility_set(
        actor=team.manager, complaint=c, loss_actual="1500",
        lines=[{"department": Department.objects.get(code="QA"), "person": team.people["QA"],
                "ratio": "100", "grade": "warning"}])
    services.complaint_close(actor=team.people["SALES"], complaint=c)
    return team, c


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_each_months_part_with_what_was_taken_before_and_what_is_left(closed):
    team, c = closed
    dec = deduction_list(user=team.manager, month=date(2026, 12, 1))
    assert dec["total"] == D("1400.00")
    assert sorted((x.kind, x.penalty, x.before, x.amount, x.remaining) for x in dec["lines"]) == [
        ("分摊损失", D("1500.00"), D("0"), D("1000.00"), D("500.00")),
        ("警告", D("400.00"), D("0"), D("400.00"), D("0.00"))]
    (person,) = dec["people"]
    assert person.person == team.people["QA"] and person.count == 2
    assert person.amount == D("1400.00")
    (jan,) = deduction_list(user=team.manager, month=date(2027, 1, 15))["lines"]
    assert (jan.penalty, jan.before, jan.amount, jan.remaining) == (
        D("1500.00"), D("1000.00"), D("500.00"), D("0.00"))
    assert deduction_list(user=team.manager, month=date(2027, 2, 1))["lines"] == []


def test_page_and_excel(client, closed):
    team, c = closed
    _login(client, team.manager)
    page = client.get("/complaints/deductions/?month=2026-12")
    assert page.status_code == 200
    html = page.content.decode()
    assert c.number in html and "¥1400.00" in html and "¥1000.00" in html
    assert client.get("/complaints/deductions/").context["month"] == "2026-12"  # this month
    empty = client.get("/complaints/deductions/?month=2026-11").content.decode()
    assert "data-empty" in empty and "data-latest" not in empty  # none before
    later = client.get("/complaints/deductions/?month=2027-03").content.decode()
    assert 'data-latest' in later and "?month=2027-01" in later  # the last ones
    xlsx = client.get("/complaints/deductions.xlsx?month=2027-01")
    assert xlsx["Content-Disposition"].endswith('penalty-deductions-2027-01.xlsx"')
    book = load_workbook(BytesIO(xlsx.content))
    people, lines = book.worksheets
    assert [cell.value for cell in people[2]][1:] == [team.people["QA"].username, "质量管理部", 1, 500]
    assert [cell.value for cell in lines[2]][3:] == [c.number, "分摊损失", 1500, 1000, 500, 0]


def test_the_internal_forms_readers_only(client, closed):
    """CP-9: the centre's accountant and supervisor see their centre's deductions; its desk
    agent may not open the page; another centre's supervisor sees none of them."""
    team, c = closed
    accountant = UserFactory(username="acc-ded", role=Role.ACCOUNTANT, service_centre=team.centre)
    other = UserFactory(username="sup-other", role=Role.SUPERVISOR,
                        service_centre=ServiceCentreFactory())
    for reader in (accountant, team.supervisor):
        _login(client, reader)
        assert c.number in client.get("/complaints/deductions/?month=2026-12").content.decode()
    _login(client, other)
    page = client.get("/complaints/deductions/?month=2026-12")
    assert page.status_code == 200 and c.number not in page.content.decode()
    _login(client, team.agent)
    assert client.get("/complaints/deductions/?month=2026-12").status_code == 403
    assert client.get("/complaints/deductions.xlsx?month=2026-12").status_code == 403
    assert "complaints/deductions/" not in client.get("/complaints/").content.decode()
    assert "data-deductions" not in client.get("/reports/").content.decode()
    finance = UserFactory(username="acc-hq", role=Role.ACCOUNTANT, service_centre=None)
    _login(client, finance)  # head-office finance: every centre's, the cases it may not open
    page = client.get("/complaints/deductions/?month=2026-12").content.decode()
    assert c.number in page and f"/complaints/{c.pk}/" not in page
    _login(client, team.supervisor)
    assert "data-deductions" in client.get("/reports/").content.decode()
    _login(client, accountant)  # no reports, no complaints: the navigation leads him there
    assert 'href="/complaints/deductions/"' in client.get("/invoicing/").content.decode()
