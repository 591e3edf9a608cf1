"""A customer's statement of account (对账单): the page, which prints as the document for the
customer to check and sign, its Excel, mailing it (one customer, or every customer for a month);
a dealer's, the same page and Excel, which its own logins open too; and reminding a customer to
pay (docs/invoicing.md, "Statements of account", "Payment reminders")."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.choices import Role
from aftersales.billing.models import ChargeSheet
from aftersales.core.dates import local_today
from aftersales.core.excel import xlsx_response
from aftersales.core.forms import error_text
from aftersales.core.querysets import ids_restricted
from aftersales.core.tasks import enqueue
from aftersales.core.views import page_query, safe_next, service_run, service_value
from aftersales.parts.models import MaterialRequest

from ..excel import statement_book
from ..forms import StatementForm, month_input, month_value, statement_default_since
from ..issuers import company
from ..permissions import (
    accounting_required,
    customer_for_books,
    dealer_books_required,
    dealer_for_books,
    invoicing_required,
    may_issue,
    orders_seen,
    sees_customer_pages,
    sees_dealer_pages,
)
from ..services import (
    dealer_payment_reminder_send,
    payment_reminder_send,
    statement_send,
    statements_month,
    statements_to_print,
)
from ..statements import statement_file_name, statements_sent

SENDS_SHOWN = 5


# A statement's row leads to its document's page; these pages open only for some of those who
# read statements: the rows of the others stay, unlinked. Page (view name) → the ids of it that
# open for a user (their documents' restrict rules).
_OPENS_FOR = {"parts:material_request": MaterialRequest.objects,
              "billing:sheet": ChargeSheet.objects}


def _unlink_what_does_not_open(user, statement) -> None:
    """Take the link off every row whose page this user may not open: the payment page (the
    back office's), a centre's charge sheet or parts order for another centre's desk."""
    issuer = may_issue(user)
    by_page: dict[str, list] = {}
    for row in statement.rows:
        if not row.url:
            continue
        try:
            match = resolve(row.url.partition("?")[0])
        except Resolver404:  # not one of ours to judge (a site under a path prefix)
            continue
        if match.view_name == "invoicing:customer_pay" and not issuer:
            row.url = ""
        elif match.view_name in _OPENS_FOR:
            by_page.setdefault(match.view_name, []).append((row, match.kwargs["pk"]))
    for view_name, rows in by_page.items():
        opens = ids_restricted(_OPENS_FOR[view_name], user, (pk for _row, pk in rows))
        for row, pk in rows:
            if pk not in opens:
                row.url = ""


def _statement(request, customer_pk: int):
    customer = customer_for_books(customer_pk)
    form = StatementForm(request.GET)
    statement = form.statement_for(customer)
    if statement is not None:
        _unlink_what_does_not_open(request.user, statement)
    return customer, form, statement


@require_GET
@invoicing_required
def statement_page(request, customer_pk: int):
    customer, form, statement = _statement(request, customer_pk)
    return render(request, "invoicing/statement.html", {
        "party": customer, "form": form, "statement": statement, "company": company(),
        "query": page_query(request), "may_issue": may_issue(request.user),
        "customer_pages": sees_customer_pages(request.user),
        **form.period_shown(statement), "sent": list(statements_sent(customer)[:SENDS_SHOWN]),
        "key": uuid.uuid4().hex,
    }, status=200 if statement else 400)


def _dealer_statement(request, dealer_pk: int):
    dealer = dealer_for_books(request.user, dealer_pk)
    form = StatementForm(request.GET)
    statement = form.statement_for(dealer)
    if statement is None:
        return dealer, form, statement, set()
    if getattr(request.user, "role", None) == Role.DEALER:
        for row in statement.rows:  # its orders and its invoices' print open for it; the back
            if row.kind == "invoice":  # office's pages do not
                row.url = reverse("invoicing:invoice_print", args=[row.pk])
            elif row.kind != "order":
                row.url = ""
    _unlink_what_does_not_open(request.user, statement)
    return dealer, form, statement, orders_seen(
        request.user, [item.order.pk for item in statement.paid_ahead])


@require_GET
@dealer_books_required
def dealer_statement_page(request, dealer_pk: int):
    """A dealer's statement of account: the back office's, and the dealer's own."""
    dealer, form, statement, seen = _dealer_statement(request, dealer_pk)
    return render(request, "invoicing/statement.html", {
        "party": dealer, "is_dealer": True, "form": form, "statement": statement,
        "orders_seen": seen,
        "company": company(), "query": page_query(request),
        "dealer_pages": sees_dealer_pages(request.user), **form.period_shown(statement),
    }, status=200 if statement else 400)


@require_GET
@dealer_books_required
def dealer_statement_excel(request, dealer_pk: int):
    _dealer, form, statement, _seen = _dealer_statement(request, dealer_pk)
    if statement is None:
        return HttpResponseBadRequest(error_text(ValidationError(form.errors)))
    return xlsx_response(statement_book(statement), statement_file_name(statement))


@require_GET
@invoicing_required
def statement_excel(request, customer_pk: int):
    customer, form, statement = _statement(request, customer_pk)
    if statement is None:
        return HttpResponseBadRequest(error_text(ValidationError(form.errors)))
    return xlsx_response(statement_book(statement), statement_file_name(statement))


@require_POST
@accounting_required
def statement_send_view(request, customer_pk: int):
    """Mail the period's statement to the customer (his address, or the one typed)."""
    customer = customer_for_books(customer_pk)
    form = StatementForm(request.POST)
    back = reverse("invoicing:statement", args=[customer.pk])
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(form.errors)))
        return redirect(back)
    since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    done, result = service_value(request, lambda: statement_send(
        actor=request.user, customer=customer, since=since, until=until,
        to=request.POST.get("to", ""), idempotency_key=request.POST.get("key", "")))
    if done:
        sent = result[1].data
        messages.success(request, _("The statement for %(since)s – %(until)s is sent to "
                                    "%(to)s.") % sent)
    period = urlencode({"since": since.isoformat(), "until": until.isoformat()})
    return redirect(f"{back}?{period}")


