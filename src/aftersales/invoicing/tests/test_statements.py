"""A customer's statement of account (对账单): the opening balance, every invoice, credit, payment
and refund of the period by date with the balance after it, and the closing balance — which is
always what the receivables say he owes less his money on account; a job paid on the spot and
never invoiced is not on it, one not invoiced yet is listed apart. The page (and its print),
the Excel, the API; a wrong period refused by name; who may read it."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook
from rest_framework.test import APIClient
from tests.test_api_schema import (  # noqa: F401
    demo,
    disagreements_text,
    in_process,
    schema_disagreements,
)

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.exceptions import PermissionDenied
from aftersales.customers.tests.factories import CustomerFactory

from ..models import Invoice
from ..selectors import customer_credit, customer_on_account, invoice_balances
from ..services import (
    credit_note_issue,
    statement_send,
    statements_month,
    statements_send_for_month,
    statements_sent_for_month,
)
from ..statements import customer_statement, statements_sent
from ..tasks import send_monthly_statements
from .factories import autumn_of, invoice_make

pytestmark = [pytest.mark.django_db]
D = Decimal
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def history(books, customer, clock_at):
    return autumn_of(customer, books=books, clock_at=clock_at)


def _refused(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def _owed_now(customer) -> Decimal:
    """What the receivables and money on account say he owes (negative: in credit)."""
    open_ = sum((b.outstanding for b in invoice_balances(Invoice.objects.filter(
        customer=customer))), D("0"))
    return open_ - customer_on_account(customer)


@pytest.mark.usefixtures("english")
def test_every_movement_by_date_with_the_balance_after_it(history, customer):
    statement = customer_statement(customer, since=NOVEMBER[0], until=NOVEMBER[1])
    assert statement.opening == D("80.00")  # October's invoice, not paid by then
    rows = [(r.at.date().day, r.kind, r.number, r.debit, r.credit, r.balance)
            for r in statement.rows]
    h = history
    assert rows == [
        (2, "received", h["on_site"].number, 0, D("100.00"), D("-20.00")),  # before its invoice
        (3, "invoice", h["november"].number, D("300.00"), 0, D("280.00")),
        (5, "received", h["deposit"].number, 0, D("500.00"), D("-220.00")),  # applied: no row
        (10, "credit", h["credit"].number, 0, D("30.00"), D("-250.00")),
        (12, "drawn", h["drawn"].number, D("150.00"), 0, D("-100.00")),  # a job on no invoice
        (13, "drawn", h["taken_back"].number, 0, D("150.00"), D("-250.00")),  # its reversal
        (16, "refund", h["refund"].number, D("50.00"), 0, D("-200.00")),
    ]
    assert (statement.debits, statement.credits) == (D("500.00"), D("780.00"))
    assert statement.closing == D("-200.00") == _owed_now(customer)
    assert statement.in_credit == D("200.00")
    # what he has with us: ¥170 on account and ¥30 his November invoice owes him back
    assert customer_credit(customer) == D("200.00")
    # the cash job never invoiced is not on it; the job taken back is owed, listed apart
    assert h["cash_job"].payments.get().number not in {r.number for r in statement.rows}
    assert [(s.number, s.due) for s in statement.pending] == [(h["unbilled"].number,
                                                               D("150.00"))]
    assert rows[3][2].startswith("CN") and "上门迟到" in statement.rows[3].description
    assert "付错了工单" in statement.rows[5].description


def test_any_period_closes_where_the_next_opens_and_at_what_is_owed(history, customer):
    whole = customer_statement(customer, since=date(2026, 10, 1), until=date(2026, 12, 1))
    assert whole.opening == 0 and whole.closing == _owed_now(customer)
    for cut in (date(2026, 11, 3), date(2026, 11, 11), date(2026, 11, 16)):
        first = customer_statement(customer, since=date(2026, 10, 1), until=cut)
        second = customer_statement(customer, since=cut + timedelta(days=1),
                                    until=date(2026, 12, 1))
        assert first.closing == second.opening
        assert len(first.rows) + len(second.rows) == len(whole.rows) == 8
        assert second.closing == whole.closing


def test_reads_do_not_grow_with_the_rows(history, customer):
    with CaptureQueriesContext(connection) as few:
        customer_statement(customer, since=date(2026, 11, 14), until=date(2026, 11, 30))
    with CaptureQueriesContext(connection) as many:
        customer_statement(customer, since=date(2026, 10, 1), until=date(2026, 12, 1))
    assert len(few) == len(many) <= 11


def test_the_page_prints_it_and_the_excel_holds_it(history, customer, client, books):
    client.force_login(books)
    url = reverse("invoicing:statement", args=[customer.pk])
    page = client.get(url, {"since": "2026-11-01", "until": "2026-11-30"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "对账单" in html and customer.name in html
    assert 'data-opening>80.00<' in html and 'data-closing>-200.00<' in html
    assert html.count('data-row="') == 7 and "¥200.00" in html  # "… in credit with us"
    assert history["unbilled"].number in html.split("data-statement-pending")[1]
    # by default: from the first of last month to today
    default = client.get(url)
    assert default.context["statement"].since == date(2026, 11, 1)
    assert default.context["statement"].until == date(2026, 12, 1)
    # the customer's balance panel, the receivables and the payment page lead to it
    for page_url in (reverse("invoicing:receivables") + "?open=0",
                     reverse("invoicing:customer_pay", args=[customer.pk])):
        assert f'href="{url}" data-statement-link' in client.get(page_url).content.decode()

    response = client.get(reverse("invoicing:statement_excel", args=[customer.pk]),
                          {"since": "2026-11-01", "until": "2026-11-30"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["客户", customer.name]
    assert values[4][2:] == ["期初余额", None, None, 80]
    assert [row[1] for row in values[5:12]] == [
        history[k].number for k in ("on_site", "november", "deposit", "credit", "drawn",
                                    "taken_back", "refund")]
    assert values[12][2:] == ["期末余额", 500, 780, -200]


def test_the_desk_reads_money_received_unlinked_the_payment_page_being_the_back_offices(
        history, customer, client, books):
    url = reverse("invoicing:statement", args=[customer.pk])
    period = {"since": "2026-11-01", "until": "2026-11-30"}
    pay = reverse("invoicing:customer_pay", args=[customer.pk]) + f"?payment={history['deposit'].pk}"
    agent = UserFactory(username="desk-statement", role=Role.AGENT,
                        service_centre=customer.service_centre)
    for user, opens in ((books, True), (agent, False)):
        client.force_login(user)
        assert client.get(pay).status_code == (200 if opens else 403)
        page = client.get(url, period).content.decode()
        assert history["deposit"].number in page, user.role
        assert (f'href="{pay}"' in page) == opens, user.role
        # the invoices still open for both
        assert f'href="{reverse("invoicing:invoice", args=[history["november"].pk])}"' in page
    # a desk login of no centre (a complaints department's) opens no charge sheet: the row of
    # the job paid on the spot stays, unlinked
    sheet = reverse("billing:sheet", args=[history["on_site"].sheet_id])
    client.force_login(books)
    assert f'href="{sheet}"' in client.get(url, period).content.decode()
    nowhere = UserFactory(username="desk-no-centre", role=Role.AGENT, service_centre=None)
    client.force_login(nowhere)
    assert client.get(sheet).status_code == 404
    page = client.get(url, period).content.decode()
    assert history["on_site"].number in page and f'href="{sheet}"' not in page


def test_a_wrong_period_is_refused_by_name(history, customer, client, books):
    client.force_login(books)
    url = reverse("invoicing:statement", args=[customer.pk])
    cases = [({"since": "2026-11-30", "until": "2026-11-01"}, "对账期间的开始晚于结束。"),
             ({"since": "2026-11-01", "until": "2026-12-02"}, "对账单的截止日不能晚于今天。"),
             ({"since": "2022-01-01", "until": "2026-11-30"}, "一份对账单最长三年。"),
             ({"since": "十一月"}, "输入一个有效的日期。")]
    for query, message in cases:
        response = client.get(url, query)
        assert response.status_code == 400 and message in response.content.decode(), query
        excel = client.get(reverse("invoicing:statement_excel", args=[customer.pk]), query)
        assert excel.status_code == 400 and message in excel.content.decode()


def test_the_api_gives_the_same_statement(history, customer, books):
    api = APIClient()
    api.force_authenticate(books)
    url = f"/api/v1/customer-statements/{customer.pk}/"
    body = api.get(url, {"since": "2026-11-01", "until": "2026-11-30"},
                   HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["opening"], body["closing"], body["debits"], body["credits"]) == (
        "80.00", "-200.00", "500.00", "780.00")
    assert [(r["kind"], r["number"], r["balance"]) for r in body["rows"]][-1] == (
        "refund", history["refund"].number, "-200.00")
    assert body["not_invoiced"] == [{
        "sheet": history["unbilled"].number, "request": history["unbilled"].request.number,
        "issued_at": body["not_invoiced"][0]["issued_at"], "total": "150.00", "due": "150.00"}]
    wrong = api.get(url, {"since": "2026-11-30", "until": "2026-11-01"},
                    HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 400
    assert "The statement starts after it ends." in str(wrong.json())
    assert api.get("/api/v1/customer-statements/999999/").status_code == 404


def test_only_the_desk_and_the_back_office_read_it(history, customer, client):
    technician = UserFactory(role=Role.TECHNICIAN, service_centre=customer.service_centre)
    client.force_login(technician)
    assert client.get(reverse("invoicing:statement", args=[customer.pk])).status_code == 403
    api = APIClient()
    api.force_authenticate(technician)
    assert api.get(f"/api/v1/customer-statements/{customer.pk}/").status_code == 403
    agent = UserFactory(role=Role.AGENT, service_centre=customer.service_centre)
    client.force_login(agent)
    assert client.get(reverse("invoicing:statement", args=[customer.pk])).status_code == 200


def _attachment(message) -> list:
    """The rows of the Excel a mail carries."""
    [part] = list(message.iter_attachments())
    assert part.get_content_type() == ("application/vnd.openxmlformats-officedocument."
                                       "spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(part.get_content())).active
    return part.get_filename(), [[c.value for c in row] for row in sheet.iter_rows()]


def test_it_is_mailed_to_the_customer_in_his_language_once_per_key(
        history, customer, books, smtp_server, django_capture_on_commit_callbacks):
    customer.email, customer.language = "caiwu@haiyan.example", "en"
    customer.save(update_fields=["email", "language"])
    with django_capture_on_commit_callbacks(execute=True):
        statement, sent, created = statement_send(
            actor=books, customer=customer, since=NOVEMBER[0], until=NOVEMBER[1],
            idempotency_key="k1")
    assert created and statement.closing == D("-200.00")
    [message] = smtp_server.messages
    assert message["To"] == "caiwu@haiyan.example"
    assert message["Subject"].strip() == ("Statement of account 2026-11-01 – 2026-11-30, "
                                          "After-sales service department")
    text = message.get_body(("plain",)).get_content()
    assert "the opening balance of ¥80.00 and 7 invoices" in text
    assert "On 2026-11-30 you have ¥200.00 in credit with us." in text
    assert "Finished jobs not invoiced yet: 1, ¥150.00 still due;" in text
    name, rows = _attachment(message)
    assert name == f"statement-{customer.pk}-2026-11-01-2026-11-30.xlsx"
    assert rows[4][2:] == ["Opening balance", None, None, 80]
    assert rows[7][2] == "Payment received (Bank transfer)"  # the rows in his language too
    assert rows[12][2:] == ["Closing balance", 500, 780, -200]
    assert (sent.action, sent.actor, sent.data["to"], sent.data["closing"]) == (
        "statement_sent", books, "caiwu@haiyan.example", "-200.00")
    # the same key again: the first send's event, nothing mailed
    with django_capture_on_commit_callbacks(execute=True):
        _s, again, created = statement_send(actor=books, customer=customer, since=NOVEMBER[0],
                                            until=NOVEMBER[1], idempotency_key="k1")
    assert not created and again == sent and len(smtp_server.messages) == 1
    assert list(statements_sent(customer)) == [sent]


@pytest.mark.usefixtures("english")
def test_no_address_no_mail_and_only_the_back_office_sends(history, customer, books,
                                                            mailoutbox):
    errors = _refused(lambda: statement_send(actor=books, customer=customer,
                                             since=NOVEMBER[0], until=NOVEMBER[1]))
    assert errors == {"to": ["海燕物业 has no e-mail address: print the statement or add his "
                             "address first."]}
    errors = _refused(lambda: statement_send(actor=books, customer=customer, since=NOVEMBER[0],
                                             until=NOVEMBER[1], to="caiwu at haiyan"))
    assert errors == {"to": ["“caiwu at haiyan” is no e-mail address."]}
    agent = UserFactory(role=Role.AGENT, service_centre=customer.service_centre)
    with pytest.raises(PermissionDenied):
        statement_send(actor=agent, customer=customer, since=NOVEMBER[0], until=NOVEMBER[1],
                       to="caiwu@haiyan.example")
    assert not statements_sent(customer).exists() and mailoutbox == []


def test_the_page_and_the_api_send_it(history, customer, books, client, mailoutbox,
                                      django_capture_on_commit_callbacks):
    customer.email = "caiwu@haiyan.example"
    customer.save(update_fields=["email"])
    client.force_login(books)
    url = reverse("invoicing:statement", args=[customer.pk])
    page = client.get(url, {"since": "2026-11-01", "until": "2026-11-30"}).content.decode()
    assert 'type="email" name="to" size="30" value="caiwu@haiyan.example"' in page
    key = page.split('name="key" value="')[1].split('"')[0]
    post = {"since": "2026-11-01", "until": "2026-11-30", "to": "zhang@haiyan.example",
            "key": key}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invoicing:statement_send", args=[customer.pk]), post,
                               follow=True)
        client.post(reverse("invoicing:statement_send", args=[customer.pk]), post)  # twice
    html = response.content.decode()
    assert "2026-11-01 – 2026-11-30 的对账单已发送至 zhang@haiyan.example。" in html
    assert "data-statement-sent" in html and "zhang@haiyan.example" in html
    assert [m.to for m in mailoutbox] == [["zhang@haiyan.example"]]
    assert mailoutbox[0].subject.startswith("对账单 2026-11-01 – 2026-11-30")

    api = APIClient()
    api.force_authenticate(books)
    send = f"/api/v1/customer-statements/{customer.pk}/send/"
    assert api.post(send, {}, format="json").status_code == 400  # no key
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(send, {"since": "2026-11-01", "until": "2026-11-30"}, format="json",
                         HTTP_IDEMPOTENCY_KEY="api-1")
        again = api.post(send, {"since": "2026-11-01", "until": "2026-11-30"}, format="json",
                         HTTP_IDEMPOTENCY_KEY="api-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["sent_to"] == "caiwu@haiyan.example"
    assert first.json()["closing"] == "-200.00" and again["Idempotent-Replayed"] == "true"
    assert len(mailoutbox) == 2
    agent = UserFactory(role=Role.AGENT, service_centre=customer.service_centre)
    api.force_authenticate(agent)
    assert api.post(send, {}, format="json", HTTP_IDEMPOTENCY_KEY="api-2").status_code == 403
    assert len(mailoutbox) == 2


@pytest.mark.parametrize("role", ["agent", "technician"])
def test_the_statement_endpoints_answer_as_their_schema_says(in_process, demo, role):  # noqa: F811
    cast, ids = demo
    ids = {**ids, "customer-statements": ids["customers"]}
    ran, failures = schema_disagreements(in_process, getattr(cast, role), ids,
                                         ("/api/v1/customer-statements/",
                                          "/api/v1/payment-reminders/"))
    assert ran == 3
    assert not failures, disagreements_text(failures)


@pytest.mark.usefixtures("english")
def test_the_months_run_mails_each_customer_once_and_lists_those_to_print_for(
        history, customer, books, mailoutbox, django_capture_on_commit_callbacks, clock_at):
    customer.email = "caiwu@haiyan.example"
    customer.save(update_fields=["email"])
    quiet = CustomerFactory(name="没有往来", email="quiet@example.com")  # nothing to say
    no_address = CustomerFactory(name="王建国")
    invoice_make(no_address, "99.00", at=timezone.now() - timedelta(days=20))
    clock_at(9, 0, day=date(2026, 9, 1))  # settled long before November
    credit_note_issue(actor=books, customer=quiet, invoice=invoice_make(quiet, "0.01"),
                      amount=D("0.01"), reason="抹零")
    clock_at(9, 0, day=date(2026, 12, 1))
    with django_capture_on_commit_callbacks(execute=True):
        first = statements_send_for_month(actor=None, period="2611")
    assert ([c.name for c in first.sent], first.before, [c.name for c in first.no_address]) == (
        ["海燕物业"], [], ["王建国"])
    [mail] = mailoutbox
    assert mail.to == ["caiwu@haiyan.example"] and "2026-11-01 – 2026-11-30" in mail.subject
    # again, with an address added since: only he is mailed now
    no_address.email = "wang@example.com"
    no_address.save(update_fields=["email"])
    seen = []
    with django_capture_on_commit_callbacks(execute=True):
        second = statements_send_for_month(actor=books, period="2611",
                                           on_progress=lambda done, total: seen.append(done))
    assert ([c.name for c in second.sent], [c.name for c in second.before]) == (
        ["王建国"], ["海燕物业"])
    assert [m.to for m in mailoutbox] == [["caiwu@haiyan.example"], ["wang@example.com"]]
    assert seen == [1, 2, 3] and statements_sent_for_month("2611") == 2
    # this month runs to today; next month has not begun
    assert statements_month("2612") == (date(2026, 12, 1), date(2026, 12, 1))
    assert _refused(lambda: statements_month("2701")) == {
        "period": ["2027-01 has not begun: choose a month up to this one."]}


def test_the_statements_to_post_print_one_after_another(history, customer, books, client,
                                                        clock_at):
    """Those the month's run cannot mail: each customer without an e-mail address whose month
    has something to say, his statement on pages of its own; nobody else's."""
    with_mail = CustomerFactory(name="有邮箱", email="a@example.com")
    invoice_make(with_mail, "50.00", at=timezone.now() - timedelta(days=20))
    second = CustomerFactory(name="王建国")
    invoice_make(second, "99.00", at=timezone.now() - timedelta(days=20))
    CustomerFactory(name="没有往来")
    client.force_login(books)
    receivables = client.get(reverse("invoicing:receivables")).content.decode()
    link = f'{reverse("invoicing:statements_print")}?month=2026-11'
    assert link in receivables
    with CaptureQueriesContext(connection) as two:
        page = client.get(link)
    text = page.content.decode()
    assert page.status_code == 200 and text.count("data-statement=") == 2
    assert f'data-statement="{customer.pk}"' in text and f'data-statement="{second.pk}"' in text
    assert "有邮箱" not in text and "没有往来" not in text
    assert "2026-11：2 位没有电子邮箱的客户有对账单需邮寄。" in text
    assert "2026-11-01 – 2026-11-30" in text and "99.00" in text
    # a third customer to post adds his own reads, no more
    invoice_make(CustomerFactory(name="第三位"), "10.00",
                 at=timezone.now() - timedelta(days=20))
    with CaptureQueriesContext(connection) as three:
        assert client.get(link).content.decode().count("data-statement=") == 3
    per_customer = len(three.captured_queries) - len(two.captured_queries)
    assert per_customer <= 12
    # a month with nothing to post says so; a month not begun is refused by name
    clock_at(9, 0, day=date(2026, 12, 1))
    none = client.get(reverse("invoicing:statements_print"), {"month": "2026-08"})
    assert "data-statements-none" in none.content.decode()
    later = client.get(reverse("invoicing:statements_print"), {"month": "2027-01"})
    assert later.status_code == 400 and "2027-01 尚未开始" in later.content.decode()
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    assert client.get(link).status_code == 403


