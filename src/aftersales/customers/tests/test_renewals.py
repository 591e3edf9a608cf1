"""Renewals (AR-6, seed 000 §(二十)): one month before a contract ends the customer gets a notice
and the responsible person a task, exactly once; its outcome is renewed (the next contract,
linked) or lost (a reason from the list)."""

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.events import event_list
from aftersales.core.exceptions import ConflictError
from aftersales.core.models import Notification
from aftersales.core.tests.concurrency import at_once
from aftersales.customers import services
from aftersales.customers.models import ContractRenewal, MaintenanceContract
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory

DAY = date(2026, 11, 16)


def _outbox() -> Path:
    return Path(settings.SMS_FILE_PATH) / "outbox.jsonl"


def _sms_mark() -> int:
    """Where the SMS outbox ends now (earlier runs wrote to it too)."""
    return _outbox().stat().st_size if _outbox().exists() else 0


def _sms_to(phone: str, since: int) -> list[str]:
    if not _outbox().exists():
        return []
    with open(_outbox(), "rb") as handle:
        handle.seek(since)
        lines = [json.loads(line) for line in handle.read().decode().splitlines() if line]
    return [m["text"] for m in lines if m["to"] == phone]


def _contract(manager, ends_on, *, phone=None, email="", responsible=None):
    customer = CustomerFactory(email=email, **({"phone": phone} if phone else {}))
    return services.contract_create(
        actor=manager, customer=customer, products=[InstalledProductFactory(customer=customer)],
        starts_on=ends_on - timedelta(days=364), ends_on=ends_on, fee=Decimal("600"),
        responsible=responsible)


@pytest.fixture
def manager(db, clock_at):
    clock_at(9, 0, day=DAY)
    return UserFactory(username="mgr", role=Role.MANAGER, service_centre=None)


@pytest.mark.django_db
def test_the_sweep_opens_each_renewal_once_with_notice_and_task(
        manager, django_capture_on_commit_callbacks):
    agent = UserFactory(username="agent", role=Role.AGENT)
    due = _contract(manager, date(2026, 12, 16), phone="+8613900001111",
                    email="kehu@example.com", responsible=agent)  # ends in exactly a month
    _contract(manager, date(2026, 12, 17))  # a day later: not yet
    _contract(manager, date(2026, 11, 15))  # already ended: too late for a notice
    mark = _sms_mark()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.contract_renewals_sweep(today=DAY) == 1
        assert services.contract_renewals_sweep(today=DAY) == 0
    renewal = ContractRenewal.objects.get()
    assert renewal.contract == due and renewal.responsible == agent
    assert renewal.due_on == date(2026, 11, 16) and renewal.outcome == "open"
    assert renewal.notified_to == "+8613900001111, kehu@example.com"
    texts = _sms_to("+8613900001111", mark)
    assert len(texts) == 1 and due.number in texts[0] and "2026-12-16" in texts[0]
    assert [m.to for m in mail.outbox] == [["kehu@example.com"]]
    assert due.number in mail.outbox[0].subject
    task = Notification.objects.get(user=agent)
    assert due.number in task.text and task.link == reverse("customers:renewals")
    assert [e.action for e in event_list(due)] == ["create", "renewal_open"]


@pytest.mark.django_db
def test_without_responsible_the_centres_supervisor_gets_the_task(manager):
    customer_centre_sup = UserFactory(username="sup", role=Role.SUPERVISOR)
    customer = CustomerFactory(service_centre=customer_centre_sup.service_centre)
    contract = services.contract_create(
        actor=manager, customer=customer, products=[InstalledProductFactory(customer=customer)],
        starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 1), fee=Decimal("100"))
    call_command("contracts_sweep", stdout=open("/dev/null", "w"))
    assert ContractRenewal.objects.get(contract=contract).responsible == customer_centre_sup


@pytest.mark.django_db
def test_renewed_creates_the_next_contract_linked(manager, client):
    old = _contract(manager, date(2026, 12, 10))
    services.contract_renewals_sweep(today=DAY)
    renewal = ContractRenewal.objects.get()
    client.force_login(manager)
    response = client.post(reverse("customers:renewal_renew", args=[renewal.pk]), {"fee": "650"})
    new = MaintenanceContract.objects.get(previous=old)
    assert response.status_code == 302 and response.url == reverse("customers:contract",
                                                                   args=[new.pk])
    assert (new.starts_on, new.ends_on, new.fee) == (date(2026, 12, 11), date(2027, 12, 10),
                                                     Decimal("650.00"))
    assert list(new.products.all()) == list(old.products.all())
    assert new.excluded_causes == old.excluded_causes
    renewal.refresh_from_db()
    assert renewal.outcome == "renewed" and renewal.decided_by == manager
    assert old.next_contract == new
    # Decided once: a second answer is refused and changes nothing.
    with pytest.raises(ConflictError):
        services.contract_renewal_lose(actor=manager, renewal=renewal, reason="price")
    assert MaintenanceContract.objects.count() == 2
    # A renewed contract gets no second renewal from the sweep.
    assert services.contract_renewals_sweep(today=date(2026, 12, 20)) == 0


@pytest.mark.django_db
def test_lost_needs_a_reason_from_the_list(manager, client):
    _contract(manager, date(2026, 12, 10))
    services.contract_renewals_sweep(today=DAY)
    renewal = ContractRenewal.objects.get()
    with pytest.raises(ValidationError):
        services.contract_renewal_lose(actor=manager, renewal=renewal, reason="bored")
    with pytest.raises(ValidationError):
        services.contract_renewal_lose(actor=manager, renewal=renewal, reason="other", note=" ")
    client.force_login(manager)
    client.post(reverse("customers:renewal_lose", args=[renewal.pk]),
                {"lost_reason": "competitor", "note": "对手便宜两百"})
    renewal.refresh_from_db()
    assert (renewal.outcome, renewal.lost_reason, renewal.note) == ("lost", "competitor",
                                                                   "对手便宜两百")
    page = client.get(reverse("customers:renewals"), {"outcome": "lost"}).content.decode()
    assert renewal.contract.number in page
    assert client.get(reverse("customers:renewals")).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_schedulers_at_once_send_each_notice_once(clock_at):
    clock_at(9, 0, day=DAY)
    manager = UserFactory(username="mgr", role=Role.MANAGER, service_centre=None)
    phones = [f"+86139{n:08d}" for n in range(70001, 70006)]
    contracts = [_contract(manager, DAY + timedelta(days=10 + i), phone=p)
                 for i, p in enumerate(phones)]
    mark = _sms_mark()
    opened = at_once(lambda _: services.contract_renewals_sweep(today=DAY), 2)
    assert sum(opened) == len(contracts)
    assert ContractRenewal.objects.count() == len(contracts)
    for phone in phones:
        assert len(_sms_to(phone, mark)) == 1
    assert Notification.objects.filter(text__contains="HT").count() <= len(contracts)
