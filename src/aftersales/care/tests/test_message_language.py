"""Care messages in each customer's own language; the care settings' language for the others
(the administrator's template of that language when there is one)."""

from datetime import date, timedelta

import pytest

from aftersales.care import services
from aftersales.care.choices import Occasion
from aftersales.care.models import CareSettings, MessageTemplate
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory

from .conftest import DAY, outbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(clock_at, django_capture_on_commit_callbacks):
    clock_at(9, 0, day=DAY)

    def run(day=DAY):
        with django_capture_on_commit_callbacks(execute=True):
            return services.care_messages_send(day=day)

    return run


def _texts(sms) -> dict[str, str]:
    return {line["to"]: line["text"] for line in outbox(sms)}


def test_a_birthday_greeting_in_traditional_for_a_traditional_customer(sms, send):
    born = date(1980, DAY.month, DAY.day)
    CustomerFactory(name="陳先生", phone="+8613900007701", birthday=born, language="zh-hant")
    CustomerFactory(name="王先生", phone="+8613900007702", birthday=born)
    assert send() == 2
    texts = _texts(sms)
    assert "生日快樂" in texts["+8613900007701"] and "感謝" in texts["+8613900007701"]
    assert "生日快乐" in texts["+8613900007702"] and "感谢" in texts["+8613900007702"]


def test_the_template_of_the_customers_language_and_the_settings_language_for_the_rest(sms, send):
    policy = CareSettings.load()
    policy.language = "en"
    policy.save()
    MessageTemplate.objects.create(occasion=Occasion.BIRTHDAY, language="zh-hant",
                                   body="{customer}，生日快樂（自訂）")
    MessageTemplate.objects.create(occasion=Occasion.BIRTHDAY, language="en",
                                   body="Dear {customer}, many happy returns!")
    born = date(1985, DAY.month, DAY.day)
    CustomerFactory(name="陳太太", phone="+8613900007703", birthday=born, language="zh-hant")
    CustomerFactory(name="Amy", phone="+8613900007704", birthday=born)
    CustomerFactory(name="张女士", phone="+8613900007705", birthday=born, language="zh-hans")
    send()
    texts = _texts(sms)
    assert texts["+8613900007703"] == "陳太太，生日快樂（自訂）"
    assert texts["+8613900007704"] == "Dear Amy, many happy returns!"
    assert "生日快乐" in texts["+8613900007705"]  # no template of hers: the built-in one


def test_a_holiday_is_named_in_the_customers_language(sms, cast, account_manager, send):
    national_day = date(2026, 10, 1)
    hant = CustomerFactory(phone="+8613900007706", language="zh-hant")
    plain = CustomerFactory(phone="+8613900007707")
    for customer in (hant, plain):
        services.key_account_mark(actor=cast.manager, customer=customer, manager=account_manager)
    assert send(day=national_day) == 2
    texts = _texts(sms)
    assert "國慶節快樂" in texts["+8613900007706"]
    assert "国庆节快乐" in texts["+8613900007707"]


def test_a_product_notice_keeps_its_words_and_names_the_company_in_his_language(
        sms, cast, send, django_capture_on_commit_callbacks):
    english = CustomerFactory(name="Amy", phone="+8613900007708", language="en")
    unit = InstalledProductFactory(customer=english, purchased_on=DAY - timedelta(days=100))
    notice = services.product_notice_save(actor=cast.manager, product_model=unit.model,
                                          subject="升级", text="{customer}：{company}")
    assert services.product_notice_preview(notice)[1][1] == "Amy：After-sales service"
    services.product_notice_send(actor=cast.manager, notice=notice)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.product_notice_deliver(notice_id=notice.pk) == 1
    [line] = outbox(sms)
    assert line["text"] == "Amy：After-sales service"
