"""The pages of influence centres and user seminars: who opens them, the forms, the sign-in
sheet, the Excel guest list, referrals by source."""

from datetime import datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from aftersales.care import services
from aftersales.care.models import InfluenceCentre, Referral, Seminar, SeminarGuest
from aftersales.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 10, 9, 0, tzinfo=SH)
STARTS = datetime(2026, 6, 13, 14, 30, tzinfo=SH)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def _seminar(cast, **values):
    values = {"title": "净水器使用讲座", "kind": "talk", "starts_at": STARTS, "place": "社区活动室",
              "service_centre": cast.centre, "host": cast.supervisor, "capacity": 30,
              "agenda": "", **values}
    return services.seminar_save(actor=cast.supervisor, **values)


def test_a_supervisor_plans_a_seminar_and_errors_stay_on_the_form(client, clock, cast):
    client.force_login(cast.supervisor)
    assert client.get("/care/seminars/").status_code == 200
    assert client.get("/care/seminars/new/").status_code == 200
    response = client.post("/care/seminars/new/", {
        "title": "", "kind": "talk", "starts_at": "", "place": "活动室",
        "service_centre": cast.centre.pk, "host": cast.supervisor.pk})
    assert response.status_code == 400
    page = response.content.decode()
    assert "这个字段是必填项" in page or "Give the seminar a title" in page or "标题" in page
    assert not Seminar.objects.exists()
    response = client.post("/care/seminars/new/", {
        "title": "净水器使用讲座", "kind": "talk", "starts_at": "2026-06-13T14:30",
        "place": "社区活动室", "service_centre": cast.centre.pk, "host": cast.supervisor.pk,
        "capacity": "2"})
    seminar = Seminar.objects.get()
    assert response.status_code == 302 and response.url == f"/care/seminars/{seminar.pk}/"
    assert seminar.starts_at == STARTS and seminar.capacity == 2
    page = client.get(f"/care/seminars/{seminar.pk}/").content.decode()
    assert "净水器使用讲座" in page and "2026-06-13 14:30" in page
    # an agent sees it, cannot plan one
    client.force_login(cast.agent)
    assert "净水器使用讲座" in client.get("/care/seminars/").content.decode()
    assert client.get("/care/seminars/new/").status_code == 403


def test_inviting_by_phone_answering_and_the_seats(client, clock, cast):
    seminar = _seminar(cast, capacity=1)
    a = CustomerFactory(name="赵一", phone="+8613900001111")
    b = CustomerFactory(name="钱二", phone="+8613900002222")
    client.force_login(cast.agent)
    response = client.post(f"/care/seminars/{seminar.pk}/invite/",
                           {"phones": "13900001111, 139 0000 9999", "send": ""})
    assert response.status_code == 400
    assert "139 0000 9999" in response.content.decode()
    assert not SeminarGuest.objects.exists()
    response = client.post(f"/care/seminars/{seminar.pk}/invite/",
                           {"phones": "13900001111\n13900002222"})
    assert response.status_code == 302
    ga, gb = (seminar.guests.get(customer=c) for c in (a, b))
    client.post(f"/care/seminars/guests/{ga.pk}/answer/", {"answer": "confirm", "note": "两人"})
    response = client.post(f"/care/seminars/guests/{gb.pk}/answer/", {"answer": "confirm"},
                           follow=True)
    gb.refresh_from_db()
    assert gb.status == "invited"
    page = response.content.decode()
    assert "座位" in page or "seat" in page
    page = client.get(f"/care/seminars/{seminar.pk}/").content.decode()
    assert 'data-status="confirmed"' in page and "两人" in page


def test_the_host_records_who_came_after_it_began(client, clock, cast):
    seminar = _seminar(cast)
    customers = [CustomerFactory(name=n) for n in ("甲", "乙")]
    services.seminar_invite(actor=cast.agent, seminar=seminar, customers=customers, send=False)
    client.force_login(cast.supervisor)
    page = client.get(f"/care/seminars/{seminar.pk}/").content.decode()
    assert "data-hold-form" not in page and "data-hold-later" in page
    clock.move_to(STARTS + timedelta(hours=2), tick=False)
    page = client.get(f"/care/seminars/{seminar.pk}/").content.decode()
    assert "data-hold-form" in page
    walk_in = CustomerFactory(name="丙", phone="+8613900003333")
    first = seminar.guests.get(customer=customers[0])
    response = client.post(f"/care/seminars/{seminar.pk}/hold/", {
        "attended": [first.pk], "walk_ins": "13900003333", "summary": "建议增加滤芯提醒"})
    assert response.status_code == 302
    seminar.refresh_from_db()
    assert seminar.state == "held" and seminar.summary == "建议增加滤芯提醒"
    assert set(seminar.guests.filter(status="attended").values_list("customer", flat=True)) == {
        customers[0].pk, walk_in.pk}
    page = client.get(f"/care/seminars/{seminar.pk}/").content.decode()
    assert 'data-attended="2"' in page and "建议增加滤芯提醒" in page


