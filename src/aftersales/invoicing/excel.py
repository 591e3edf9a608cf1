"""Invoicing's Excel exports, all written through core.excel."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.core.excel import row_append, sheet_add, workbook_new, xlsx_response

from .choices import AGEING_BUCKETS


def invoices_workbook(balances, filename: str):
    book = workbook_new(title=_("Invoices"))
    sheet = sheet_add(book, _("Invoices"))
    row_append(sheet, [_("Number"), _("Issued at"), _("Customer or dealer"), pgettext("invoicing document", "Kind"), pgettext("invoicing period", "Period"),
                       _("Amount before tax"), _("Tax"), _("Total"), _("Paid"), _("Credited"),
                       _("Outstanding"), _("Tax platform number")])
    for b in balances:
        i = b.invoice
        period = f"{i.period_start} – {i.period_end}" if i.period_start else ""
        row_append(sheet, [i.number, timezone.localtime(i.issued_at).replace(tzinfo=None),
                           i.party.name, i.get_kind_display(), period, i.net, i.tax, i.total,
                           b.paid, b.credited, b.outstanding, i.external_number])
    return xlsx_response(book, filename)


def receivables_workbook(rows, as_of, filename: str):
    book = workbook_new(title=_("Receivables"), subject=str(as_of))
    sheet = sheet_add(book, _("Receivables"))
    row_append(sheet, [_("As of"), as_of])
    row_append(sheet, [_("Customer or dealer"), _("Phone"), _("Invoiced"), _("Paid"),
                       _("Credited"), _("Balance"), _("Not yet due")]
               + [str(label) for _k, label, *_r in AGEING_BUCKETS])
    for r in rows:
        row_append(sheet, [r.party.name, r.party.phone, r.invoiced, r.paid, r.credited,
                           r.outstanding, r.not_due] + r.bucket_list)
    detail = sheet_add(book, _("Invoices"))
    row_append(detail, [_("Customer or dealer"), _("Invoice"), _("Issued at"), _("Days"), _("Total"),
                        _("Paid"), _("Credited"), _("Outstanding")])
    for r in rows:
        for b in r.invoices:
            row_append(detail, [r.party.name, b.invoice.number,
                                timezone.localtime(b.invoice.issued_at).date(), b.age_days,
                                b.invoice.total, b.paid, b.credited, b.outstanding])
    return xlsx_response(book, filename)


def credit_notes_workbook(notes, filename: str):
    book = workbook_new(title=_("Credit notes"))
    sheet = sheet_add(book, _("Credit notes"))
    row_append(sheet, [_("Number"), _("Issued at"), pgettext("invoicing document", "Kind"), _("Customer or dealer"), _("Invoice"),
                       _("Amount"), _("Reason"), _("Because of")])
    for n in notes:
        row_append(sheet, [n.number, timezone.localtime(n.issued_at).replace(tzinfo=None),
                           n.get_kind_display(), n.party.name,
                           n.invoice.number if n.invoice else "", n.amount, n.reason,
                           n.source_label])
    return xlsx_response(book, filename)


def figures_workbook(figures: dict, centre, filename: str):
    book = workbook_new(title=_("After-sales revenue"),
                        subject=f"{figures['since']} – {figures['until']}")
    sheet = sheet_add(book, _("Summary"))
    row_append(sheet, [_("Month"), f"{figures['since']} – {figures['until']}"])
    row_append(sheet, [_("Service centre"), centre.name if centre else _("All service centres")])
    for label, key in ((_("After-sales revenue"), "revenue"), (_("Collected"), "collected"),
                       (_("Outstanding"), "outstanding"), (_("Payments received"), "received"),
                       (_("Money on account paid back"), "refunded"),
                       (_("Paid back to dealers"), "dealers_paid_back"),
                       (_("Invoiced"), "invoiced"), (_("Credited"), "credited"),
                       (_("Free work value"), "free")):
        row_append(sheet, [label, figures[key]])
    for kind, amount in sorted(figures["revenue_by_kind"].items()):
        row_append(sheet, [_("Revenue: %(kind)s") % {"kind": kind}, amount])
    cats = sheet_add(book, _("By category"))
    row_append(cats, [_("Category"), _("Jobs"), _("Charged"), _("Free work value")])
    for r in figures["by_category"]:
        row_append(cats, [r["category"], r["jobs"], r["charged"], r["free"]])
    centres = sheet_add(book, _("By service centre"))
    row_append(centres, [_("Service centre"), _("Jobs"), _("Charged"), _("Free work value")]
               + [_("Free %(cat)s") % {"cat": c} for c in "ABCD"])
    for r in figures["by_centre"]:
        row_append(centres, [r["centre"], r["jobs"], r["charged"], r["free"]]
                   + [r[f"free_{c}"] for c in "ABCD"])
    return xlsx_response(book, filename)


def instalments_due_workbook(rows, today, filename: str):
    """The accountant's list of whom to call: each open instalment, the earliest first."""
    book = workbook_new(title=_("Instalments due"), subject=str(today))
    sheet = sheet_add(book, _("Instalments due"))
    row_append(sheet, [_("As of"), today])
    row_append(sheet, [_("Customer"), _("Phone"), _("Invoice"), _("Instalment"), _("Due on"),
                       _("Amount"), _("Paid"), _("Outstanding"), pgettext("instalment", "State"),
                       _("Days overdue")])
    for r in rows:
        s = r.status
        row_append(sheet, [r.invoice.customer.name, r.invoice.customer.phone, r.invoice.number,
                           f"{s.instalment.position}/{r.plan.count}", s.instalment.due_on,
                           s.instalment.amount, s.paid, s.open, s.state_label, s.days_overdue])
    return xlsx_response(book, filename)


