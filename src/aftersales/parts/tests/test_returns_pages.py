"""Pages of return obligations and loans (PT-3): lists, send / receive, lend / return."""

from datetime import date, datetime

import pytest
from django.utils import translation

from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.parts.choices import MoveKind
from aftersales.parts.models import Loan, LoanStatus, ReturnObligation, ReturnStatus
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.services import stock_move
from aftersales.parts.tests.test_returns import TODAY, _job
from aftersales.service import services as service

pytestmark = pytest.mark.django_db


@pytest.fixture
def fitted(clock_at):
    clock_at(10, 0, day=TODAY, tick=False)
    cast, van, central, part, request = _job(chargeable=False)
    service.part_add(actor=cast.technician, request=request, part=part)
    return cast, van, central, part, request


def test_the_technician_sees_his_own_sends_it_and_the_central_warehouse_receives_it(
        client, fitted):
    cast, van, central, part, request = fitted
    other = UserFactory(username="tech-else", role="technician", service_centre=cast.centre)
    client.force_login(other)
    assert "data-obligation" not in client.get("/parts/returns/").content.decode()
    obligation = ReturnObligation.objects.get()
    assert client.post(f"/parts/returns/{obligation.pk}/send/",
                       {"faulty_serial": "X"}).status_code == 404

    client.force_login(cast.technician)
    page = client.get("/parts/returns/").content.decode()
    assert f'data-obligation="{obligation.pk}"' in page and "data-send" in page
    assert "data-receive" not in page
    with translation.override("en"):
        response = client.post(f"/parts/returns/{obligation.pk}/send/", {}, follow=True,
                               HTTP_ACCEPT_LANGUAGE="en")
    assert "serial number" in response.content.decode()
    client.post(f"/parts/returns/{obligation.pk}/serials/",
                {"new_serial": "N-1", "faulty_serial": "F-1"})
    client.post(f"/parts/returns/{obligation.pk}/send/", {"tracking": "SF1"})
    obligation.refresh_from_db()
    assert (obligation.status, obligation.faulty_serial, obligation.tracking) == (
        ReturnStatus.SENT, "F-1", "SF1")

    client.force_login(cast.manager)
    page = client.get("/parts/returns/?status=open").content.decode()
    assert "data-receive" in page
    client.post(f"/parts/returns/{obligation.pk}/receive/")
    obligation.refresh_from_db()
    assert obligation.status == ReturnStatus.RECEIVED
    assert f'data-obligation="{obligation.pk}"' in client.get(
        "/parts/returns/?status=received").content.decode()


def test_the_overdue_filter_lists_open_obligations_past_their_day(client, fitted, clock_at):
    cast, *_ = fitted
    client.force_login(cast.supervisor)
    assert "data-obligation" not in client.get("/parts/returns/?status=overdue").content.decode()
    clock_at(10, 0, day=date(2026, 12, 19), tick=False)
    client.force_login(cast.supervisor)  # the session of 16 days ago has expired
    assert "data-obligation" in client.get("/parts/returns/?status=overdue").content.decode()


def _sheet(response) -> list[tuple]:
    from io import BytesIO

    from openpyxl import load_workbook

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(response.content)).active.values)


def test_the_kept_parts_go_to_excel_with_what_each_was_charged(client, fitted, clock_at):
    """The list's filters give the workbook its rows: the kept faulty parts of each technician
    with their charge (payroll's list), a technician only his own; a serial typed as a formula
    stays text."""
    from aftersales.parts.services import obligation_serials_record, obligations_sweep

    cast, van, central, part, request = fitted
    obligation = ReturnObligation.objects.get()
    obligation_serials_record(actor=cast.technician, obligation=obligation,
                              new_serial="=1+1", faulty_serial="F-77")
    clock_at(10, 0, day=date(2026, 12, 19), tick=False)
    assert obligations_sweep() == 1
    client.force_login(cast.supervisor)
    with translation.override("zh-hans"):
        page = client.get("/parts/returns/?status=kept").content.decode()
        assert 'href="/parts/returns/export.xlsx?status=kept"' in page
        rows = _sheet(client.get("/parts/returns/export.xlsx?status=kept",
                                 HTTP_ACCEPT_LANGUAGE="zh-hans"))
    head, *lines = rows
    assert head[:5] == ("配件", "名称", "数量", "工单", "返还责任人") and head[-1] == "收费"
    [line] = lines
    assert line[0] == part.code and line[3] == request.number
    assert line[4] == str(cast.technician) and line[5] == "=1+1"  # text, not a formula
    obligation.refresh_from_db()
    assert line[8] == "未返还（已扣款）" and line[12] == datetime(2026, 12, 19, 10, 0)
    assert line[13] == float(obligation.charge_amount) == 35.5
    # the open list has nothing left; another technician's export is empty
    assert len(_sheet(client.get("/parts/returns/export.xlsx"))) == 1
    client.force_login(UserFactory(username="tech-x", role="technician",
                                   service_centre=cast.centre))
    assert len(_sheet(client.get("/parts/returns/export.xlsx?status=all"))) == 1


