"""A customer answers an invitation to a user seminar in the portal: he sees the seminars ahead
he is invited to, says he will come (a seat, while there is one) or cannot; another customer's
invitation is not his to answer."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from aftersales.care import services as care
from aftersales.core.events import event_list
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.tests.factories import Cast

from .helpers import portal_user_for

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def seminar(time_machine):
    time_machine.move_to(datetime(2026, 6, 10, 9, 0, tzinfo=SH), tick=False)
    cast = Cast()
    seminar = care.seminar_save(
        actor=cast.supervisor, title="净水器使用讲座", kind="talk", place="东湖花园会所",
        starts_at=datetime(2026, 6, 13, 10, 0, tzinfo=SH), service_centre=cast.centre,
        host=cast.supervisor, capacity=1, agenda="")
    seminar.cast = cast
    return seminar


def _invite(seminar, *customers):
    care.seminar_invite(actor=seminar.cast.agent, seminar=seminar, customers=customers,
                        send=False)
    return [seminar.guests.get(customer=c) for c in customers]


def test_he_sees_the_invitation_and_says_he_will_come(client, seminar):
    customer = CustomerFactory(name="李先生")
    user = portal_user_for(customer)
    guest, = _invite(seminar, customer)
    client.force_login(user)
    page = client.get("/portal/").content.decode()
    assert "净水器使用讲座" in page and "2026-06-13 10:00" in page and "data-will-come" in page
    response = client.post(f"/portal/seminars/{guest.pk}/answer/", {"answer": "confirm"},
                           follow=True)
    guest.refresh_from_db()
    assert guest.status == "confirmed"
    assert 'data-answer="confirmed"' in response.content.decode()
    assert event_list(guest).last().actor == user
    client.post(f"/portal/seminars/{guest.pk}/answer/", {"answer": "decline"})
    guest.refresh_from_db()
    assert guest.status == "declined"


def test_a_full_seminar_says_so_and_keeps_his_answer(client, seminar):
    first, second = CustomerFactory(), CustomerFactory()
    g1, g2 = _invite(seminar, first, second)
    care.guest_answer(actor=seminar.cast.agent, guest=g1, answer="confirm")
    client.force_login(portal_user_for(second))
    response = client.post(f"/portal/seminars/{g2.pk}/answer/", {"answer": "confirm"},
                           follow=True)
    g2.refresh_from_db()
    assert g2.status == "invited"
    page = response.content.decode()
    assert "座位已满" in page


def test_another_customers_invitation_is_not_his(client, seminar):
    mine, theirs = CustomerFactory(), CustomerFactory()
    _invite(seminar, mine)
    other_guest, = _invite(seminar, theirs)
    client.force_login(portal_user_for(mine))
    response = client.post(f"/portal/seminars/{other_guest.pk}/answer/", {"answer": "confirm"})
    assert response.status_code == 404
    other_guest.refresh_from_db()
    assert other_guest.status == "invited"
    assert "data-invitation" in client.get("/portal/").content.decode()


def test_a_seminar_that_has_begun_is_no_longer_shown(client, seminar, time_machine):
    customer = CustomerFactory()
    _invite(seminar, customer)
    client.force_login(portal_user_for(customer))
    time_machine.move_to(datetime(2026, 6, 13, 10, 30, tzinfo=SH), tick=False)
    assert "data-invitation" not in client.get("/portal/").content.decode()
