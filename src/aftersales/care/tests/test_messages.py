"""Care messages (CR-1): each occasion sent once per customer; contract expiry only shown."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from aftersales.care import services
from aftersales.care.choices import Occasion
from aftersales.care.models import CareMessage, CareSettings, MessageTemplate
from aftersales.care.selectors import care_calendar
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory

from .conftest import DAY, outbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """The daily sending, with its after-commit deliveries run (as in production)."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.care_messages_send(**kwargs)

    return run


def test_birthday_warranty_and_check_in_are_sent_once(sms, cast, send):
    born = CustomerFactory(name="王芳", birthday=date(1980, DAY.month, DAY.day))
    CustomerFactory(name="张伟", birthday=date(1980, DAY.month, DAY.day + 1))
    ending = InstalledProductFactory(purchased_on=DAY + timedelta(days=30) - timedelta(days=364))
    ending.warranty_ends_on = DAY + timedelta(days=30)
    ending.save(update_fields=["warranty_ends_on"])
    installed = InstalledProductFactory(purchased_on=DAY - timedelta(days=40),
                                        installed_on=DAY - timedelta(days=30))
    assert send(day=DAY) == 3
    assert send(day=DAY) == 0
    sent = {(m.customer_id, m.occasion) for m in CareMessage.objects.all()}
    assert sent == {(born.pk, Occasion.BIRTHDAY), (ending.customer_id, Occasion.WARRANTY_EXPIRY),
                    (installed.customer_id, Occasion.CHECK_IN)}
    lines = outbox(sms)
    assert len(lines) == 3
    assert any("王芳" in line["text"] and "生日快乐" in line["text"] for line in lines)
    assert any((DAY + timedelta(days=30)).isoformat() in line["text"] for line in lines)


def test_holiday_greetings_go_to_key_accounts_on_the_first_day(sms, cast, account_manager, send):
    national_day = date(2026, 10, 1)
    key = CustomerFactory()
    CustomerFactory()
    services.key_account_mark(actor=cast.manager, customer=key, manager=account_manager)
    assert send(day=national_day) == 1
    assert send(day=national_day + timedelta(days=1)) == 0  # 2nd day
    [line] = outbox(sms)
    assert "国庆节" in line["text"]


def test_an_administrators_template_is_used_in_the_chosen_language(sms, send):
    policy = CareSettings.load()
    policy.language = "en"
    policy.save()
    MessageTemplate.objects.create(occasion=Occasion.BIRTHDAY, language="en",
                                   body="Dear {customer}, many happy returns! {unknown}")
    CustomerFactory(name="Amy", birthday=date(1990, DAY.month, DAY.day))
    send(day=DAY)
    [line] = outbox(sms)
    assert line["text"] == "Dear Amy, many happy returns! {unknown}"


def test_contract_expiry_is_on_the_calendar_but_never_sent(sms, cast, send):
    from aftersales.customers.models import MaintenanceContract

    customer = CustomerFactory()
    MaintenanceContract.objects.create(number="MC-T-1", customer=customer,
                                       starts_on=DAY - timedelta(days=360), ends_on=DAY,
                                       fee="100.00")
    items = care_calendar(start=DAY, end=DAY + timedelta(days=6))
    assert [(i.occasion, i.sends) for i in items] == [(Occasion.CONTRACT_EXPIRY, False)]
    assert send(day=DAY) == 0
    assert outbox(sms) == []


def test_the_calendar_marks_what_was_sent(sms, send):
    CustomerFactory(birthday=date(1975, DAY.month, DAY.day))
    assert [i.sent for i in care_calendar(start=DAY, end=DAY)] == [False]
    send(day=DAY)
    assert [i.sent for i in care_calendar(start=DAY, end=DAY)] == [True]


def test_29_february_birthdays_are_greeted_on_28_february_in_other_years(sms, send):
    CustomerFactory(birthday=date(1996, 2, 29))
    assert send(day=date(2027, 2, 28)) == 1


