"""Every write of invoicing, one module per document (each area adds its import here)."""

from .credits import credit_note_issue, invoice_credited
from .invoices import (
    invoice_issue,
    invoice_issue_for_job,
    invoiceable_sheets,
    invoices_issue_for_period,
    invoicing_mode_for,
    invoicing_preference_set,
    last_period,
    month_bounds,
)
from .returns import return_note_issue, return_note_receive

__all__ = ["credit_note_issue", "invoice_credited", "invoice_issue", "invoice_issue_for_job",
           "invoiceable_sheets", "invoices_issue_for_period", "invoicing_mode_for",
           "invoicing_preference_set", "last_period", "month_bounds", "return_note_issue",
           "return_note_receive"]
