"""Care pages: who may open them, the forms, the Excel export, the customer page's panel."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from aftersales.care import services
from aftersales.care.models import CareVisit, KeyAccount, Referral
from aftersales.care.selectors import value_analysis
from aftersales.core.dates import local_today
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.service.tests.factories import new_request

pytestmark = pytest.mark.django_db


def test_care_pages_open_for_the_desk_and_not_for_technicians(client, cast, account_manager):
    customer = CustomerFactory(phone="+8613912345678",
                               birthday=local_today().replace(year=1980)
                               if not (local_today().month == 2 and local_today().day == 29)
                               else date(1980, 2, 28))
    account = services.key_account_mark(actor=cast.manager, customer=customer,
                                        manager=account_manager)
    urls = ["/care/", "/care/key-accounts/", f"/care/key-accounts/{account.pk}/",
            "/care/key-accounts/kpis/", "/care/referrals/", "/care/value/"]
    client.force_login(cast.agent)
    for url in urls:
        assert client.get(url).status_code == 200, url
    home = client.get("/care/").content.decode()
    assert customer.name in home
    # the number as people read it, as on every page (core/templatetags/phones.py)
    assert "139 1234 5678" in home and "+8613912345678" not in home
    assert "139 1234 5678" in client.get(f"/care/key-accounts/{account.pk}/").content.decode()
    client.force_login(cast.technician)
    for url in ["/care/", "/care/key-accounts/kpis/", "/care/referrals/", "/care/value/"]:
        assert client.get(url).status_code in (302, 403), url
    assert client.get(f"/care/key-accounts/{account.pk}/").status_code == 404


def test_the_customer_page_shows_the_key_account_and_marks_one(client, cast, account_manager):
    customer = CustomerFactory()
    client.force_login(cast.supervisor)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-panel="key-account"' in page and "data-mark-key-account" in page
    response = client.post(f"/care/customers/{customer.pk}/key-account/",
                           {"manager": account_manager.pk, "note": "集团客户"})
    account = KeyAccount.objects.get(customer=customer)
    assert response.status_code == 302 and response["Location"] == f"/care/key-accounts/{account.pk}/"
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "data-mark-key-account" not in page and account_manager.first_name in page


def test_an_agent_cannot_mark_a_key_account(client, cast, account_manager):
    customer = CustomerFactory()
    client.force_login(cast.agent)
    response = client.post(f"/care/customers/{customer.pk}/key-account/",
                           {"manager": account_manager.pk})
    assert response.status_code == 403
    assert not KeyAccount.objects.exists()


def test_recording_a_due_visit_from_the_start_page(client, cast, account_manager):
    today = local_today()
    customer = CustomerFactory()
    InstalledProductFactory(customer=customer, purchased_on=today - timedelta(days=40),
                            installed_on=today - timedelta(days=29))
    services.key_account_mark(actor=cast.manager, customer=customer, manager=account_manager)
    visit = CareVisit.objects.get()
    client.force_login(account_manager)
    assert f'data-due-customer="{customer.pk}"' in client.get("/care/").content.decode()
    response = client.post(f"/care/customers/{customer.pk}/visits/", {
        "visit": visit.pk, "kind": "after_installation", "visited_on": today.isoformat(),
        "note": "运行良好", "next": "/care/"})
    assert response.status_code == 302 and response["Location"] == "/care/"
    visit.refresh_from_db()
    assert visit.visited_on == today and visit.note == "运行良好"


def test_kpis_export_to_excel(client, cast, account_manager):
    quiet = CustomerFactory()
    InstalledProductFactory(customer=quiet)
    services.key_account_mark(actor=cast.manager, customer=quiet, manager=account_manager)
    client.force_login(cast.manager)
    response = client.get("/care/key-accounts/kpis/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == 1 and rows[1][7] == 1  # one account, quiet: one churn signal


def test_a_referral_is_recorded_and_closed(client, cast):
    referrer = CustomerFactory(name="老客户")
    client.force_login(cast.agent)
    form = client.get(f"/care/referrals/?referrer={referrer.pk}").content.decode()
    assert referrer.phone in form
    response = client.post("/care/referrals/", {"referrer": referrer.phone,
                                                "prospect_name": "新朋友", "prospect_phone": ""})
    assert response.status_code == 302
    referral = Referral.objects.get()
    newcomer = CustomerFactory(name="新朋友")
    client.post(f"/care/referrals/{referral.pk}/close/", {"status": "won",
                                                          "referred": newcomer.phone})
    referral.refresh_from_db()
    newcomer.refresh_from_db()
    assert referral.status == "won" and referral.referred == newcomer
    assert newcomer.referred_by == referrer
    bad = client.post("/care/referrals/", {"referrer": "13900000000", "prospect_name": "x"})
    assert bad.status_code == 200 and Referral.objects.count() == 1


def test_value_analysis_finds_the_few_that_bring_most(cast):
    big = CustomerFactory(name="大户", service_centre=cast.centre)
    for _ in range(7):
        new_request(cast, customer=big)
    small = [CustomerFactory(name=f"小户{n}") for n in range(3)]
    for customer in small:
        InstalledProductFactory(customer=customer)
    data = value_analysis()
    # 大户: 7 requests + 7 products = 14 of 17
    assert data["rows"][0].customer == big and data["rows"][0].value == 14
    assert data["top_count"] == 1 and data["customers"] == 4
    assert data["curve"][-1] == (100.0, 100.0)


def test_the_90_10_view(client, cast):
    """CR-4's second rule: the few who bring 90 % — 14 + 1 of 17 is 88 %, so three of four."""
    big = CustomerFactory(name="大户", service_centre=cast.centre)
    for _ in range(7):
        new_request(cast, customer=big)
    for n in range(3):
        InstalledProductFactory(customer=CustomerFactory(name=f"小户{n}"))
    client.force_login(cast.agent)
    page = client.get("/care/value/")
    assert (page.context["top_share"], page.context["top_count"]) == (80, 1)
    page = client.get("/care/value/?share=90")
    assert (page.context["top_share"], page.context["top_count"]) == (90, 3)
    assert 'aria-current="page">90/10' in page.content.decode()


def test_the_reports_page_links_to_care_reports(client, cast):
    client.force_login(cast.manager)
    page = client.get("/reports/").content.decode()
    assert 'data-panel="care-reports"' in page and "/care/key-accounts/kpis/" in page
    client.force_login(cast.technician)
    response = client.get("/reports/")
    assert 'data-panel="care-reports"' not in response.content.decode()