@require_POST
@accounting_required
def statements_monthly_view(request):
    """Every customer his statement for a month, in the background (the task mails each once
    for the month); back to the receivables, which count what was sent."""
    period = month_value(request.POST.get("period"), default=statement_default_since(
        local_today()))
    back = f"{reverse('invoicing:receivables')}?{urlencode({'month': month_input(period)})}"
    if not service_run(request, lambda: statements_month(period)):
        return redirect(back)
    enqueue("aftersales.invoicing.tasks.send_monthly_statements", period,
            actor_id=request.user.pk)
    messages.success(request, _("The statements for %(month)s are being sent to every customer "
                                "with an e-mail address; each customer's statement page lists "
                                "what was sent.") % {"month": month_input(period)})
    return redirect(back)


@require_GET
@invoicing_required
def statements_print_view(request):
    """The month's statements of the customers without an e-mail address, one after another,
    each on pages of its own: printed at once and posted."""
    period = month_value(request.GET.get("month"), default=statement_default_since(
        local_today()))
    try:
        statements = statements_to_print(period)
    except ValidationError as error:
        return HttpResponseBadRequest(error_text(error))
    return render(request, "invoicing/statements_print.html", {
        "statements": statements, "month": month_input(period), "company": company()})


@require_POST
@accounting_required
def payment_reminder_view(request, customer_pk: int):
    """Remind the customer of what fell due (a text, else an e-mail); back where it was asked."""
    customer = customer_for_books(customer_pk)
    return _reminded(request, customer, lambda: payment_reminder_send(actor=request.user,
                                                                      customer=customer))


@require_POST
@accounting_required
def dealer_payment_reminder_view(request, dealer_pk: int):
    """Remind the dealer of what its invoices have open (a text, its logins' notices); back
    where it was asked."""
    dealer = dealer_for_books(request.user, dealer_pk)
    return _reminded(request, dealer, lambda: dealer_payment_reminder_send(actor=request.user,
                                                                           dealer=dealer))


def _reminded(request, party, remind):
    """Run ``remind`` (a reminder service), say what it did — reminded now, or already today
    and when — and go back where it was asked."""
    done, result = service_value(request, remind)
    if done:
        event, created = result
        values = {"customer": party.name, "to": event.data["to"],
                  "amount": event.data["amount"],
                  "time": timezone.localtime(event.at).strftime("%H:%M")}
        if created:
            messages.success(request, _("%(customer)s is reminded to pay ¥%(amount)s (%(to)s).")
                             % values)
        else:
            messages.info(request, _("%(customer)s was reminded today already, at %(time)s "
                                     "(%(to)s).") % values)
    return redirect(safe_next(request, request.POST.get("next"))
                    or reverse("invoicing:receivables"))
