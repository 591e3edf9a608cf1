"""The customer's own statement of account in the portal (对账单, phone first): what we say he
owes, movement by movement, with the jobs not invoiced yet; the Excel; a wrong period refused
by name; linked from his start page once he has an invoice; nobody else's, and no staff links."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.invoicing.tests.factories import accountant, autumn_of

from .helpers import portal_user_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def autumn(clock_at):
    customer = CustomerFactory(name="海燕物业")
    history = autumn_of(customer, books=accountant(), clock_at=clock_at)
    return customer, history


def test_he_reads_what_we_say_he_owes(client, autumn):
    customer, history = autumn
    client.force_login(portal_user_for(customer))
    home = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:statement")}" data-statement-link' in home
    page = client.get(reverse("portal:statement"), {"since": "2026-11-01",
                                                     "until": "2026-11-30"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "截至 2026-11-30，贵方在我方尚有余款 ¥200.00。" in html
    assert "data-opening>¥80.00<" in html and "data-closing>¥-200.00<" in html
    assert html.count('data-row="') == 7 and "−500.00" in html and "+300.00" in html
    assert history["unbilled"].request.number in html.split("data-statement-pending")[1]
    assert "/invoicing/" not in html and "/billing/" not in html  # no staff page linked

    excel = client.get(reverse("portal:statement_excel"), {"since": "2026-11-01",
                                                           "until": "2026-11-30"})
    rows = [[c.value for c in row] for row in load_workbook(BytesIO(excel.content)).active
            .iter_rows()]
    assert rows[0][1] == "海燕物业" and rows[12][2:] == ["期末余额", 500, 780, -200]

    wrong = client.get(reverse("portal:statement"), {"since": "2026-11-30",
                                                      "until": "2026-11-01"})
    assert wrong.status_code == 400 and "对账期间的开始晚于结束。" in wrong.content.decode()


def test_only_his_own_and_no_link_without_an_invoice(client, autumn):
    customer, _history = autumn
    other = CustomerFactory(name="别人")
    client.force_login(portal_user_for(other))
    assert "data-statement-link" not in client.get(reverse("portal:home")).content.decode()
    page = client.get(reverse("portal:statement"))
    assert page.status_code == 200  # his own: empty
    assert "data-statement-empty" in page.content.decode() and "海燕物业" not in page.content.decode()
    assert page.context["statement"].since == date(2026, 11, 1)
    client.logout()
    assert client.get(reverse("portal:statement")).status_code == 302  # to the sign-in
