"""/api/v1/ for care: key accounts, the calendar, messages sent, visits (idempotent POST)."""

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from aftersales.care import services
from aftersales.care.models import CareVisit, KeyAccount
from aftersales.core.dates import local_today
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory

pytestmark = pytest.mark.django_db


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_key_accounts_read_and_change_the_manager(cast, account_manager):
    account = services.key_account_mark(actor=cast.manager, customer=CustomerFactory(),
                                        manager=account_manager)
    api = _client(cast.supervisor)
    listed = api.get("/api/v1/key-accounts/").json()
    assert [row["id"] for row in listed["results"]] == [account.pk]
    response = api.patch(f"/api/v1/key-accounts/{account.pk}/",
                         {"manager": cast.supervisor.pk, "version": account.version}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["manager"] == cast.supervisor.pk
    stale = api.patch(f"/api/v1/key-accounts/{account.pk}/", {"note": "x", "version": 1},
                      format="json")
    assert stale.status_code == 409
    denied = _client(cast.agent).patch(f"/api/v1/key-accounts/{account.pk}/", {"note": "x"},
                                       format="json")
    assert denied.status_code == 403
    account.refresh_from_db()
    assert account.note == "" and account.manager == cast.supervisor
    assert _client(cast.technician).get("/api/v1/key-accounts/").json()["results"] == []


def test_care_events_of_a_week(cast):
    day = local_today()
    CustomerFactory(name="寿星", birthday=date(1980, 3, 1) if (day.month, day.day) == (2, 29)
                    else day.replace(year=1980))
    api = _client(cast.agent)
    events = api.get(f"/api/v1/care-events/?start={day.isoformat()}").json()
    assert any(e["occasion"] == "birthday" and e["customer_name"] == "寿星" for e in events) or \
        (day.month, day.day) == (2, 29)
    too_long = api.get(f"/api/v1/care-events/?start={day.isoformat()}&end="
                       f"{(day + timedelta(days=100)).isoformat()}")
    assert too_long.status_code == 400 and "end" in too_long.json()
    assert _client(cast.technician).get("/api/v1/care-events/").json() == []


def test_recording_a_visit_twice_with_one_key_records_it_once(cast, account_manager):
    today = local_today()
    customer = CustomerFactory()
    InstalledProductFactory(customer=customer, purchased_on=today - timedelta(days=5),
                            installed_on=today - timedelta(days=4))
    services.key_account_mark(actor=cast.manager, customer=customer, manager=account_manager)
    due = CareVisit.objects.get()
    api = _client(account_manager)
    body = {"customer": customer.pk, "visit": due.pk, "visited_on": today.isoformat(),
            "note": "回访"}
    first = api.post("/api/v1/care-visits/", body, format="json", HTTP_IDEMPOTENCY_KEY="v-1")
    again = api.post("/api/v1/care-visits/", body, format="json", HTTP_IDEMPOTENCY_KEY="v-1")
    assert first.status_code == 201 and again.status_code == 201
    assert first.json() == again.json()
    assert CareVisit.objects.get().visited_on == today
    other = api.post("/api/v1/care-visits/", {"customer": customer.pk, "visited_on": "2999-01-01"},
                     format="json")
    assert other.status_code == 400 and "visited_on" in other.json()
    assert KeyAccount.objects.count() == 1 and CareVisit.objects.count() == 1
