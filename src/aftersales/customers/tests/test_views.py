"""The customer pages: search, a customer's page, create and edit (with the version check)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.models import Customer
from aftersales.customers.services import contract_create, customer_update
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return Cast()


def edit_data(customer, **overrides):
    data = {"name": customer.name, "phone": customer.phone, "phone_alt": "", "email": "",
            "address": customer.address, "region_kind": customer.region_kind,
            "kind": customer.kind, "birthday": "", "version": customer.version}
    data.update(overrides)
    return data


@pytest.mark.parametrize("name,args", [("customers:list", []), ("customers:create", []),
                                       ("customers:detail", [1]), ("customers:edit", [1])])
def test_technicians_and_customers_are_refused(client, cast, name, args):
    CustomerFactory(pk=1)
    for user in (cast.technician, UserFactory(role=Role.CUSTOMER, service_centre=None)):
        client.force_login(user)
        assert client.get(reverse(name, args=args)).status_code == 403


def test_search_by_name_phone_and_address(client, cast):
    wang = CustomerFactory(name="王建国", phone="+8613912345678", address="上海市徐汇区漕溪北路88号")
    li = CustomerFactory(name="李秀英", phone="+8613700001111", address="苏州市工业园区星湖街1号")
    client.force_login(cast.agent)
    for q in ("王建", "1391234", "漕溪北路"):
        page = client.get(reverse("customers:list"), {"q": q}).context["page"]
        assert list(page.object_list) == [wang], q
    page = client.get(reverse("customers:list"), {"q": "星湖街"}).context["page"]
    assert list(page.object_list) == [li]
    html = client.get(reverse("customers:list"), {"q": "没有这个人"}).content.decode()
    assert "没有符合条件的客户" in html


def test_list_is_paginated(client, cast):
    for i in range(30):
        CustomerFactory(name=f"客户{i:02d}")
    client.force_login(cast.agent)
    assert len(client.get(reverse("customers:list")).context["page"].object_list) == 25
    assert len(client.get(reverse("customers:list"), {"page": 2}).context["page"].object_list) == 5


def test_detail_shows_products_contracts_and_only_visible_requests(client, cast):
    other = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    bought = date.today() - timedelta(days=800)
    old = InstalledProductFactory(customer=customer, purchased_on=bought,
                                  installed_on=bought + timedelta(days=1), serial="OLD-1")
    new = InstalledProductFactory(customer=customer, serial="NEW-1", installed_on=None)
    contract = contract_create(actor=cast.agent, customer=customer, products=[old],
                               starts_on=date.today(), ends_on=date.today() + timedelta(days=365),
                               fee=300)
    mine = new_request(cast, customer=customer, product=new)
    theirs = new_request(other, customer=CustomerFactory(service_centre=other.centre))
    client.force_login(cast.agent)
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "OLD-1" in html and "已过保修期" in html  # phase of the old product
    assert "NEW-1" in html and "开箱期" in html  # not installed yet: unboxing (AR-3)
    assert old.warranty_ends_on.strftime("%Y-%m-%d") in html
    assert contract.number in html
    assert mine.number in html and theirs.number not in html
    assert f"{reverse('service:intake')}?customer={customer.pk}" in html


def test_edit_saves_through_the_service(client, cast):
    customer = CustomerFactory()
    client.force_login(cast.agent)
    page = client.get(reverse("customers:edit", args=[customer.pk]))
    assert page.status_code == 200 and 'name="version"' in page.content.decode()
    response = client.post(reverse("customers:edit", args=[customer.pk]),
                           edit_data(customer, name="王大伟", phone="139 1111 2222"))
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "王大伟" and customer.phone == "+8613911112222"
    assert customer.version == 2


def test_edit_shows_a_bad_phone_next_to_the_field(client, cast):
    customer = CustomerFactory()
    client.force_login(cast.agent)
    response = client.post(reverse("customers:edit", args=[customer.pk]),
                           edit_data(customer, phone="12"))
    assert response.status_code == 400
    html = response.content.decode()
    field = html[html.index('for="id_phone"'):html.index('for="id_phone_alt"')]
    assert "field-error" in field and "不是" in field
    customer.refresh_from_db()
    assert customer.version == 1


def test_edit_of_a_stale_form_is_refused(client, cast):
    customer = CustomerFactory(name="原名")
    old_version = customer.version
    customer_update(actor=cast.supervisor, customer=customer, name="别人改的")
    client.force_login(cast.agent)
    response = client.post(reverse("customers:edit", args=[customer.pk]),
                           edit_data(customer, name="我改的", version=old_version))
    assert response.status_code == 409
    assert "已有其他人修改了它" in response.content.decode()
    customer.refresh_from_db()
    assert customer.name == "别人改的"


def test_create_a_customer(client, cast):
    client.force_login(cast.agent)
    response = client.post(reverse("customers:create"), {
        "name": "周敏", "phone": "13566667777", "address": "杭州市西湖区文三路5号",
        "region_kind": "urban", "kind": "individual"})
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert customer.service_centre == cast.centre and customer.phone == "+8613566667777"


def test_create_refuses_bad_input_and_saves_nothing(client, cast):
    client.force_login(cast.agent)
    response = client.post(reverse("customers:create"), {
        "name": "", "phone": "abc", "address": "某地", "region_kind": "urban",
        "kind": "individual"})
    assert response.status_code == 400
    assert "必填" in response.content.decode()
    assert not Customer.objects.exists()