def statement_book(statement):
    """A customer's or dealer's statement of account as a workbook (downloaded, or sent to a
    customer by mail): the period and the opening balance, a row per movement with the balance
    after it, the totals and the closing balance, what is not invoiced yet."""
    party = statement.party
    book = workbook_new(title=_("Statement of account"), subject=party.name)
    sheet = sheet_add(book, _("Statement of account"))
    if statement.is_dealer:
        row_append(sheet, [_("Dealer"), party.name, party.code, party.phone])
    else:
        row_append(sheet, [_("Customer"), party.name, party.phone])
    row_append(sheet, [pgettext("statement", "From"), statement.since,
                       pgettext("statement", "To"), statement.until])
    row_append(sheet, [])
    row_append(sheet, [_("Date"), _("Number"), _("Description"), _("Owed more"),
                       _("Owed less"), _("Balance")])
    row_append(sheet, [statement.since, "", _("Opening balance"), None, None, statement.opening])
    for r in statement.rows:
        row_append(sheet, [r.at, r.number,
                           r.description, r.debit or None, r.credit or None, r.balance])
    row_append(sheet, [statement.until, "", _("Closing balance"), statement.debits,
                       statement.credits, statement.closing])
    if statement.pending:
        row_append(sheet, [])
        row_append(sheet, [_("Jobs finished, not yet invoiced")])
        row_append(sheet, [_("Date"), _("Charge sheet"), _("Service request"), _("Total"),
                           _("Still due")])
        for s in statement.pending:
            row_append(sheet, [s.issued_at, s.number, s.request.number, s.total, s.due])
    if statement.kept_waiting:
        row_append(sheet, [])
        row_append(sheet, [_("Parts kept, charged, not yet invoiced")])
        row_append(sheet, [_("Date"), _("Part"), _("Quantity"), _("Charge")])
        for item in statement.kept_waiting:
            row_append(sheet, [item.kept_at, f"{item.part.code} {item.part.name}",
                               item.quantity, item.charge_amount])
    if statement.paid_ahead:
        row_append(sheet, [])
        row_append(sheet, [_("Parts orders paid, not yet invoiced")])
        row_append(sheet, [_("Date"), _("Parts order"), _("Status"), _("Paid")])
        for item in statement.paid_ahead:
            row_append(sheet, [item.order.created_at, item.order.number,
                               item.order.get_status_display(), item.paid])
    return book