def test_the_loans_go_to_excel(client, fitted):
    cast, van, central, part, request = fitted
    customer = CustomerFactory(service_centre=cast.centre, name="借用客户")
    stock_move(actor=cast.manager, warehouse=central, part=part, kind=MoveKind.RECEIPT,
               quantity=1)
    from aftersales.parts.services import loan_create

    loan = loan_create(actor=cast.manager, warehouse=central, part=part, quantity=1,
                       customer=customer, due_on=date(2026, 12, 10))
    client.force_login(cast.manager)
    assert 'href="/parts/loans/export.xlsx?status=out"' in client.get(
        "/parts/loans/?status=out").content.decode()
    head, *lines = _sheet(client.get("/parts/loans/export.xlsx?status=out&q=借用"))
    assert [(line[0], line[1], line[4], line[7]) for line in lines] == [
        (loan.number, part.code, "借用客户", datetime(2026, 12, 10))]
    assert len(_sheet(client.get("/parts/loans/export.xlsx?status=returned"))) == 1


def test_lend_and_bring_back_from_the_page(client, fitted):
    cast, van, central, part, request = fitted
    customer = CustomerFactory(service_centre=cast.centre, phone="13800000077")
    stock_move(actor=cast.manager, warehouse=central, part=part, kind=MoveKind.RECEIPT,
               quantity=1)
    client.force_login(cast.manager)
    page = client.get("/parts/loans/new/").content.decode()
    assert "data-not-loans" in page
    form = {"warehouse": central.pk, "part": part.code, "quantity": "1", "borrower": "customer",
            "phone": customer.phone, "due_on": "2026-12-10"}
    response = client.post("/parts/loans/new/", form)
    assert response.status_code == 400 and 'data-error="confirm"' in response.content.decode()
    assert not Loan.objects.exists()
    response = client.post("/parts/loans/new/", {**form, "confirm": "on"})
    assert response.status_code == 302
    loan = Loan.objects.get()
    assert loan.customer == customer and stock_on_hand(warehouse=central, part=part) == 0
    page = client.get("/parts/loans/").content.decode()
    assert loan.number in page and "data-by-borrower" in page and customer.name in page
    client.post(f"/parts/loans/{loan.pk}/return/")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.RETURNED and stock_on_hand(warehouse=central, part=part) == 1


def test_a_technician_cannot_lend_from_a_place_he_may_not_touch(client, fitted):
    cast, van, central, part, request = fitted
    client.force_login(cast.technician)
    response = client.post("/parts/loans/new/", {
        "warehouse": central.pk, "part": part.code, "quantity": "1", "borrower": "customer",
        "phone": "1", "due_on": "2026-12-10", "confirm": "on"})
    assert response.status_code == 400 and 'data-error="warehouse"' in response.content.decode()


def test_the_request_page_shows_the_faulty_parts_it_owes_back(client, fitted):
    cast, van, central, part, request = fitted
    client.force_login(cast.supervisor)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert 'id="faulty-parts"' in page and part.code in page


