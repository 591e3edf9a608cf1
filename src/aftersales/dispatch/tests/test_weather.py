"""Bad weather (DS-6): every customer with a visit that day is told once, in his language and
by the channel he has (SMS through the file backend, e-mail through a real SMTP server, else a
call listed for the desk); bad input and other people are refused and nothing is saved."""

import io
import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.ledger import AppendOnlyError
from aftersales.core.models import Notification
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.dispatch.choices import NoticeChannel
from aftersales.dispatch.models import WeatherNotice, WeatherNoticeRecipient
from aftersales.dispatch.weather import weather_notice_send, weather_visits
from aftersales.service import services
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast, drive, new_request

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 6, 10)  # a Wednesday


@pytest.fixture
def sms(settings, tmp_path):
    settings.SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    path = tmp_path / "sms" / "outbox.jsonl"
    return lambda: ([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
                    if path.exists() else [])


@pytest.fixture
def morning(time_machine):
    time_machine.move_to(datetime.combine(DAY, time(8, 0), TZ).timestamp(), tick=False)


def _visit(cast, *, at=None, customer=None, **customer_fields):
    customer = customer or CustomerFactory(service_centre=cast.centre, **customer_fields)
    request = new_request(cast, customer=customer)
    services.service_request_assign(actor=cast.supervisor, request=request,
                                    technician=cast.technician,
                                    appointment_at=at or datetime.combine(DAY, time(14), TZ))
    request.refresh_from_db()
    return request


def test_every_customer_with_a_visit_that_day_is_told_once_in_his_language_and_channel(
        morning, sms, smtp_server, django_capture_on_commit_callbacks):
    cast = Cast()
    texted = _visit(cast, phone="+8613800138001")
    english = _visit(cast, phone="+8613800138002", language="en")
    mailed = _visit(cast, phone="+862150001234", email="wang@example.com")
    to_call = _visit(cast, phone="+862150005678")
    tomorrow = _visit(cast, at=datetime.combine(DAY + timedelta(days=1), time(9), TZ))
    begun = drive(_visit(cast), cast, Status.ON_SITE)
    planned = new_request(cast, customer=CustomerFactory(service_centre=cast.centre,
                                                         phone="+8613800138003"))
    ServiceRequest.objects.filter(pk=planned.pk).update(planned_for=DAY)
    elsewhere = _visit(Cast())

    with django_capture_on_commit_callbacks(execute=True):
        notice = weather_notice_send(actor=cast.supervisor, centre=cast.centre, day=DAY,
                                     reason="台风")

    told = {r.request_id: (r.channel, r.address) for r in notice.recipients.all()}
    assert told == {
        texted.pk: (NoticeChannel.SMS, "+8613800138001"),
        english.pk: (NoticeChannel.SMS, "+8613800138002"),
        mailed.pk: (NoticeChannel.EMAIL, "wang@example.com"),
        to_call.pk: (NoticeChannel.CALL, "+862150005678"),
        planned.pk: (NoticeChannel.SMS, "+8613800138003"),
    }
    assert not {tomorrow.pk, begun.pk, elsewhere.pk} & set(told)
    texts = {m["to"]: m["text"] for m in sms()}
    assert set(texts) == {"+8613800138001", "+8613800138002", "+8613800138003"}
    assert "台风" in texts["+8613800138001"] and "2026-06-10" in texts["+8613800138001"]
    assert "weather (台风)" in texts["+8613800138002"]  # his own language
    assert texted.number in texts["+8613800138001"]
    [mail] = smtp_server.messages
    assert mail["To"] == "wang@example.com" and "2026-06-10" in str(mail["Subject"])
    assert mailed.number in mail.get_content()
    # an event on each request told, one on the notice, a word to the technician
    assert [e.action for e in event_list(to_call)][-1] == "weather_notice"
    assert [e.action for e in event_list(notice)] == ["send"]
    assert Notification.objects.filter(user=cast.technician, text__contains="台风").count() == 1

    # told once: nothing is left, until a visit is booked for that day
    with translation.override("en"), pytest.raises(ValidationError) as error:
        weather_notice_send(actor=cast.supervisor, centre=cast.centre, day=DAY, reason="台风")
    assert "left to tell" in " ".join(error.value.message_dict["day"])
    late = _visit(cast, phone="+8613800138009", at=datetime.combine(DAY, time(17), TZ))
    with django_capture_on_commit_callbacks(execute=True):
        again = weather_notice_send(actor=cast.manager, centre=cast.centre, day=DAY,
                                    reason="台风持续")
    assert [r.request_id for r in again.recipients.all()] == [late.pk]
    assert len(sms()) == 4 and len(smtp_server.messages) == 1
    assert not list(weather_visits(cast.centre, DAY, untold=True))


@pytest.mark.parametrize("day, reason, field, words", [
    (DAY, "  ", "reason", "what the weather is"),
    (DAY, "雨" * 101, "reason", "at most 100"),
    (DAY - timedelta(days=1), "暴雨", "day", "gone by"),
    (DAY + timedelta(days=8), "暴雨", "day", "at most 7 days"),
])
def test_bad_input_is_refused_by_name_and_nothing_is_saved(morning, sms, day, reason, field,
                                                           words):
    cast = Cast()
    _visit(cast, at=datetime.combine(day, time(14), TZ) if day >= DAY else None)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        weather_notice_send(actor=cast.supervisor, centre=cast.centre, day=day, reason=reason)
    assert words in " ".join(error.value.message_dict[field])
    assert not WeatherNotice.objects.exists() and not WeatherNoticeRecipient.objects.exists()
    assert sms() == []


def test_only_the_centres_dispatchers_tell_its_customers(morning, sms):
    cast, other = Cast(), Cast()
    _visit(cast)
    for actor in (cast.agent, cast.technician, other.supervisor):
        with pytest.raises(PermissionDenied):
            weather_notice_send(actor=actor, centre=cast.centre, day=DAY, reason="暴雪")
    assert not WeatherNotice.objects.exists()


def test_a_notice_and_whom_it_told_are_never_changed(morning, sms):
    cast = Cast()
    _visit(cast)
    notice = weather_notice_send(actor=cast.supervisor, centre=cast.centre, day=DAY,
                                 reason="暴雨")
    with pytest.raises(AppendOnlyError):
        WeatherNotice.objects.filter(pk=notice.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        notice.recipients.first().delete()


def test_the_supervisor_sees_whom_he_will_tell_tells_them_and_calls_the_rest(
        morning, sms, client, django_capture_on_commit_callbacks):
    cast = Cast()
    texted = _visit(cast, name="张先生", phone="+8613800138001")
    landline = _visit(cast, name="李女士", phone="+862150005678")
    client.force_login(cast.supervisor)
    url = reverse("dispatch:weather")
    with translation.override("zh-hans"):
        page = client.get(url, {"day": DAY.isoformat()}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-untold="2"' in html
    assert texted.number in html and "李女士" in html and "恶劣天气" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"centre": cast.centre.pk, "day": DAY.isoformat(),
                                     "reason": "暴雨"})
    notice = WeatherNotice.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("dispatch:weather_notice", args=[notice.pk])
    detail = client.get(response.url).content.decode()
    assert 'data-to-call="1"' in detail and 'href="tel:+862150005678"' in detail
    assert detail.index(landline.number) < detail.index(texted.number)  # to call first
    sheet = load_workbook(io.BytesIO(
        client.get(response.url, {"format": "xlsx"}).content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        landline.number, texted.number]
    # the request's page names the step; a second post tells nobody twice
    with translation.override("zh-hans"):
        request_page = client.get(reverse("service:detail", args=[texted.pk]),
                                  HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已告知客户：恶劣天气" in request_page
    assert client.post(url, {"centre": cast.centre.pk, "day": DAY.isoformat(),
                             "reason": "暴雨"}).status_code == 400
    assert WeatherNotice.objects.count() == 1 and len(sms()) == 1


def test_the_desk_agent_and_the_technician_may_not_open_it(client):
    cast = Cast()
    for user in (cast.agent, cast.technician):
        client.force_login(user)
        assert client.get(reverse("dispatch:weather")).status_code == 403


def _api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_tells_them_once_per_key_and_refuses_by_name(morning, sms,
                                                            django_capture_on_commit_callbacks):
    cast, other = Cast(), Cast()
    visit = _visit(cast, phone="+8613800138001")
    body = {"service_centre": cast.centre.pk, "day": DAY.isoformat(), "reason": "暴雪"}
    api = _api(cast.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("/api/v1/weather-notices/", body, format="json",
                         HTTP_IDEMPOTENCY_KEY="w-1")
    again = api.post("/api/v1/weather-notices/", body, format="json", HTTP_IDEMPOTENCY_KEY="w-1")
    assert first.status_code == 201, first.content
    assert first.data["recipients"] == [{"request": visit.pk, "request_number": visit.number,
                                         "channel": "sms", "address": "+8613800138001"}]
    assert again.status_code in (200, 201) and again.data["id"] == first.data["id"]
    assert WeatherNotice.objects.count() == 1 and len(sms()) == 1
    # nothing left to tell; a past day; another centre's supervisor; a desk agent
    refused = api.post("/api/v1/weather-notices/", body, format="json",
                       HTTP_IDEMPOTENCY_KEY="w-2", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "left to tell" in str(refused.data)
    past = api.post("/api/v1/weather-notices/", {**body, "day": "2026-06-09"}, format="json",
                    HTTP_IDEMPOTENCY_KEY="w-3", HTTP_ACCEPT_LANGUAGE="en")
    assert past.status_code == 400 and "gone by" in str(past.data)
    for user in (other.supervisor, cast.agent):
        assert _api(user).post("/api/v1/weather-notices/", body, format="json",
                               HTTP_IDEMPOTENCY_KEY="w-4").status_code == 403
    listed = api.get("/api/v1/weather-notices/", {"service_centre": cast.centre.pk})
    assert [n["id"] for n in listed.data["results"]] == [first.data["id"]]
    assert _api(other.supervisor).get(f"/api/v1/weather-notices/{first.data['id']}/") \
        .status_code == 404
