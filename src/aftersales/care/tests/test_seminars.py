"""User seminars (CR-3): planning, invitations sent once, answers within the seats, who came,
cancelling tells the invited; influence centres and the referrals they bring."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.care import services
from aftersales.care.audience import seminar_audience
from aftersales.care.choices import GuestStatus, Occasion, ReferralStatus, SeminarState
from aftersales.care.models import CareMessage, KeyAccount, Referral, SeminarGuest
from aftersales.care.selectors import influence_centre_list, seminar_list
from aftersales.core.events import event_list
from aftersales.core.exceptions import IllegalTransition
from aftersales.core.ledger import AppendOnlyError
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)

from .conftest import outbox

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 10, 9, 0, tzinfo=SH)  # a Wednesday morning
STARTS = datetime(2026, 6, 13, 14, 30, tzinfo=SH)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def delivered(django_capture_on_commit_callbacks):
    """Run a service and deliver the messages it sent (after its commit)."""
    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def plan(cast, actor=None, **values):
    values = {"title": "热水器用户座谈会", "kind": "forum", "starts_at": STARTS,
              "place": "九亭服务中心二楼会议室", "service_centre": cast.centre,
              "host": cast.supervisor, "capacity": None, "agenda": "听取用户意见", **values}
    return services.seminar_save(actor=actor or cast.supervisor, **values)


def test_planning_checks_the_fields_and_who_plans(clock, cast):
    with pytest.raises(ValidationError) as exc:
        plan(cast, title=" ", place="", starts_at=None, capacity=0)
    assert set(exc.value.message_dict) == {"title", "place", "starts_at", "capacity"}
    with pytest.raises(PermissionDenied):
        plan(cast, actor=cast.agent)
    other = ServiceCentreFactory()
    with pytest.raises(PermissionDenied):  # a centre's supervisor plans for his centre only
        plan(cast, service_centre=other)
    seminar = plan(cast)
    assert seminar.state == SeminarState.PLANNED and seminar.created_by == cast.supervisor
    assert [e.action for e in event_list(seminar)] == ["seminar_plan"]
    seminar = services.seminar_save(actor=cast.manager, seminar=seminar, capacity=20)
    assert seminar.capacity == 20 and seminar.version == 2
    # one held last week is entered afterwards: nobody invited, those who came recorded
    past = plan(cast, starts_at=NOW - timedelta(days=7))
    walk_in = CustomerFactory()
    held = services.seminar_hold(actor=cast.supervisor, seminar=past, attended=[],
                                 walk_ins=[walk_in])
    assert held.state == SeminarState.HELD and held.guests.get().customer == walk_in


def test_invitations_go_once_in_the_customers_language(clock, cast, sms, delivered):
    seminar = plan(cast)
    zh = CustomerFactory(name="王先生", phone="+8613900000001")
    en = CustomerFactory(name="Mr Lee", phone="+8613900000002", language="en")
    counts = delivered(services.seminar_invite, actor=cast.agent, seminar=seminar,
                       customers=[zh, en, zh])
    assert counts == {"added": 2, "already": 0, "sent": 2}
    texts = {line["to"]: line["text"] for line in outbox(sms)}
    assert "诚邀您参加热水器用户座谈会" in texts["+8613900000001"]
    assert "2026-06-13 14:30" in texts["+8613900000001"]
    assert "九亭服务中心二楼会议室" in texts["+8613900000001"]
    assert texts["+8613900000002"].startswith("Mr Lee, you are invited")
    # inviting again invites nobody twice and sends nothing more
    counts = delivered(services.seminar_invite, actor=cast.agent, seminar=seminar,
                       customers=[en])
    assert counts == {"added": 0, "already": 1, "sent": 0}
    assert len(outbox(sms)) == 2
    assert SeminarGuest.objects.filter(seminar=seminar).count() == 2
    assert CareMessage.objects.filter(occasion=Occasion.SEMINAR, key=seminar.key).count() == 2


def test_invited_without_sending_then_sent_later(clock, cast, sms, delivered):
    seminar = plan(cast)
    customers = [CustomerFactory() for _ in range(3)]
    services.seminar_invite(actor=cast.agent, seminar=seminar, customers=customers, send=False)
    assert outbox(sms) == [] and services.invitations_sent(seminar) == set()
    send = services.seminar_invitations_send
    assert delivered(send, actor=cast.agent, seminar=seminar) == 3
    assert delivered(send, actor=cast.agent, seminar=seminar) == 0
    assert len(outbox(sms)) == 3


def test_nobody_is_invited_once_it_has_begun_nor_by_a_technician(clock, cast):
    seminar = plan(cast)
    customer = CustomerFactory()
    with pytest.raises(PermissionDenied):
        services.seminar_invite(actor=cast.technician, seminar=seminar, customers=[customer])
    with pytest.raises(ValidationError):
        services.seminar_invite(actor=cast.agent, seminar=seminar, customers=[])
    clock.move_to(STARTS + timedelta(minutes=5), tick=False)
    with pytest.raises(ValidationError) as exc:
        services.seminar_invite(actor=cast.agent, seminar=seminar, customers=[customer])
    assert "state" in exc.value.message_dict
    assert not SeminarGuest.objects.exists()


def test_the_host_may_invite_even_as_a_technician(clock, cast):
    seminar = plan(cast, host=cast.technician)
    counts = services.seminar_invite(actor=cast.technician, seminar=seminar,
                                     customers=[CustomerFactory()], send=False)
    assert counts["added"] == 1


def test_answers_fill_the_seats_and_no_more(clock, cast):
    seminar = plan(cast, capacity=2)
    customers = [CustomerFactory() for _ in range(3)]
    services.seminar_invite(actor=cast.agent, seminar=seminar, customers=customers, send=False)
    guests = list(seminar.guests.order_by("id"))
    services.guest_answer(actor=cast.agent, guest=guests[0], answer="confirm", note="带家人来")
    services.guest_answer(actor=cast.agent, guest=guests[1], answer="confirm")
    with pytest.raises(ValidationError) as exc:
        services.guest_answer(actor=cast.agent, guest=guests[2], answer="confirm")
    assert "Every seat is taken" in str(exc.value) or "座位" in str(exc.value)
    guests[2].refresh_from_db()
    assert guests[2].status == GuestStatus.INVITED
    # a decline frees a seat
    services.guest_answer(actor=cast.agent, guest=guests[1], answer="decline")
    services.guest_answer(actor=cast.agent, guest=guests[2], answer="confirm")
    guests[0].refresh_from_db()
    assert guests[0].note == "带家人来"
    with pytest.raises(ValidationError):  # fewer seats than those coming
        services.seminar_save(actor=cast.supervisor, seminar=seminar, capacity=1)
    assert [e.action for e in event_list(guests[1])] == ["invite", "confirm", "decline"]


def test_holding_records_who_came_walk_ins_and_what_was_said(clock, cast):
    seminar = plan(cast)
    came, away, said_no = (CustomerFactory(name=n) for n in ("甲", "乙", "丙"))
    services.seminar_invite(actor=cast.agent, seminar=seminar, customers=[came, away, said_no],
                            send=False)
    g_came, g_away, g_no = (seminar.guests.get(customer=c) for c in (came, away, said_no))
    services.guest_answer(actor=cast.agent, guest=g_no, answer="decline")
    with pytest.raises(ValidationError):  # not begun yet
        services.seminar_hold(actor=cast.supervisor, seminar=seminar, attended=[g_came.pk])
    clock.move_to(STARTS + timedelta(hours=2), tick=False)
    walk_in = CustomerFactory(name="丁")
    with pytest.raises(PermissionDenied):  # neither host nor editor
        services.seminar_hold(actor=cast.agent, seminar=seminar, attended=[g_came.pk])
    held = services.seminar_hold(actor=cast.supervisor, seminar=seminar, attended=[g_came.pk],
                                 walk_ins=[walk_in, came], summary="希望延长保修")
    assert held.state == SeminarState.HELD and held.summary == "希望延长保修"
    status = dict(seminar.guests.values_list("customer__name", "status"))
    assert status == {"甲": "attended", "乙": "absent", "丙": "absent", "丁": "attended"}
    assert seminar.guests.get(customer=walk_in).walk_in
    with pytest.raises(ValidationError):  # once
        services.seminar_hold(actor=cast.supervisor, seminar=seminar, attended=[])
    services.guest_attendance_correct(actor=cast.supervisor, guest=g_away, attended=True)
    g_away.refresh_from_db()
    assert g_away.status == GuestStatus.ATTENDED
    services.seminar_summary_save(actor=cast.supervisor, seminar=held, summary="希望延长保修；加开讲座")
    row = seminar_list(user=cast.agent, state="held").get()
    assert (row.invited, row.attended) == (4, 3)


def test_an_unknown_guest_ticked_changes_nothing(clock, cast):
    seminar = plan(cast)
    services.seminar_invite(actor=cast.agent, seminar=seminar, customers=[CustomerFactory()],
                            send=False)
    clock.move_to(STARTS + timedelta(hours=1), tick=False)
    other = plan(cast, starts_at=STARTS + timedelta(days=7))
    services.seminar_invite(actor=cast.agent, seminar=other, customers=[CustomerFactory()],
                            send=False)
    with pytest.raises(ValidationError):
        services.seminar_hold(actor=cast.supervisor, seminar=seminar,
                              attended=[other.guests.get().pk])
    assert set(seminar.guests.values_list("status", flat=True)) == {GuestStatus.INVITED}
    seminar.refresh_from_db()
    assert seminar.state == SeminarState.PLANNED


def test_cancelling_tells_those_invited_who_did_not_decline(clock, cast, sms, delivered):
    seminar = plan(cast)
    told, declined, untold = CustomerFactory(), CustomerFactory(), CustomerFactory()
    delivered(services.seminar_invite, actor=cast.agent, seminar=seminar,
              customers=[told, declined])
    services.seminar_invite(actor=cast.agent, seminar=seminar, customers=[untold], send=False)
    services.guest_answer(actor=cast.agent, guest=seminar.guests.get(customer=declined),
                          answer="decline")
    with pytest.raises(ValidationError):  # a reason is needed
        services.seminar_cancel(actor=cast.supervisor, seminar=seminar, reason=" ")
    with pytest.raises(PermissionDenied):
        services.seminar_cancel(actor=cast.agent, seminar=seminar, reason="场地冲突")
    cancelled, sent = delivered(services.seminar_cancel, actor=cast.supervisor,
                                seminar=seminar, reason="场地冲突")
    assert cancelled.state == SeminarState.CANCELLED and sent == 1
    last = outbox(sms)[-1]
    assert last["to"] == told.phone and "已取消" in last["text"]
    assert event_list(cancelled).last().note == "场地冲突"
    with pytest.raises(IllegalTransition):
        services.seminar_cancel(actor=cast.supervisor, seminar=cancelled, reason="again")


def test_the_invite_audience_is_the_centres_key_accounts_and_owners(clock, cast, account_manager):
    seminar = plan(cast)
    heater = ProductModelFactory(code="WH-9")
    ours = CustomerFactory(service_centre=cast.centre)
    theirs = CustomerFactory(service_centre=ServiceCentreFactory())
    for customer in (ours, theirs):
        KeyAccount.objects.create(customer=customer, manager=account_manager,
                                  since=NOW.date())
    owner = InstalledProductFactory(model=heater, customer=CustomerFactory(
        service_centre=cast.centre)).customer
    InstalledProductFactory(model=heater, customer=theirs)
    assert list(seminar_audience(seminar, key_accounts=True)) == [ours]
    assert set(seminar_audience(seminar, key_accounts=True, product_model=heater)) == {
        ours, owner}
    hq = plan(cast, actor=cast.manager, service_centre=None)
    assert set(seminar_audience(hq, key_accounts=True)) == {ours, theirs}


def test_influence_centres_and_their_referrals(cast):
    keeper = UserFactory(username="keeper", role=Role.AGENT, service_centre=cast.centre)
    with pytest.raises(PermissionDenied):
        services.influence_centre_save(actor=cast.agent, name="阳光物业", kind="property",
                                       keeper=keeper)
    with pytest.raises(ValidationError) as exc:
        services.influence_centre_save(actor=cast.supervisor, name=" ", kind="nope",
                                       phone="abc", keeper=None)
    assert set(exc.value.message_dict) == {"name", "kind", "phone", "keeper"}
    centre = services.influence_centre_save(actor=cast.supervisor, name="阳光物业",
                                            kind="property", phone="13800138000",
                                            contact_name="张经理", keeper=keeper)
    assert centre.phone == "+8613800138000"
    with pytest.raises(ValidationError):
        services.influence_centre_save(actor=cast.supervisor, name="阳光物业", kind="other",
                                       keeper=keeper)
    # the keeper changes his own centre, not others'
    centre = services.influence_centre_save(actor=keeper, centre=centre, note="每月拜访")
    assert centre.note == "每月拜访" and centre.version == 2
    customer = CustomerFactory()
    with pytest.raises(ValidationError) as exc:  # a customer or a centre, not both
        services.referral_create(actor=cast.agent, referrer=customer, centre=centre,
                                 prospect_name="李女士")
    assert "referrer" in exc.value.message_dict
    won = services.referral_create(actor=cast.agent, centre=centre, prospect_name="李女士")
    services.referral_create(actor=cast.agent, centre=centre, prospect_name="赵先生")
    services.referral_create(actor=cast.agent, referrer=customer, prospect_name="钱先生")
    newcomer = CustomerFactory()
    services.referral_close(actor=cast.agent, referral=won, status=ReferralStatus.WON,
                            referred=newcomer)
    newcomer.refresh_from_db()
    assert newcomer.referred_by_id is None  # a centre is not a customer who referred him
    row = influence_centre_list(user=cast.agent).get()
    assert (row.referred, row.won, row.open) == (2, 1, 1)
    assert list(influence_centre_list(user=keeper)) == [row]
    assert list(influence_centre_list(user=cast.technician)) == []
    centre = services.influence_centre_save(actor=cast.supervisor, centre=centre, active=False)
    with pytest.raises(ValidationError):
        services.referral_create(actor=cast.agent, centre=centre, prospect_name="孙女士")
    assert Referral.objects.count() == 3


def test_contacts_with_an_influence_centre_and_those_due(cast, clock):
    keeper = UserFactory(username="keeper2", role=Role.TECHNICIAN, service_centre=cast.centre)
    near, far, never = (services.influence_centre_save(actor=cast.supervisor, name=n,
                                                       kind="installer", keeper=keeper)
                        for n in ("近", "远", "从未"))
    today = NOW.date()
    with pytest.raises(ValidationError) as exc:  # not a day still to come
        services.centre_contact_record(actor=keeper, centre=near,
                                       contacted_on=today + timedelta(days=1))
    assert "contacted_on" in exc.value.message_dict
    other = UserFactory(username="other-tech", role=Role.TECHNICIAN, service_centre=cast.centre)
    with pytest.raises(PermissionDenied):
        services.centre_contact_record(actor=other, centre=near, contacted_on=today)
    services.centre_contact_record(actor=keeper, centre=near, kind="call", note="送了台历",
                                   contacted_on=today - timedelta(days=3))
    services.centre_contact_record(actor=cast.agent, centre=far,
                                   contacted_on=today - timedelta(days=31))
    rows = {c.name: c for c in influence_centre_list(user=cast.agent)}
    assert rows["近"].last_contact == today - timedelta(days=3)
    assert rows["从未"].last_contact is None
    due = {c.name for c in influence_centre_list(user=cast.agent, due=True, today=today)}
    assert due == {"远", "从未"}
    assert [e.action for e in event_list(near)][-1] == "centre_contact"
    contact = near.contacts.get()
    with pytest.raises(AppendOnlyError):  # kept as it happened
        contact.save()