def test_the_admin_lists_obligations_and_loans_read_only(admin_client, fitted):
    for path in ("/admin/parts/returnobligation/", "/admin/parts/loan/"):
        assert admin_client.get(path).status_code == 200
    obligation = ReturnObligation.objects.get()
    page = admin_client.get(f"/admin/parts/returnobligation/{obligation.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content


def test_the_technician_sends_the_faulty_part_back_from_his_job_page(client, fitted):
    """PT-1/PT-3 on the phone: the job page lists what its free parts owe back; one form takes
    both serials and the waybill and sends, and leads back to the job."""
    cast, van, central, part, request = fitted
    obligation = ReturnObligation.objects.get()
    client.force_login(cast.technician)
    job_page = f"/field/jobs/{request.pk}/"
    page = client.get(job_page).content.decode()
    assert 'data-panel="faulty-parts"' in page and f'data-obligation="{obligation.pk}"' in page
    assert f'value="{job_page}#faulty-parts"' in page and "data-send" in page
    response = client.post(f"/parts/returns/{obligation.pk}/send/", {
        "new_serial": "N-9", "faulty_serial": "F-9", "tracking": "SF9",
        "next": f"{job_page}#faulty-parts"})
    assert response.status_code == 302 and response["Location"] == f"{job_page}#faulty-parts"
    obligation.refresh_from_db()
    assert (obligation.status, obligation.new_serial, obligation.faulty_serial,
            obligation.tracking) == (ReturnStatus.SENT, "N-9", "F-9", "SF9")
    page = client.get(job_page).content.decode()
    assert "F-9" in page and "data-send" not in page  # sent: shown, no longer editable
    # a "next" that leaves the site is not followed
    response = client.post(f"/parts/returns/{obligation.pk}/serials/",
                           {"next": "https://evil.example/"})
    assert response["Location"] == "/parts/returns/"


def test_the_months_kept_parts_per_technician_for_payroll(client, fitted, clock_at):
    """Payroll's month: each technician's faulty parts counted as kept in the month with his
    total — head office all, a centre its own, a technician his own — on the page and in
    Excel; another month has nothing."""
    from aftersales.parts.services import obligations_sweep

    cast, van, central, part, request = fitted
    other_cast, _van, _central, other_part, other_request = _job(chargeable=False)
    service.part_add(actor=other_cast.technician, request=other_request, part=other_part,
                     quantity=2)
    clock_at(10, 0, day=date(2026, 12, 19), tick=False)
    assert obligations_sweep() == 2
    client.force_login(cast.manager)
    assert 'href="/parts/returns/deductions/"' in client.get("/parts/returns/").content.decode()
    with translation.override("zh-hans"):
        page = client.get("/parts/returns/deductions/").content.decode()
    assert 'value="2026-12"' in page and page.count("data-kept=") == 2
    assert f'data-technician-total="{cast.technician.username}"' in page
    assert "¥35.50" in page and "¥71.00" in page and "data-deductions-total>¥106.50<" in page
    assert request.number in page and other_request.number in page
    book = client.get("/parts/returns/deductions.xlsx?month=2026-12")
    from io import BytesIO

    from openpyxl import load_workbook
    sheets = load_workbook(BytesIO(book.content))
    by_person, each = (list(ws.values) for ws in sheets.worksheets)
    assert sorted((row[1], row[2], row[3]) for row in by_person[1:]) == sorted([
        (cast.technician.username, 1, 35.5), (other_cast.technician.username, 1, 71.0)])
    assert len(each) == 3 and 'filename="kept-parts-deductions-2026-12.xlsx"' in book[
        "Content-Disposition"]
    november = client.get("/parts/returns/deductions/?month=2026-11").content.decode()
    assert "data-deductions-empty" in november
    # head office's accountant (payroll): all; a centre's supervisor: his centre's; the
    # technician: his own
    client.force_login(UserFactory(username="payroll", role="accountant", service_centre=None))
    assert client.get("/parts/returns/deductions/").content.decode().count("data-kept=") == 2
    client.force_login(cast.supervisor)
    assert client.get("/parts/returns/deductions/").content.decode().count("data-kept=") == 1
    client.force_login(other_cast.technician)
    mine = client.get("/parts/returns/deductions/").content.decode()
    assert mine.count("data-kept=") == 1 and other_request.number in mine
    assert request.number not in mine
