"""Who sees and does what: technicians their own lines, supervisors and agents their centre,
branch managers their centre, the service department everything. Denied requests change
nothing."""

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.reports.choices import ReportKind
from aftersales.reports.models import Report, ReportRun

from .helpers import produced
from .scenario import D, Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return Scenario(surveys=False)


def _as(client, user):
    client.force_login(user)
    return client


def test_report_list_is_scoped_to_the_centre(client, s):
    mine = produced(ReportKind.SUPERVISOR_DAILY, s)
    other = produced(ReportKind.SUPERVISOR_DAILY, s, centre=s.other)
    expectations = {
        "supervisor": {mine.pk}, "agent": {mine.pk}, "branch_manager": {mine.pk},
        "other_supervisor": {other.pk}, "other_manager": {other.pk}, "hq": {mine.pk, other.pk},
        "admin": {mine.pk, other.pk},
    }
    for who, expected in expectations.items():
        response = _as(client, getattr(s, who)).get("/reports/")
        assert response.status_code == 200, who
        shown = {r.pk for r in response.context["page"].object_list}
        assert shown == expected, who


def test_the_list_offers_the_dashboard_and_parts_report_only_to_who_opens_them(client, s):
    """A desk login of no centre (a complaints department's agent) reads the reports list but
    opens neither the dashboard nor the parts monthly report: no buttons to them."""
    nowhere = UserFactory(username="cp-agent", role=Role.AGENT, service_centre=None)
    for user, opens in ((s.agent, True), (s.hq, True), (nowhere, False)):
        _as(client, user)
        page = client.get("/reports/").content.decode()
        for url in ("/reports/dashboard/", "/reports/parts/"):
            assert client.get(url).status_code == (200 if opens else 403), (user.username, url)
            assert (f'href="{url}"' in page) == opens, (user.username, url)


@pytest.mark.parametrize("url", ["/reports/", "/reports/dashboard/", "/reports/dashboard/deadlines/"])
def test_desk_pages_are_closed_to_technicians_and_customers(client, s, url):
    customer = UserFactory(username="cust", role=Role.CUSTOMER, service_centre=None)
    assert _as(client, s.t1).get(url).status_code == 403
    assert _as(client, customer).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


@pytest.mark.parametrize("kind, technician_sees", [
    (ReportKind.TECHNICIAN_DAILY, True), (ReportKind.DAILY_HOURS, True),
    (ReportKind.SUPERVISOR_DAILY, False), (ReportKind.WEEKLY_REPAIR, False),
    (ReportKind.MONTHLY_HOURS, False), (ReportKind.APPRAISAL, False),  # until published
])
def test_what_a_technician_may_open(client, s, kind, technician_sees):
    report = produced(kind, s)
    status = _as(client, s.t2).get(f"/reports/{report.pk}/").status_code
    assert status == (200 if technician_sees else 404)
    assert _as(client, s.t4).get(f"/reports/{report.pk}/").status_code == 404  # other centre


def test_run_now_permissions_and_denials_change_nothing(client, s):
    daily = produced(ReportKind.TECHNICIAN_DAILY, s)
    hours = produced(ReportKind.DAILY_HOURS, s)
    runs = ReportRun.objects.count()
    assert _as(client, s.agent).post(f"/reports/{daily.pk}/run/").status_code == 403
    assert _as(client, s.t1).post(f"/reports/{hours.pk}/run/").status_code == 403
    assert _as(client, s.other_supervisor).post(f"/reports/{daily.pk}/run/").status_code == 404
    assert ReportRun.objects.count() == runs
    assert _as(client, s.t1).post(f"/reports/{daily.pk}/run/").status_code == 302
    assert _as(client, s.supervisor).post(f"/reports/{hours.pk}/run/").status_code == 302
    assert ReportRun.objects.count() == runs + 2


def test_produce_for_another_centre_is_impossible(client, s):
    reports = Report.objects.count()
    response = _as(client, s.other_supervisor).post("/reports/produce/", {
        "kind": ReportKind.SUPERVISOR_DAILY, "date": D.isoformat(), "centre": s.centre.pk})
    assert response.status_code == 302
    # The centre in the form is ignored for a supervisor: his own centre's report was made.
    assert set(Report.objects.values_list("service_centre", flat=True)) == {s.other.pk}
    assert Report.objects.count() == reports + 1
    response = _as(client, s.agent).post("/reports/produce/", {
        "kind": ReportKind.SUPERVISOR_DAILY, "date": D.isoformat()})
    assert response.status_code == 302 and Report.objects.count() == reports + 1  # denied


def test_dashboard_scope(client, s):
    page = _as(client, s.branch_manager).get(f"/reports/dashboard/?centre={s.other.pk}")
    assert page.context["centre"] == s.centre  # a branch manager sees his own centre only
    names = {t["name"] for t in page.context["figures"]["technicians"]}
    assert names == {"王强", "李明", "赵刚"}
    page = _as(client, s.hq).get("/reports/dashboard/")
    assert page.context["centre"] is None
    assert {t["name"] for t in page.context["figures"]["technicians"]} == {"王强", "李明", "赵刚", "孙伟"}
    page = _as(client, s.hq).get(f"/reports/dashboard/?centre={s.other.pk}")
    assert {t["name"] for t in page.context["figures"]["technicians"]} == {"孙伟"}


def test_deadline_list_behind_the_dashboard(client, s):
    from aftersales.dispatch.models import DeadlineClock

    page = _as(client, s.supervisor).get("/reports/dashboard/deadlines/?state=missed")
    shown = {c.request.number for c in page.context["page"].object_list}
    # Missed: met late (R2, R3) and running past due (R10), none of the other centre's.
    assert shown == {s.r2.number, s.r3.number, s.r10.number}
    figures = _as(client, s.supervisor).get("/reports/dashboard/").context["figures"]
    assert figures["deadlines"]["missed"] == len(shown)
    assert DeadlineClock.objects.count() > len(shown)