def test_the_daily_command_sends_once(sms, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    from aftersales.core.dates import local_today

    today = local_today()
    if (today.month, today.day) == (2, 29):
        return
    CustomerFactory(birthday=today.replace(year=1985))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("care_daily", stdout=out)
        call_command("care_daily", stdout=out)
    assert len(outbox(sms)) == 1 and "1 care message(s) sent" in out.getvalue()


def test_the_customers_page_lists_the_care_messages_sent_to_him(client, sms, cast, send):
    born = CustomerFactory(name="王芳", birthday=date(1980, DAY.month, DAY.day))
    quiet = CustomerFactory(name="张伟")
    send(day=DAY)
    client.force_login(cast.agent)
    page = client.get(f"/customers/{born.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    sent = page.split("data-care-messages>", 1)[1].split("</ul>", 1)[0]
    assert "Birthday" in sent and "SMS" in sent
    assert "data-care-messages" not in client.get(f"/customers/{quiet.pk}/").content.decode()
    client.force_login(cast.technician)  # no desk: the customer's page is not his
    assert client.get(f"/customers/{born.pk}/").status_code == 403


# --- sent by hand from the calendar ---------------------------------------------------------------


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.care_message_send_now(**kwargs)

    return run


def test_a_message_sent_by_hand_is_the_daily_ones_and_never_sent_again(sms, cast, send, send_now,
                                                                       clock_at):
    from aftersales.core.events import event_list

    clock_at(9, 15, day=DAY)
    born = CustomerFactory(name="王芳", birthday=date(1980, DAY.month, DAY.day))
    message = send_now(actor=cast.agent, customer=born, occasion=Occasion.BIRTHDAY,
                       key=str(DAY.year))
    assert (message.occasion, message.key, message.to) == (Occasion.BIRTHDAY, "2026", born.phone)
    [line] = outbox(sms)
    assert "王芳" in line["text"] and "生日快乐" in line["text"]  # the daily task's wording
    with pytest.raises(ValidationError, match="已收到") as error:  # a second click
        send_now(actor=cast.agent, customer=born, occasion=Occasion.BIRTHDAY, key="2026")
    assert set(error.value.message_dict) == {"occasion"}
    assert send(day=DAY) == 0  # the daily task sends nothing more
    assert len(outbox(sms)) == 1
    [event] = [e for e in event_list(born) if e.action == "care_message"]
    assert event.actor == cast.agent and event.data["by_hand"] is True
    assert [i.sent for i in care_calendar(start=DAY, end=DAY)] == [True]


def test_by_hand_today_or_a_day_early_only_and_only_what_care_sends(sms, cast, send_now,
                                                                   clock_at):
    from aftersales.customers.models import MaintenanceContract

    clock_at(9, 15, day=DAY)
    tomorrow = CustomerFactory(birthday=date(1980, 6, 11))
    later = CustomerFactory(birthday=date(1980, 6, 12))
    yesterday = CustomerFactory(birthday=date(1980, 6, 9))
    installed = InstalledProductFactory(purchased_on=DAY - timedelta(days=40),
                                        installed_on=DAY - timedelta(days=29))  # check-in tomorrow
    contract = MaintenanceContract.objects.create(
        number="MC-T-2", customer=later, starts_on=DAY - timedelta(days=360), ends_on=DAY,
        fee="100.00")
    for customer, occasion, key in [(later, Occasion.BIRTHDAY, "2026"),
                                    (yesterday, Occasion.BIRTHDAY, "2026"),
                                    (tomorrow, Occasion.HOLIDAY, "2026-06-11"),
                                    (tomorrow, Occasion.BIRTHDAY, "2025")]:
        with pytest.raises(ValidationError, match="不能手动发送"):
            send_now(actor=cast.agent, customer=customer, occasion=occasion, key=key)
    with pytest.raises(ValidationError, match="关怀不发送"):  # contracts sends the renewal notice
        send_now(actor=cast.manager, customer=later, occasion=Occasion.CONTRACT_EXPIRY,
                 key=f"c{contract.pk}")
    with pytest.raises(PermissionDenied):  # desk staff only
        send_now(actor=cast.technician, customer=tomorrow, occasion=Occasion.BIRTHDAY,
                 key="2026")
    assert not CareMessage.objects.exists() and outbox(sms) == []
    send_now(actor=cast.agent, customer=tomorrow, occasion=Occasion.BIRTHDAY, key="2026")
    send_now(actor=cast.agent, customer=installed.customer, occasion=Occasion.CHECK_IN,
             key=f"p{installed.pk}")
    assert CareMessage.objects.count() == 2 and len(outbox(sms)) == 2


def test_the_calendar_sends_now_by_the_button(client, sms, cast, clock_at,
                                             django_capture_on_commit_callbacks):
    from aftersales.customers.models import MaintenanceContract

    clock_at(9, 15, day=DAY)
    today = CustomerFactory(name="王芳", birthday=date(1980, 6, 10), phone="+8613912345678")
    tomorrow = CustomerFactory(name="张伟", birthday=date(1980, 6, 11))
    later = CustomerFactory(name="李娜", birthday=date(1980, 6, 14))
    MaintenanceContract.objects.create(number="MC-T-3", customer=later,
                                       starts_on=DAY - timedelta(days=360), ends_on=DAY,
                                       fee="100.00")
    client.force_login(cast.agent)
    page = client.get("/care/").content.decode()
    buttons = page.count("data-send-now")
    assert buttons == 2  # today's and tomorrow's birthdays; not the 14th, not the contract
    assert f'name="customer" value="{later.pk}"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/care/messages/send/", {
            "customer": today.pk, "occasion": "birthday", "key": "2026"}, follow=True)
    page = response.content.decode()
    assert "已向王芳（139 1234 5678）发送生日关怀消息" in page
    assert page.count("data-send-now") == 1
    again = client.post("/care/messages/send/", {
        "customer": today.pk, "occasion": "birthday", "key": "2026"}, follow=True)
    assert "王芳已收到这条消息" in again.content.decode()
    assert CareMessage.objects.count() == 1 and len(outbox(sms)) == 1

    client.force_login(cast.technician)
    assert client.post("/care/messages/send/", {
        "customer": tomorrow.pk, "occasion": "birthday", "key": "2026"}).status_code in (302, 403)
    assert CareMessage.objects.count() == 1
