"""Key accounts (RP-6, FB-6): marking, the visit after a new installation (once), KPIs."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from aftersales.care import services
from aftersales.care.choices import VisitKind
from aftersales.care.models import CareVisit, KeyAccount
from aftersales.care.selectors import churn_list, manager_kpis, visits_due
from aftersales.core.dates import local_today
from aftersales.core.models import Event
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.service.choices import Status
from aftersales.service.tests.factories import drive, new_request

pytestmark = pytest.mark.django_db


def test_marking_a_key_account_makes_a_visit_due_for_a_recent_installation(cast, account_manager):
    today = local_today()
    customer = CustomerFactory()
    recent = InstalledProductFactory(customer=customer, purchased_on=today - timedelta(days=12),
                                     installed_on=today - timedelta(days=10))
    InstalledProductFactory(customer=customer, purchased_on=today - timedelta(days=400),
                            installed_on=today - timedelta(days=398))
    account = services.key_account_mark(actor=cast.manager, customer=customer,
                                        manager=account_manager)
    visit = CareVisit.objects.get()
    assert visit.product == recent and visit.kind == VisitKind.AFTER_INSTALLATION
    assert visit.due_on == recent.installed_on + timedelta(days=30)
    assert visit.visitor == account_manager
    assert Event.objects.filter(action="key_account_mark", object_id=account.pk).exists()
    # the daily scan and a second run find nothing new
    assert services.visits_after_installation_ensure() == 0
    assert CareVisit.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        services.key_account_mark(actor=cast.manager, customer=customer, manager=account_manager)
    assert "customer" in exc.value.message_dict


def test_an_agent_may_not_mark_and_nothing_changes(cast, account_manager):
    customer = CustomerFactory()
    with pytest.raises(PermissionDenied):
        services.key_account_mark(actor=cast.agent, customer=customer, manager=account_manager)
    assert not KeyAccount.objects.exists()


def test_a_customer_login_cannot_be_account_manager(cast):
    from aftersales.accounts.tests.factories import UserFactory

    portal = UserFactory(username="cust-1", role="customer")
    with pytest.raises(ValidationError) as exc:
        services.key_account_mark(actor=cast.manager, customer=CustomerFactory(), manager=portal)
    assert "manager" in exc.value.message_dict


def test_a_finished_job_of_a_key_account_makes_the_installation_visit_due(cast, account_manager):
    customer = CustomerFactory(service_centre=cast.centre)
    product = InstalledProductFactory(customer=customer, installed_on=None)
    services.key_account_mark(actor=cast.manager, customer=customer, manager=account_manager)
    assert not CareVisit.objects.exists()
    job = new_request(cast, customer=customer, product=product)
    # the installation job's completion sets the installation date (the maintenance area);
    # here it is set directly, then the job completes
    product.installed_on = local_today()
    product.save(update_fields=["installed_on"])
    drive(job, cast, Status.COMPLETED)
    assert CareVisit.objects.filter(product=product, kind=VisitKind.AFTER_INSTALLATION).count() == 1
    drive(job, cast, Status.CLOSED)
    assert CareVisit.objects.filter(product=product).count() == 1


def test_recording_the_due_visit_closes_it_once(cast, account_manager):
    today = local_today()
    customer = CustomerFactory()
    InstalledProductFactory(customer=customer, purchased_on=today - timedelta(days=5),
                            installed_on=today - timedelta(days=3))
    services.key_account_mark(actor=cast.manager, customer=customer, manager=account_manager)
    visit = CareVisit.objects.get()
    assert [r.visit for r in visits_due(user=account_manager, until=today + timedelta(days=40))] == [visit]
    services.visit_record(actor=account_manager, customer=customer, visited_on=today,
                          visit=visit, note="设备运行正常")
    visit.refresh_from_db()
    assert visit.visited_on == today
    assert visits_due(user=account_manager, until=today + timedelta(days=40)) == []
    with pytest.raises(ValidationError):
        services.visit_record(actor=account_manager, customer=customer, visited_on=today,
                              visit=visit)
    with pytest.raises(ValidationError) as exc:
        services.visit_record(actor=account_manager, customer=customer,
                              visited_on=today + timedelta(days=1))
    assert "visited_on" in exc.value.message_dict


def test_visit_plans_fall_due_by_level(cast, account_manager):
    today = local_today()
    customer = CustomerFactory()
    senior = services.visit_plan_create(actor=cast.manager, customer=customer,
                                        visitor=cast.manager, level="senior", starts_on=today)
    staff = services.visit_plan_create(actor=cast.manager, customer=customer,
                                       visitor=cast.agent, level="staff", starts_on=today)
    assert {r.plan for r in visits_due(user=cast.manager, until=today)} == {senior, staff}
    services.visit_record(actor=cast.agent, customer=customer, visited_on=today, plan=staff)
    services.visit_record(actor=cast.manager, customer=customer, visited_on=today, plan=senior)
    due = {r.plan: r.due_on for r in visits_due(user=cast.manager, until=today + timedelta(days=200))}
    assert (due[staff] - today).days in range(28, 32)
    assert (due[senior] - today).days in range(180, 185)
    with pytest.raises(ValidationError):
        services.visit_plan_create(actor=cast.manager, customer=customer, visitor=cast.agent,
                                   level="staff")


def test_kpis_per_manager(cast, account_manager):
    quiet = CustomerFactory()
    InstalledProductFactory(customer=quiet)
    busy = CustomerFactory(service_centre=cast.centre)
    services.key_account_mark(actor=cast.manager, customer=quiet, manager=account_manager)
    services.key_account_mark(actor=cast.manager, customer=busy, manager=account_manager)
    new_request(cast, customer=busy)
    assert quiet in churn_list(key_accounts_only=True)
    assert busy not in churn_list(key_accounts_only=True)
    [row] = manager_kpis(user=cast.manager)
    assert row.manager == account_manager and row.accounts == 2 and row.churn == 1
    assert row.revenue_growth == 0.0 and row.satisfaction is None


def test_revenue_growth_from_issued_charge_sheets(cast, account_manager):
    from decimal import Decimal

    from django.utils import timezone

    from aftersales.billing.models import ChargeSheet
    from aftersales.care.selectors import value_analysis

    customer = CustomerFactory(service_centre=cast.centre)
    services.key_account_mark(actor=cast.manager, customer=customer, manager=account_manager)
    now = timezone.now()
    for n, (days_ago, total) in enumerate([(400, "200.00"), (30, "250.00"), (10, "50.00")]):
        job = new_request(cast, customer=customer)
        ChargeSheet.objects.create(request=job, customer=customer, category="A",
                                   number=f"T{n}", total=Decimal(total),
                                   issued_at=now - timedelta(days=days_ago))
    [row] = manager_kpis(user=cast.manager)
    assert row.revenue == Decimal("300.00") and row.revenue_before == Decimal("200.00")
    assert row.revenue_growth == 50.0
    data = value_analysis()
    assert data["by_revenue"] and data["rows"][0].value == Decimal("500.00")


def test_a_lost_contract_renewal_is_a_churn_signal(client, cast, account_manager):
    from django.utils import timezone

    from aftersales.care.selectors import lost_contract_list
    from aftersales.customers.models import ContractRenewal, MaintenanceContract

    today = local_today()
    customer = CustomerFactory(name="流失客户", service_centre=cast.centre)
    services.key_account_mark(actor=cast.manager, customer=customer, manager=account_manager)
    new_request(cast, customer=customer)  # in touch: not quiet
    contract = MaintenanceContract.objects.create(
        number="MC-LOST-1", customer=customer, starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=10), fee="300.00")
    ContractRenewal.objects.create(contract=contract, due_on=today - timedelta(days=40),
                                   outcome="lost", lost_reason="price",
                                   decided_at=timezone.now() - timedelta(days=5))
    assert [r.contract.customer for r in lost_contract_list()] == [customer]
    [row] = manager_kpis(user=cast.manager)
    assert row.churn == 1
    client.force_login(cast.agent)
    assert f'data-lost="{customer.pk}"' in client.get("/care/").content.decode()
    MaintenanceContract.objects.create(number="MC-NEW-1", customer=customer, starts_on=today,
                                       ends_on=today + timedelta(days=365), fee="300.00")
    assert list(lost_contract_list()) == []
