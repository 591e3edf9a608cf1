"""Product notices (CR-1 "product improvements"): the owners of a model (bought in a period)
get one message each, sent in the background, resumable, never twice; the service department
writes and sends, the desk reads."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

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
from aftersales.core.ticks import tick
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


# --- scheduled for a later time ------------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_notice_scheduled_for_later_starts_by_the_worker_tick_as_send_does(
        cast, owners, sms, clock_at, django_capture_on_commit_callbacks):
    heater, people = owners
    clock_at(10, 30, day=date(2026, 6, 10), tick=False)
    notice = _write(cast.manager, heater)
    at = datetime(2026, 6, 12, 9, 0, tzinfo=SHANGHAI)
    notice = services.product_notice_schedule(actor=cast.manager, notice=notice,
                                              scheduled_for=at, expected_version=notice.version)
    assert (notice.state, notice.scheduled_for, notice.scheduled_by) == (
        NoticeState.SCHEDULED, at, cast.manager)
    assert not DBTaskResult.objects.exists()  # nothing is queued until its time
    with pytest.raises(IllegalTransition, match="先取消定时"):  # scheduled: no more changes
        services.product_notice_save(actor=cast.manager, notice=notice, product_model=heater,
                                     subject="再改", text="正文")
    with pytest.raises(IllegalTransition):  # nor sent now (take it back first)
        services.product_notice_send(actor=cast.manager, notice=notice)

    clock_at(8, 59, day=date(2026, 6, 12), tick=False)
    tick()  # every worker.tick handler, as a worker runs them
    assert ProductNotice.objects.get().state == NoticeState.SCHEDULED
    clock_at(9, 0, day=date(2026, 6, 12), tick=False)
    tick()
    tick()  # a second tick (another worker) starts nothing more
    notice.refresh_from_db()
    assert (notice.state, notice.recipients, notice.sent_by) == (
        NoticeState.SENDING, 3, cast.manager)
    assert notice.sent_at == datetime(2026, 6, 12, 9, 0, tzinfo=SHANGHAI)
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_product_notice").count() == 1
    assert _deliver(notice, django_capture_on_commit_callbacks) == 3
    assert len(outbox(sms)) == 3
    events = list(event_list(notice))
    assert [e.action for e in events] == ["create", "schedule", "start", "finish"]
    assert events[1].actor == cast.manager and events[2].actor is None


def test_scheduling_bad_times_and_who_may(cast, owners, clock_at):
    heater, _people = owners
    clock_at(10, 30, day=date(2026, 6, 10), tick=False)
    notice = _write(cast.manager, heater)
    cases = {datetime(2026, 6, 10, 10, 30, tzinfo=SHANGHAI): "将来的时间",  # now: not later
             datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI): "将来的时间",
             datetime(2026, 9, 8, 11, 0, tzinfo=SHANGHAI): "最多提前 90 天"}
    for at, message in cases.items():
        with pytest.raises(ValidationError, match=message) as error:
            services.product_notice_schedule(actor=cast.manager, notice=notice, scheduled_for=at)
        assert set(error.value.message_dict) == {"scheduled_for"}
    with pytest.raises(PermissionDenied):  # the desk reads notices, it does not schedule them
        services.product_notice_schedule(actor=cast.supervisor, notice=notice,
                                         scheduled_for=datetime(2026, 6, 11, 9, tzinfo=SHANGHAI))
    nobody = _write(cast.manager, heater, purchased_from=date(2030, 1, 1))
    with pytest.raises(ValidationError):  # nobody to send it to: not scheduled either
        services.product_notice_schedule(actor=cast.manager, notice=nobody,
                                         scheduled_for=datetime(2026, 6, 11, 9, tzinfo=SHANGHAI))
    assert set(ProductNotice.objects.values_list("state", flat=True)) == {NoticeState.DRAFT}
    assert [e.action for e in event_list(notice)] == ["create"]

    # at most 90 days ahead is allowed; taken back, it is a draft to change again
    notice = services.product_notice_schedule(
        actor=cast.manager, notice=notice,
        scheduled_for=datetime(2026, 9, 8, 10, 30, tzinfo=SHANGHAI))
    with pytest.raises(PermissionDenied):
        services.product_notice_unschedule(actor=cast.agent, notice=notice)
    notice = services.product_notice_unschedule(actor=cast.manager, notice=notice)
    assert (notice.state, notice.scheduled_for, notice.scheduled_by) == (NoticeState.DRAFT,
                                                                         None, None)
    services.product_notice_save(actor=cast.manager, notice=notice, product_model=heater,
                                 subject="新标题", text="正文")
    with pytest.raises(IllegalTransition):  # a draft is not scheduled: nothing to take back
        services.product_notice_unschedule(actor=cast.manager, notice=notice)
    assert [e.action for e in event_list(notice)] == ["create", "schedule", "unschedule", "edit"]


def test_at_its_time_with_nobody_to_send_to_it_is_a_draft_again(cast, owners, clock_at):
    from aftersales.core.models import Notification
    from aftersales.customers.models import InstalledProduct

    heater, _people = owners
    clock_at(10, 30, day=date(2026, 6, 10), tick=False)
    notice = _write(cast.manager, heater, purchased_from=date(2025, 3, 1),
                    purchased_to=date(2025, 3, 31))  # 张伟 alone
    services.product_notice_schedule(actor=cast.manager, notice=notice,
                                     scheduled_for=datetime(2026, 6, 11, 9, tzinfo=SHANGHAI))
    InstalledProduct.objects.filter(serial="B-1").delete()  # the unit was taken out meanwhile
    assert services.product_notices_start_due(
        now=datetime(2026, 6, 11, 9, 5, tzinfo=SHANGHAI)) == 0
    notice.refresh_from_db()
    assert (notice.state, notice.scheduled_for) == (NoticeState.DRAFT, None)
    assert not DBTaskResult.objects.exists()
    last = event_list(notice).last()
    assert (last.action, last.actor, last.to_state) == ("unschedule", None, NoticeState.DRAFT)
    (note,) = Notification.objects.filter(user=cast.manager)
    assert notice.subject in note.text and note.link == f"/care/notices/{notice.pk}/"


def test_schedule_pages(client, cast, owners, clock_at):
    heater, _people = owners
    clock_at(10, 30, day=date(2026, 6, 10))
    notice = _write(cast.manager, heater)
    client.force_login(cast.manager)
    page = client.get(f"/care/notices/{notice.pk}/").content.decode()
    assert "data-schedule-form" in page and 'min="2026-06-10T10:31"' in page
    assert 'max="2026-09-08T10:30"' in page
    bad = client.post(f"/care/notices/{notice.pk}/schedule/",
                      {"scheduled_for": "2026-06-09T09:00", "version": notice.version},
                      follow=True)
    assert "请选择将来的时间" in bad.content.decode()
    assert ProductNotice.objects.get().state == NoticeState.DRAFT
    client.post(f"/care/notices/{notice.pk}/schedule/",
                {"scheduled_for": "2026-06-12T09:00", "version": notice.version})
    notice.refresh_from_db()
    assert notice.scheduled_for == datetime(2026, 6, 12, 9, 0, tzinfo=SHANGHAI)  # Beijing time
    page = client.get(f"/care/notices/{notice.pk}/").content.decode()
    assert 'data-state="scheduled"' in page and "定于 2026-06-12 09:00 发送" in page
    assert "data-unschedule-notice" in page and "data-schedule-form" not in page
    assert 'data-audience="3"' in page
    assert client.get(f"/care/notices/{notice.pk}/edit/")["Location"] == \
        f"/care/notices/{notice.pk}/"
    assert "定于 2026-06-12 09:00 发送" in client.get("/care/notices/").content.decode()

    client.force_login(cast.agent)  # the desk sees it, cannot take it back
    page = client.get(f"/care/notices/{notice.pk}/").content.decode()
    assert "data-scheduled" in page and "data-unschedule-notice" not in page
    assert client.post(f"/care/notices/{notice.pk}/unschedule/").status_code == 404
    client.force_login(cast.manager)
    client.post(f"/care/notices/{notice.pk}/unschedule/", {"version": notice.version})
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT
    assert "data-schedule-form" in client.get(f"/care/notices/{notice.pk}/").content.decode()
