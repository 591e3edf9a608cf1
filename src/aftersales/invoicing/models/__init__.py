"""The invoicing app's models: documents (append-only) and customers' preferences."""

from .documents import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    InvoicePayment,
    ReturnNote,
    ReturnNoteLine,
    ReturnReceipt,
)
from .preferences import InvoicingPreference

__all__ = ["CreditNote", "CreditNoteLine", "Invoice", "InvoiceLine", "InvoicePayment",
           "InvoicingPreference", "ReturnNote", "ReturnNoteLine", "ReturnReceipt"]
