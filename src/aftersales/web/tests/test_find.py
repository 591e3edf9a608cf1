"""Quick find (web:find, core.find): one box finds documents and people by what a caller gives;
a whole number opens its document; each section keeps its list's access rule."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.billing.models import ChargeSheet
from aftersales.core.find import FIND_LIMIT
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.invoicing.tests.factories import accountant, invoice_make, sheet_make
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db
FIND = reverse("web:find")


def _find(client, user, q, **extra):
    client.force_login(user)
    return client.get(FIND, {"q": q, **extra}, HTTP_ACCEPT_LANGUAGE="en")


def _sections(response) -> dict[str, str]:
    """Each section's title → its HTML, as the page shows them (in English)."""
    html = response.content.decode()
    found = {}
    for part in html.split("data-find-section>")[1:]:
        title = part.split("<h2>", 1)[1].split("</h2>", 1)[0]
        found[title] = part.split("</section>", 1)[0]
    return found


@pytest.fixture
def cast():
    return Cast()


def test_an_empty_box_explains_what_it_finds(client, cast):
    response = _find(client, cast.agent, "  ")
    assert response.status_code == 200
    assert _sections(response) == {}
    assert "A whole number opens its document at once" in response.content.decode()


def test_a_whole_request_number_opens_the_request(client, cast):
    sr = new_request(cast)
    for typed in (sr.number, sr.number.lower(), f" {sr.number[:6]} {sr.number[6:]} "):
        response = _find(client, cast.agent, typed)
        assert response.status_code == 302, typed
        assert response["Location"] == reverse("service:detail", args=[sr.pk])


def test_the_start_of_a_number_lists_the_matches_newest_first(client, cast):
    first, second = new_request(cast), new_request(cast)
    response = _find(client, cast.agent, first.number[:-1])
    assert response.status_code == 200
    requests = _sections(response)["Service requests"]
    assert requests.index(second.number) < requests.index(first.number)


def test_a_phone_typed_as_said_finds_the_customer_and_his_requests(client, cast):
    customer = CustomerFactory(service_centre=cast.centre, name="梁思远", phone="+8613912345678")
    sr = new_request(cast, customer=customer)
    response = _find(client, cast.agent, "139 1234 5678")
    sections = _sections(response)
    assert "梁思远" in sections["Customers"]
    assert reverse("customers:detail", args=[customer.pk]) in sections["Customers"]
    assert "139 1234 5678" in sections["Customers"]  # shown as people read it, not +86…
    assert sr.number in sections["Service requests"]


def test_a_name_is_found_from_its_start(client, cast):
    CustomerFactory(service_centre=cast.centre, name="欧阳明")
    CustomerFactory(service_centre=cast.centre, name="张欧阳")
    sections = _sections(_find(client, cast.agent, "欧阳"))
    assert "欧阳明" in sections["Customers"] and "张欧阳" not in sections["Customers"]


def test_a_serial_finds_the_product_on_its_owners_page_and_its_requests(client, cast):
    customer = CustomerFactory(service_centre=cast.centre)
    product = InstalledProductFactory(customer=customer, serial="JSQ25-8842")
    sr = new_request(cast, customer=customer, product=product)
    response = _find(client, cast.agent, "JSQ25-8842")
    assert response.status_code == 200  # a serial is no document number: nothing opens at once
    sections = _sections(response)
    assert reverse("customers:detail", args=[customer.pk]) in sections["Installed products"]
    assert sr.number in sections["Service requests"]


def test_more_than_a_section_shows_links_to_its_list(client, cast):
    customer = CustomerFactory(service_centre=cast.centre, name="多次报修")
    numbers = [new_request(cast, customer=customer).number for _ in range(FIND_LIMIT + 1)]
    requests = _sections(_find(client, cast.agent, "多次报修"))["Service requests"]
    assert sum(number in requests for number in numbers) == FIND_LIMIT
    assert f'{reverse("service:list")}?q=%E5%A4%9A%E6%AC%A1%E6%8A%A5%E4%BF%AE' in requests


def test_another_centres_request_is_neither_opened_nor_listed(client, cast):
    other = Cast(ServiceCentreFactory())
    theirs = new_request(other, customer=CustomerFactory(service_centre=other.centre,
                                                         name="外区客户"))
    response = _find(client, cast.agent, theirs.number)
    assert response.status_code == 200
    assert _sections(response) == {}
    assert "data-find-empty" in response.content.decode()
    # the customer himself is found (any caller may reach any hotline), his request is not
    assert set(_sections(_find(client, cast.agent, "外区客户"))) == {"Customers"}
    # the manager sees every centre
    assert _find(client, cast.manager, theirs.number).status_code == 302


def test_roles_without_the_box_are_refused(client, cast):
    assert _find(client, cast.technician, "SR").status_code == 403
    customer_user = UserFactory(role=Role.CUSTOMER)
    assert _find(client, customer_user, "SR").status_code == 403
    client.logout()
    assert client.get(FIND, {"q": "SR"}).status_code == 302  # to the log-in


def test_the_top_bar_has_the_box_for_the_desk_not_for_technicians(client, cast):
    client.force_login(cast.agent)
    assert b"data-quickfind" in client.get(reverse("service:list")).content
    client.force_login(cast.technician)
    assert b"data-quickfind" not in client.get(reverse("field:jobs")).content


