"""The parts area's start page: one navigation entry leads to every part of the area, each with
what waits there for this user."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.parts.models import ReturnObligation
from aftersales.parts.tests.test_returns import _job
from aftersales.service import services as service

pytestmark = pytest.mark.django_db


def test_one_navigation_entry_leads_to_every_area_with_its_counts(client):
    cast, _van, _central, part, request = _job(chargeable=False)
    service.part_add(actor=cast.technician, request=request, part=part)
    ReturnObligation.objects.update(due_on=timezone.localdate() - timedelta(days=1))
    client.force_login(cast.technician)
    page = client.get(reverse("parts:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count(f'href="{reverse("parts:home")}"') == 1  # the one navigation entry
    for name in ("parts:material_requests", "parts:stock_places", "parts:returns", "parts:loans"):
        assert f'href="{reverse(name)}"' in page
    assert reverse("parts:counts") not in page  # technicians do not count stores
    assert 'data-area="returns"' in page and "<b>1</b> overdue" in page

    client.force_login(cast.supervisor)
    page = client.get(reverse("parts:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{reverse("parts:counts")}"' in page


def test_customers_do_not_reach_it(client):
    from aftersales.accounts.choices import Role
    from aftersales.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(username="cust-parts", role=Role.CUSTOMER))
    assert client.get(reverse("parts:home")).status_code == 403