def test_sign_in_sheet_and_excel_guest_list(client, clock, cast):
    seminar = _seminar(cast)
    guest = CustomerFactory(name="=HYPERLINK(\"x\")", phone="+8613900004444")
    services.seminar_invite(actor=cast.agent, seminar=seminar, customers=[guest], send=False)
    client.force_login(cast.agent)
    sheet = client.get(f"/care/seminars/{seminar.pk}/sign-in/").content.decode()
    assert "4444" in sheet and "13900004444" not in sheet  # last four digits only
    response = client.get(f"/care/seminars/{seminar.pk}/guests.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    name = sheet.cell(row=2, column=1)
    assert name.value == '=HYPERLINK("x")' and name.data_type == "s" and name.quotePrefix
    assert sheet.cell(row=2, column=2).value == "139 0000 4444"


def test_a_technician_sees_only_the_seminars_he_hosts(client, clock, cast):
    mine = _seminar(cast, host=cast.technician, title="安装讲座")
    other = _seminar(cast, title="年终答谢会")
    client.force_login(cast.technician)
    page = client.get("/care/seminars/").content.decode()
    assert "安装讲座" in page and "年终答谢会" not in page
    assert client.get(f"/care/seminars/{mine.pk}/").status_code == 200
    assert client.get(f"/care/seminars/{other.pk}/").status_code == 404


def test_influence_centre_pages_and_referrals_by_source(client, cast):
    client.force_login(cast.supervisor)
    response = client.post("/care/centres/", {
        "name": "好家装饰", "kind": "decoration", "contact_name": "周设计师",
        "phone": "13800001234", "keeper": cast.agent.pk, "active": "on"})
    centre = InfluenceCentre.objects.get()
    assert response.status_code == 302 and response.url == f"/care/centres/{centre.pk}/"
    response = client.post("/care/centres/", {"name": "好家装饰", "kind": "decoration",
                                              "keeper": cast.agent.pk})
    assert response.status_code == 400 and InfluenceCentre.objects.count() == 1
    client.force_login(cast.agent)
    assert client.post("/care/centres/", {"name": "x", "kind": "other",
                                          "keeper": cast.agent.pk}).status_code == 403
    response = client.post("/care/referrals/", {"centre": centre.pk, "prospect_name": "吴女士",
                                                "prospect_phone": "13700000000"})
    assert response.status_code == 302
    referrer = CustomerFactory(phone="+8613600000000")
    client.post("/care/referrals/", {"referrer": "13600000000", "prospect_name": "郑先生"})
    response = client.post("/care/referrals/", {"prospect_name": "无来源"})
    assert response.status_code == 200 and Referral.objects.count() == 2
    page = client.get("/care/referrals/?source=centre").content.decode()
    assert "吴女士" in page and "郑先生" not in page
    page = client.get("/care/referrals/?source=customer").content.decode()
    assert "郑先生" in page and "吴女士" not in page and referrer.name in page
    page = client.get("/care/centres/").content.decode()
    assert "好家装饰" in page
    page = client.get(f"/care/centres/{centre.pk}/").content.decode()
    assert "吴女士" in page and f"?centre={centre.pk}" in page
    assert client.get(f"/care/referrals/?centre={centre.pk}").status_code == 200


def test_a_contact_recorded_on_the_centres_page_leaves_the_due_list(client, cast, clock):
    centre = services.influence_centre_save(actor=cast.supervisor, name="好家装饰",
                                            kind="decoration", keeper=cast.agent)
    client.force_login(cast.agent)
    assert "好家装饰" in client.get("/care/centres/?due=1").content.decode()
    response = client.post(f"/care/centres/{centre.pk}/contacts/",
                           {"contacted_on": "2026-06-09", "kind": "visit", "note": "带去新品目录"})
    assert response.status_code == 302
    page = client.get(f"/care/centres/{centre.pk}/").content.decode()
    assert "带去新品目录" in page and "2026-06-09" in page
    assert "好家装饰" not in client.get("/care/centres/?due=1").content.decode()
    response = client.post(f"/care/centres/{centre.pk}/contacts/",
                           {"contacted_on": "2026-07-01", "kind": "visit"}, follow=True)
    assert centre.contacts.count() == 1


def test_a_technician_host_sees_only_the_care_pages_he_may_open(client, cast, clock):
    _seminar(cast, host=cast.technician, title="安装讲座")
    client.force_login(cast.technician)
    page = client.get("/care/seminars/").content.decode()
    for url in ("/care/seminars/", "/care/centres/", "/care/key-accounts/"):
        assert f'href="{url}"' in page
        assert client.get(url).status_code == 200, url
    for url in ("/care/", "/care/referrals/", "/care/value/", "/care/notices/"):
        assert f'href="{url}"' not in page