def test_the_accountant_finds_his_documents_not_the_desks(client, cast):
    customer = CustomerFactory(service_centre=cast.centre, name="黄会计客户")
    sheet = sheet_make(customer, "180.00", cast=cast)
    invoice = invoice_make(customer, Decimal("180.00"))
    books = accountant()
    response = _find(client, books, invoice.number)
    assert response["Location"] == reverse("invoicing:invoice", args=[invoice.pk])
    response = _find(client, books, sheet.number)
    assert response["Location"] == reverse("billing:sheet", args=[sheet.pk])
    sections = _sections(_find(client, books, "黄会计客户"))
    assert set(sections) == {"Invoices"}  # no customers' or requests' section: not his lists


def test_a_credit_note_opens_its_invoice(client, cast):
    from aftersales.invoicing.services import credit_note_issue

    customer = CustomerFactory(service_centre=cast.centre)
    invoice = invoice_make(customer, Decimal("300.00"))
    books = accountant()
    note = credit_note_issue(actor=books, customer=customer, amount="50.00", invoice=invoice,
                             reason="开票金额有误")
    response = _find(client, books, note.number.lower())
    assert response["Location"] == reverse("invoicing:invoice", args=[invoice.pk])


def test_a_complaint_by_number_and_by_its_customers_phone(client):
    from aftersales.complaints.tests.factories import Team, new_complaint

    team = Team()
    customer = CustomerFactory(service_centre=team.centre, phone="+8613700001111")
    complaint = new_complaint(team, customer=customer)
    response = _find(client, team.agent, complaint.number)
    assert response["Location"] == reverse("complaints:detail", args=[complaint.pk])
    sections = _sections(_find(client, team.agent, "13700001111"))
    assert complaint.number in sections["Complaints"]
    # the complaints list's own box finds it by the phone as typed, too
    listed = client.get(reverse("complaints:list"), {"q": "137 0000 1111"}).content.decode()
    assert complaint.number in listed


def test_the_invoice_list_finds_a_customer_by_his_phone_as_typed(client, cast):
    customer = CustomerFactory(service_centre=cast.centre, phone="+8613655556666")
    invoice = invoice_make(customer, Decimal("99.00"))
    client.force_login(accountant())
    listed = client.get(reverse("invoicing:home"), {"q": "13655556666"}).content.decode()
    assert invoice.number in listed


def test_a_number_section_reads_nothing_for_a_name(client, cast):
    """A name or a phone costs the number-only sections (contracts, charge sheets, credit
    notes, material requests, follow-up cases) no query: what the page reads for a name is
    the sections that search names, however many documents exist."""
    CustomerFactory(service_centre=cast.centre, name="查询数")
    client.force_login(cast.manager)
    with CaptureQueriesContext(connection) as few:
        client.get(FIND, {"q": "查询数"})
    for _ in range(3):
        sheet_make(CustomerFactory(service_centre=cast.centre), "50.00", cast=cast)
    assert ChargeSheet.objects.count() == 3
    with CaptureQueriesContext(connection) as more:
        client.get(FIND, {"q": "查询数"})
    assert len(more) == len(few)
    assert not any("billing_chargesheet" in q["sql"] for q in more.captured_queries)


def test_every_areas_whole_number_opens_its_document(client, cast):
    """Contracts, quotes, follow-up cases, online-shop orders and dealers: each area's section
    finds its document by its whole number (or code), typed in lower case."""
    from datetime import date

    from aftersales.billing.services import quote_make
    from aftersales.billing.tests.factories import job_a
    from aftersales.customers.services import contract_create
    from aftersales.dealers.tests.factories import dealer_make, region_make
    from aftersales.feedback.models import FollowUpCase
    from aftersales.feedback.tests.helpers import answer, completed_job, fresh_token, survey_of
    from aftersales.shop.services import order_create
    from aftersales.shop.tests.factories import ShopFactory, order_values

    customer = CustomerFactory(service_centre=cast.centre)
    product = InstalledProductFactory(customer=customer)
    today = date.today()
    contract = contract_create(actor=cast.manager, customer=customer, products=[product],
                               starts_on=today, ends_on=today.replace(year=today.year + 1),
                               fee="600.00")
    quote = quote_make(actor=cast.agent, request=job_a(cast))
    done = completed_job(cast)
    answer(fresh_token(survey_of(done)), attitude=1, skill=1, punctuality=2, promise=2)
    case = FollowUpCase.objects.get(request=done)
    order = order_create(actor=cast.agent, shop=ShopFactory(), **order_values(number="TB7781"))
    dealer = dealer_make("DL-SH-07", "闵行特约服务商", region_make("MH", "闵行", "闵行区"))
    expected = {
        contract.number: reverse("customers:contract", args=[contract.pk]),
        quote.number: reverse("billing:quote", args=[quote.pk]),
        case.number: reverse("feedback:case", args=[case.pk]),
        order.number: reverse("shop:order", args=[order.pk]),
        dealer.code: reverse("dealers:detail", args=[dealer.pk]),
    }
    for number, url in expected.items():
        response = _find(client, cast.manager, number.lower())
        assert response.status_code == 302, number
        assert response["Location"] == url, number
    # the start of a number lists, not opens (one contract: still a list, as typed)
    sections = _sections(_find(client, cast.manager, contract.number[:-1]))
    assert contract.number in sections["Maintenance contracts"]
