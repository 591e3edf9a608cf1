"""After logging in, each role lands on a page it may open, and its navigation leads to its area."""

import pytest
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.dealers.tests.factories import dealer_login, dealer_make, region_make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.DEALER, Role.AGENT, Role.SUPERVISOR,
                                  Role.TECHNICIAN, Role.MANAGER])
def test_each_role_lands_on_a_page_it_may_open(client, role):
    if role == Role.DEALER:
        user = dealer_login(dealer_make("D1", "浦东经销商", region_make("PD", "浦东", "浦东")), "d1")
    else:
        user = UserFactory(role=role)
    client.force_login(user)
    landing = client.get(reverse("web:home"))
    assert landing.status_code == 302
    page = client.get(landing["Location"], follow=True)
    assert page.status_code == 200, (role, landing["Location"])
    # every link of its navigation opens too (no link to a page that answers 403)
    for item in page.context["nav_items"]:
        assert client.get(item["url"], follow=True).status_code == 200, (role, item["url"])
