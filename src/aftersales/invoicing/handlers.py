"""What invoicing does when a service request moves or a maintenance contract is signed or
changed (core.handlers), and at every worker tick (core.ticks): tell the accountants of an
instalment that fell overdue.

Runs after billing's handler (billing comes first in INSTALLED_APPS), which has just issued the
job's charge sheet: a customer who is invoiced now gets the job's invoice at once (BL-1, WK-2).
A contract signed by such a customer gets its fee's invoice at once; a contract whose fee is
invoiced keeps that fee (a correction is a credit note). A dealer's charged parts order, paid in
full, is invoiced to the dealer as it ships (PT-1); parts the dealer sends back against it credit
that invoice by what the store refunded. A part a dealer kept instead of sending it back, or a
lent part not brought back, is invoiced as it is charged (a customer's by his preference).
Money taken for a job's sheet that is on an invoice takes no more than the invoice has open,
and the technician's phone offers no more.
"""

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.handlers import Change
from aftersales.parts.services import order_due, order_paid

from .selectors import sheet_invoice, sheets_not_settled_on_invoice
from .services import (
    contract_invoice_now,
    contract_invoice_of,
    instalments_overdue_notify,
    invoice_issue_for_job,
    kept_invoice_now,
    order_invoice_issue,
    order_return_credit,
    sheet_payment_within_invoice,
)
from .services.invoices import INVOICED_ORDER_STATUSES

log = logging.getLogger(__name__)


def invoice_now_for(change: Change) -> None:
    """Invoice the finished job now if its customer wants it so. If the invoice cannot be
    issued (the tax platform refuses it), the job still finishes: its sheet stays on the
    accountant's list of work to invoice."""
    try:
        with transaction.atomic():
            invoice_issue_for_job(actor=change.actor, request=change.subject)
    except ValidationError as error:
        log.warning("invoice for %s not issued: %s", change.subject, error.messages)


def order_invoice_now_for(change: Change) -> None:
    """Invoice a dealer's charged order to the dealer as it ships. An order not paid in full is
    left alone (the ship step refuses it next); if the invoice cannot be issued (the tax
    platform refuses it), the order still ships and waits on the accountant's list."""
    order = change.subject
    if (not order.is_dealer_order or not order.chargeable
            or order.status not in INVOICED_ORDER_STATUSES
            or order_paid(order) < order_due(order)):
        return
    try:
        with transaction.atomic():
            order_invoice_issue(actor=change.actor, order=order)
    except ValidationError as error:
        log.warning("invoice for %s not issued: %s", order, error.messages)


def kept_invoice_now_for(change: Change) -> None:
    """Invoice a part just counted as kept and charged (a return obligation a dealer owed, a
    loan) to whoever kept it, if it is invoiced now. If the invoice cannot be issued (the tax
    platform refuses it), the part is still charged and waits on the accountant's list."""
    try:
        with transaction.atomic():
            kept_invoice_now(actor=change.actor, item=change.subject)
    except ValidationError as error:
        log.warning("invoice for %s not issued: %s", change.subject, error.messages)


def order_return_credit_for(change: Change) -> None:
    """Parts a dealer sent back were refunded: credit the order's invoice by the refund, in the
    receipt's transaction (an order not invoiced yet is invoiced later for what it kept). A
    credit the invoice cannot take rolls the receipt back, naming the invoice."""
    order_return_credit(actor=change.actor, order=change.subject,
                        order_return_id=change.data["order_return"])


def contract_invoice_now_for(change: Change) -> None:
    """Invoice a new contract's fee now if its customer is invoiced now; if the invoice cannot
    be issued, the contract is still made and its fee waits on the accountant's list."""
    try:
        with transaction.atomic():
            contract_invoice_now(actor=change.actor, contract=change.subject)
    except ValidationError as error:
        log.warning("invoice for %s not issued: %s", change.subject, error.messages)


def contract_fee_kept_for(change: Change) -> None:
    """Refuse a change of an invoiced contract's fee: the invoice stands, and what is charged
    too much is a credit note against it."""
    if "fee" not in change.data.get("fields", ()):
        return
    invoice = contract_invoice_of(change.subject)
    if invoice is not None:
        raise ValidationError({"fee": [
            _("The fee is invoiced (%(number)s) and stays as it is; correct it with a credit "
              "note against that invoice.") % {"number": invoice.number}]})


def sheet_payment_within_invoice_for(change: Change) -> None:
    """Money taken for a job's charge sheet that is on an invoice: never more than the invoice
    has open (it may have been paid against the invoice); refused, nothing saved."""
    sheet_payment_within_invoice(sheet=change.subject, amount=change.data["amount"],
                                 drawn_from=change.data.get("drawn_from"))


def sheet_to_take_within_invoice_for(change: Change) -> None:
    """What the technician's phone offers to take for a sheet on an invoice: no more than the
    invoice has open (a read: ``data["due"]`` lowered, nothing written)."""
    invoice = sheet_invoice(change.subject)
    if invoice is not None:
        change.data["due"] = max(min(change.data["due"], invoice.open_amount), Decimal("0.00"))


def sheets_due_not_settled_for(change: Change) -> None:
    """The desk's list of sheets with money due leaves out those whose invoice has nothing open
    (a read: ``data["sheets"]`` narrowed, nothing written)."""
    change.data["sheets"] = sheets_not_settled_on_invoice(change.data["sheets"])


def instalments_overdue_notify_for(change: Change) -> None:
    instalments_overdue_notify()


HANDLERS = {
    "charge_sheet.list_due": [sheets_due_not_settled_for],
    "charge_sheet.paying": [sheet_payment_within_invoice_for],
    "charge_sheet.to_take": [sheet_to_take_within_invoice_for],
    "contract.create": [contract_invoice_now_for],
    "contract.update": [contract_fee_kept_for],
    "loan.keep": [kept_invoice_now_for],
    "material_request.return": [order_return_credit_for],
    "material_request.ship": [order_invoice_now_for],
    "return_obligation.keep": [kept_invoice_now_for],
    "service_request.complete": [invoice_now_for],
    "service_request.hand_back": [invoice_now_for],
    "service_request.dealer_complete": [invoice_now_for],
    "worker.tick": [instalments_overdue_notify_for],
}
