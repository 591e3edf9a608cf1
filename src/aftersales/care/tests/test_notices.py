"""Product notices (CR-1 "product improvements"): the owners of a model (bought in a period)
get one message each, sent in the background, resumable, never twice; the service department
writes and sends, the desk reads."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django_tasks_db.models import DBTaskResult

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.care import services
from aftersales.care.choices import MessageChannel, NoticeState, Occasion
from aftersales.care.models import CareMessage, CareSettings, ProductNotice
from aftersales.core.events import event_list
from aftersales.core.exceptions import IllegalTransition
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)

from .conftest import outbox

pytestmark = pytest.mark.django_db

TEXT = "{customer}您好：您的{product}（{serial}）可免费升级燃烧器，请致电预约。{company}"


@pytest.fixture
def owners():
    """Model WH-500: 王芳 owns two units (bought 2024 and 2025), 张伟 one bought 2025, 李娜 one
    bought 2023; 赵磊 owns another model."""
    heater = ProductModelFactory(code="WH-500", name="恒温燃气热水器")
    wang, zhang, li = (CustomerFactory(name=n) for n in ("王芳", "张伟", "李娜"))
    InstalledProductFactory(customer=wang, model=heater, serial="A-1",
                            purchased_on=date(2024, 5, 1))
    InstalledProductFactory(customer=wang, model=heater, serial="A-2",
                            purchased_on=date(2025, 5, 1))
    InstalledProductFactory(customer=zhang, model=heater, serial="B-1",
                            purchased_on=date(2025, 3, 1))
    InstalledProductFactory(customer=li, model=heater, serial="C-1",
                            purchased_on=date(2023, 3, 1))
    InstalledProductFactory(customer=CustomerFactory(name="赵磊"),
                            model=ProductModelFactory(code="AC-1"), purchased_on=date(2025, 1, 1))
    return heater, {"wang": wang, "zhang": zhang, "li": li}


def _write(actor, heater, **kwargs):
    kwargs.setdefault("subject", "燃烧器免费升级")
    kwargs.setdefault("text", TEXT)
    return services.product_notice_save(actor=actor, product_model=heater, **kwargs)


def _deliver(notice, capture):
    with capture(execute=True):
        return services.product_notice_deliver(notice_id=notice.pk)


def test_each_owner_once_naming_his_first_unit(cast, owners, sms,
                                              django_capture_on_commit_callbacks):
    heater, people = owners
    notice = _write(cast.manager, heater)
    notice = services.product_notice_send(actor=cast.manager, notice=notice)
    assert (notice.state, notice.recipients, notice.sent_by) == (
        NoticeState.SENDING, 3, cast.manager)
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_product_notice").count() == 1
    assert _deliver(notice, django_capture_on_commit_callbacks) == 3
    notice.refresh_from_db()
    assert (notice.state, notice.sent, notice.progress) == (NoticeState.SENT, 3, 100)
    texts = {line["to"]: line["text"] for line in outbox(sms)}
    assert len(texts) == 3
    assert "王芳您好：您的恒温燃气热水器（A-1）" in texts[people["wang"].phone]
    assert "{" not in "".join(texts.values())
    assert [e.action for e in event_list(notice)] == ["create", "send", "finish"]
    # a second run (a worker started twice) sends nothing more
    notice.state = NoticeState.SENDING
    notice.save(update_fields=["state"])
    assert _deliver(notice, django_capture_on_commit_callbacks) == 3
    assert len(outbox(sms)) == 3
    assert CareMessage.objects.filter(occasion=Occasion.PRODUCT_NOTICE).count() == 3


def test_a_period_narrows_the_owners_and_e_mail_where_the_policy_says(
        cast, owners, sms, django_capture_on_commit_callbacks):
    heater, people = owners
    people["zhang"].email = "zhang@example.com"
    people["zhang"].save(update_fields=["email"])
    policy = CareSettings.load()
    policy.channel = MessageChannel.EMAIL
    policy.save()
    notice = _write(cast.manager, heater, purchased_from=date(2025, 1, 1),
                    purchased_to=date(2025, 12, 31))
    notice = services.product_notice_send(actor=cast.manager, notice=notice)
    assert notice.recipients == 2  # 王芳 (her 2025 unit) and 张伟
    _deliver(notice, django_capture_on_commit_callbacks)
    (letter,) = mail.outbox
    assert letter.to == ["zhang@example.com"] and letter.subject == "燃烧器免费升级"
    (sms_line,) = outbox(sms)
    assert sms_line["to"] == people["wang"].phone and "A-2" in sms_line["text"]


def test_bad_input_and_who_may(cast, owners):
    heater, _people = owners
    with pytest.raises(ValidationError) as error:
        _write(cast.manager, heater, text="请带上{发票", purchased_from=date(2025, 2, 1),
               purchased_to=date(2025, 1, 1))
    assert set(error.value.message_dict) == {"text", "purchased_to"}
    with pytest.raises(PermissionDenied):
        _write(cast.supervisor, heater)
    notice = _write(cast.manager, heater, purchased_from=date(2030, 1, 1))
    with pytest.raises(ValidationError):  # nobody bought it then
        services.product_notice_send(actor=cast.manager, notice=notice)
    assert ProductNotice.objects.get().state == NoticeState.DRAFT
    notice = services.product_notice_save(actor=cast.manager, notice=notice,
                                          product_model=heater, subject="新标题", text="正文")
    services.product_notice_send(actor=cast.manager, notice=notice)
    with pytest.raises(IllegalTransition, match="发送后不能再修改"):
        services.product_notice_save(actor=cast.manager, notice=notice, product_model=heater,
                                     subject="再改", text="正文")


def test_pages(client, cast, owners, sms, django_capture_on_commit_callbacks):
    heater, _people = owners
    client.force_login(cast.manager)
    page = client.get("/care/notices/").content.decode()
    assert "data-empty" in page and "data-new-notice" in page
    bad = client.post("/care/notices/new/", {"product_model": heater.pk, "subject": "",
                                             "text": TEXT})
    assert bad.status_code == 400 and not ProductNotice.objects.exists()
    response = client.post("/care/notices/new/", {
        "product_model": heater.pk, "subject": "燃烧器免费升级", "text": TEXT})
    notice = ProductNotice.objects.get()
    assert response["Location"] == f"/care/notices/{notice.pk}/"
    page = client.get(f"/care/notices/{notice.pk}/").content.decode()
    assert 'data-audience="3"' in page and "王芳您好：您的恒温燃气热水器（A-1）" in page
    client.post(f"/care/notices/{notice.pk}/send/", {"version": notice.version})
    notice.refresh_from_db()
    assert notice.state == NoticeState.SENDING
    page = client.get(f"/care/notices/{notice.pk}/").content.decode()
    assert 'id="notice-progress"' in page and 'data-progress="0"' in page
    _deliver(notice, django_capture_on_commit_callbacks)
    done = client.get(f"/care/notices/{notice.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    page = client.get(f"/care/notices/{notice.pk}/").content.decode()
    assert 'data-sent="3"' in page and page.count("/customers/") >= 3
    assert "data-preview" in page and "您好：您的恒温燃气热水器（" in page  # as sent
    assert "3 / 3" in client.get("/care/notices/").content.decode()

    client.force_login(cast.agent)  # the desk reads, does not write or send
    assert client.get("/care/notices/").status_code == 200
    assert client.get("/care/notices/new/").status_code == 403
    assert client.post(f"/care/notices/{notice.pk}/send/").status_code == 404
    client.force_login(cast.technician)
    assert client.get("/care/notices/").status_code == 403


def test_a_branch_manager_notifies_his_centres_owners(cast, owners, sms,
                                                     django_capture_on_commit_callbacks):
    """The head office writes to every centre's owners or one centre's; a branch manager (a
    manager with a centre) only to his own centre's."""
    heater, people = owners
    people["zhang"].service_centre = cast.centre
    people["zhang"].save(update_fields=["service_centre"])
    other = ServiceCentreFactory()
    branch = UserFactory(username="mgr-branch", role=Role.MANAGER, service_centre=cast.centre)
    for centre in (None, other):
        with pytest.raises(PermissionDenied):
            _write(branch, heater, service_centre=centre)
    notice = _write(branch, heater, service_centre=cast.centre)
    notice = services.product_notice_send(actor=branch, notice=notice)
    assert notice.recipients == 1
    _deliver(notice, django_capture_on_commit_callbacks)
    (line,) = outbox(sms)
    assert line["to"] == people["zhang"].phone
    hq_notice = _write(cast.manager, heater)  # every centre's owners: not the branch's to send
    with pytest.raises(PermissionDenied):
        services.product_notice_send(actor=branch, notice=hq_notice)
