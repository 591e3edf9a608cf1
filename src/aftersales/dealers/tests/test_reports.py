"""Monthly reports due by the 3rd (RP-4): opened once, reminded once before the due day, an
overdue notice once after it; the dealer submits its own; the HQ audit sample (DL-3)."""

import random
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.models import Notification
from aftersales.core.tests.concurrency import at_once
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.tests.factories import Cast, new_request

from .. import services
from ..choices import AuditOutcome, ReportState
from ..models import AuditSample, MonthlyReport
from .factories import dealer_login, dealer_make, region_make

DAY1, DAY2, DAY4 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 4)


@pytest.fixture
def two_dealers():
    region = region_make("PD", "浦东", "浦东新区")
    d1, d2 = dealer_make("D1", "甲经销商", region), dealer_make("D2", "乙经销商", region)
    manager = UserFactory(username="hq-mgr", role=Role.MANAGER, service_centre=None)
    return {"d1": d1, "d2": d2, "u1": dealer_login(d1, "dl-1"), "u2": dealer_login(d2, "dl-2"),
            "manager": manager}


@pytest.mark.django_db
def test_reminded_once_before_the_3rd_and_overdue_once_after(two_dealers):
    u1, manager = two_dealers["u1"], two_dealers["manager"]
    assert services.reports_remind(today=DAY1) == {"reminded": 2, "overdue": 0}
    assert services.reports_remind(today=DAY2) == {"reminded": 0, "overdue": 0}
    report = MonthlyReport.objects.get(dealer=two_dealers["d1"])
    assert (report.month, report.due_on) == (date(2026, 11, 1), date(2026, 12, 3))
    assert Notification.objects.filter(user=u1).count() == 1
    services.monthly_report_submit(actor=u1, report=report, installs=4, repairs=7)
    assert services.reports_remind(today=DAY4) == {"reminded": 0, "overdue": 1}
    assert services.reports_remind(today=DAY4) == {"reminded": 0, "overdue": 0}
    assert Notification.objects.filter(user=manager).count() == 1
    assert MonthlyReport.objects.count() == 2


@pytest.mark.django_db
def test_a_dealer_submits_only_its_own_report_once(two_dealers):
    services.monthly_reports_open(today=DAY1)
    report = MonthlyReport.objects.get(dealer=two_dealers["d1"])
    with pytest.raises(PermissionDenied):
        services.monthly_report_submit(actor=two_dealers["u2"], report=report, installs=1, repairs=1)
    with pytest.raises(ValidationError) as error:
        services.monthly_report_submit(actor=two_dealers["u1"], report=report, installs=-1,
                                       repairs="x")
    assert set(error.value.message_dict) == {"installs", "repairs"}
    done = services.monthly_report_submit(actor=two_dealers["u1"], report=report, installs=3,
                                          repairs=5, note="十一月")
    assert done.state == ReportState.SUBMITTED and (done.installs, done.repairs) == (3, 5)
    with pytest.raises(ValidationError):
        services.monthly_report_submit(actor=two_dealers["u1"], report=report, installs=3, repairs=5)


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_daily_runs_at_once_remind_once(two_dealers):
    workers = 6
    results = at_once(lambda _: services.reports_remind(today=DAY1), workers)
    assert sum(r["reminded"] for r in results) == 2
    assert MonthlyReport.objects.count() == 2
    assert Notification.objects.filter(user=two_dealers["u1"]).count() == 1
    assert Notification.objects.filter(user=two_dealers["u2"]).count() == 1


@pytest.mark.django_db
def test_audit_sample_draws_completed_jobs_per_dealer_and_records_the_call(clock_at):
    cast = Cast()
    region = region_make("PD", "浦东", "浦东新区")
    dealer = dealer_make("D1", "甲经销商", region, centre=cast.centre)
    user = dealer_login(dealer, "dl-a")
    clock_at(9, 0, day=date(2026, 11, 10), tick=False)
    for _ in range(5):
        job = new_request(cast, customer=CustomerFactory(service_centre=cast.centre))
        row = services.job_hand_to_dealer(actor=cast.supervisor, job=job, dealer=dealer)
        services.dealer_job_complete(actor=user, job=row, fault_found="a", fault_cause="b",
                                     action_taken="c", confirmed_by="d")
    drawn = services.audit_sample_draw(actor=cast.manager, month=date(2026, 11, 1),
                                       rng=random.Random(1))
    assert len(drawn) == services.AUDIT_SAMPLE_SIZE
    assert services.audit_sample_draw(actor=cast.manager, month=date(2026, 11, 1)) == []
    with pytest.raises(ValidationError):
        services.audit_sample_record(actor=cast.agent, sample=drawn[0], outcome="disputed")
    sample = services.audit_sample_record(actor=cast.agent, sample=drawn[0],
                                          outcome=AuditOutcome.CONFIRMED)
    assert sample.outcome == AuditOutcome.CONFIRMED and sample.checked_by == cast.agent
    with pytest.raises(PermissionDenied):
        services.audit_sample_draw(actor=user, month=date(2026, 11, 1))
    assert AuditSample.objects.count() == services.AUDIT_SAMPLE_SIZE


@pytest.mark.django_db
def test_head_office_pages_link_a_job_only_where_its_page_opens(clock_at, client):
    """The dealer's page and the audit list every job of the dealer; a supervisor of another
    centre may not open them (the jobs' rule), so he sees their numbers without a link."""
    from django.urls import reverse

    from aftersales.accounts.tests.factories import ServiceCentreFactory

    cast = Cast()
    dealer = dealer_make("D1", "甲经销商", region_make("PD", "浦东", "浦东新区"),
                         centre=cast.centre)
    clock_at(9, 0, day=date(2026, 11, 10), tick=False)
    job = new_request(cast, customer=CustomerFactory(service_centre=cast.centre))
    row = services.job_hand_to_dealer(actor=cast.supervisor, job=job, dealer=dealer)
    services.dealer_job_complete(actor=dealer_login(dealer, "dl-a"), job=row, fault_found="a",
                                 fault_cause="b", action_taken="c", confirmed_by="d")
    services.audit_sample_draw(actor=cast.manager, month=date(2026, 11, 1))
    elsewhere = UserFactory(username="sup-else", role=Role.SUPERVISOR,
                            service_centre=ServiceCentreFactory())
    link = f'href="{reverse("dealers:job", args=[row.pk])}"'
    for user, opens in ((cast.supervisor, True), (elsewhere, False)):
        client.force_login(user)
        assert client.get(reverse("dealers:job", args=[row.pk])).status_code == (
            200 if opens else 404)
        for url in (reverse("dealers:detail", args=[dealer.pk]),
                    reverse("dealers:audit") + "?month=2026-11"):
            page = client.get(url).content.decode()
            assert job.number in page and (link in page) == opens, (user.username, url)


@pytest.mark.django_db
def test_the_daily_command_and_task_run_the_reminders(two_dealers, clock_at):
    from io import StringIO

    from django.core.management import call_command

    from ..tasks import remind_dealer_reports

    clock_at(9, 0, day=DAY1, tick=False)
    out = StringIO()
    call_command("dealers_daily", stdout=out)
    assert "2" in out.getvalue()
    assert remind_dealer_reports.call() == {"reminded": 0, "overdue": 0}
    assert MonthlyReport.objects.filter(reminded_at__isnull=False).count() == 2