def test_the_page_starts_the_months_run_in_the_background(history, customer, books, client,
                                                          mailoutbox,
                                                          django_capture_on_commit_callbacks):
    client.force_login(books)
    page = client.get(reverse("invoicing:receivables")).content.decode()
    assert 'name="period" value="2026-11"' in page and "2026-11：目前已发送 0 份。" in page
    response = client.post(reverse("invoicing:statements_monthly"), {"period": "2026-11"},
                           follow=True)
    assert "正在向每位有电子邮箱的客户发送 2026-11 的对账单" in response.content.decode()
    [task] = DBTaskResult.objects.filter(task_path__endswith="send_monthly_statements")
    assert (task.args_kwargs["args"], task.args_kwargs["kwargs"]) == (
        ["2611"], {"actor_id": books.pk})
    customer.email = "caiwu@haiyan.example"
    customer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):  # what the worker will run
        assert send_monthly_statements.call(*task.args_kwargs["args"],
                                            **task.args_kwargs["kwargs"]) == {
            "period": "2611", "sent": 1, "before": 0, "no_address": []}
    assert [m.to for m in mailoutbox] == [["caiwu@haiyan.example"]]
    assert "2026-11：目前已发送 1 份。" in client.get(
        reverse("invoicing:receivables")).content.decode()
    assert statements_sent(customer).get().actor == books
    refused = client.post(reverse("invoicing:statements_monthly"), {"period": "2027-01"},
                          follow=True)
    assert "2027-01 尚未开始" in refused.content.decode()
    assert DBTaskResult.objects.count() == 1
    agent = UserFactory(role=Role.AGENT, service_centre=customer.service_centre)
    client.force_login(agent)
    assert "data-statements-monthly" not in client.get(
        reverse("invoicing:receivables")).content.decode()
    assert client.post(reverse("invoicing:statements_monthly"), {"period": "2026-11"}
                       ).status_code == 403
    assert DBTaskResult.objects.count() == 1


def test_the_command_runs_the_month(history, customer, mailoutbox,
                                    django_capture_on_commit_callbacks):
    customer.email = "caiwu@haiyan.example"
    customer.save(update_fields=["email"])
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("statements_monthly", "2611", stdout=out)
    assert "2611: 1 statement(s) sent, 0 sent before, 0 customer(s) without" in out.getvalue()
    assert len(mailoutbox) == 1
