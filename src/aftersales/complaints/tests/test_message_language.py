"""The language a complaint's outcome is told in: chosen at registration, else the customer's own
language of messages, else the site's."""

import json
from decimal import Decimal

import pytest

from aftersales.accounts.tests.factories import PASSWORD
from aftersales.customers.tests.factories import CustomerFactory

from .. import services
from ..choices import Status
from ..models import Complaint
from .factories import Team, drive, new_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(clock_at):
    clock_at(10, 0)
    return Team()


@pytest.fixture
def outbox(settings, tmp_path):
    settings.SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    path = tmp_path / "sms" / "outbox.jsonl"
    return lambda: [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_not_chosen_it_is_the_customers_and_the_outcome_is_told_in_it(
        team, outbox, django_capture_on_commit_callbacks):
    customer = CustomerFactory(service_centre=team.centre, language="zh-hant")
    c = new_complaint(team, customer=customer)
    assert c.language == "zh-hant"
    c = drive(c, team, Status.DECIDED, amount=Decimal("800.00"))
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_close(actor=team.people["SALES"], complaint=c)
    [sms] = outbox()
    assert sms["to"] == customer.phone and "折讓" in sms["text"] and "感謝" in sms["text"]


def test_chosen_it_wins_and_without_any_it_is_the_sites(team):
    hant = CustomerFactory(service_centre=team.centre, language="zh-hant")
    assert new_complaint(team, customer=hant, language="en").language == "en"
    assert new_complaint(team).language == "zh-hans"
    assert new_complaint(team, customer=None, contact_name="Mr Li",
                         contact_phone="+8613900007721").language == "zh-hans"


def test_the_page_leaves_it_to_the_customer(client, team):
    customer = CustomerFactory(service_centre=team.centre, language="en")
    assert client.login(username=team.agent.username, password=PASSWORD)
    response = client.post("/complaints/new/", {
        "channel": "phone", "kind": "quality", "market": "domestic",
        "customer_phone": customer.phone, "language": "", "reply_channel": "sms",
        "description": "外壳开裂", "customer_request": "换新"})
    assert response.status_code == 302, response.context["form"].errors
    assert Complaint.objects.get(customer=customer).language == "en"
