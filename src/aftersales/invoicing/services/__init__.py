"""Every write of invoicing, one module per document (each area adds its import here)."""

from .credits import credit_note_issue, invoice_credited

__all__ = ["credit_note_issue", "invoice_credited"]
