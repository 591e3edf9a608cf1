"""Every write of invoicing, one module per document (each area adds its import here)."""

from .allocations import (
    allocation_reverse,
    customer_payment_record,
    deposit_refund,
    payment_apply,
    sheet_pay_from_account,
)
from .credits import credit_note_issue, invoice_credited, order_return_credit
from .invoices import (
    contract_invoice_issue,
    contract_invoice_now,
    contract_invoice_of,
    invoice_issue,
    invoice_issue_for_job,
    invoiceable_contracts,
    invoiceable_loans,
    invoiceable_obligations,
    invoiceable_orders,
    invoiceable_sheets,
    invoicing_mode_for,
    invoicing_preference_set,
    last_period,
    month_bounds,
    order_invoice_issue,
    order_invoice_of,
)
from .kept import kept_invoice_issue, kept_invoice_now
from .month import invoices_issue_for_period
from .payments import dealer_refund_record, invoice_payment_record, sheet_payment_within_invoice
from .reminders import dealer_payment_reminder_send, payment_reminder_send
from .returns import return_note_issue, return_note_receive
from .schedules import (
    instalments_overdue_notify,
    invoice_amount_due,
    payment_schedule_set,
    payment_schedule_split,
)
from .statements import (
    statement_send,
    statements_month,
    statements_send_for_month,
    statements_sent_for_month,
    statements_to_print,
)

__all__ = ["allocation_reverse", "contract_invoice_issue", "contract_invoice_now",
           "contract_invoice_of", "credit_note_issue", "customer_payment_record",
           "dealer_payment_reminder_send", "dealer_refund_record", "deposit_refund",
           "instalments_overdue_notify", "invoice_amount_due", "invoice_credited",
           "invoice_issue", "invoice_issue_for_job", "invoice_payment_record",
           "invoiceable_contracts", "invoiceable_loans", "invoiceable_obligations",
           "invoiceable_orders", "invoiceable_sheets", "kept_invoice_issue", "kept_invoice_now",
           "invoices_issue_for_period", "invoicing_mode_for", "invoicing_preference_set",
           "last_period", "month_bounds", "order_invoice_issue", "order_invoice_of",
           "order_return_credit", "payment_reminder_send",
           "payment_apply", "payment_schedule_set", "payment_schedule_split",
           "return_note_issue", "return_note_receive", "sheet_pay_from_account",
           "sheet_payment_within_invoice", "statement_send", "statements_month",
           "statements_send_for_month", "statements_sent_for_month", "statements_to_print"]
