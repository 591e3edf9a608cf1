"""The invoicing app's models: documents (append-only), payment schedules and customers'
preferences."""

from .documents import (
    CreditNote,
    CreditNoteLine,
    DepositRefund,
    Invoice,
    InvoiceLine,
    InvoicePayment,
    InvoiceRefund,
    ReturnNote,
    ReturnNoteLine,
    ReturnReceipt,
)
from .preferences import InvoicingPreference
from .schedules import Instalment, InstalmentOverdueCheck, PaymentSchedule

__all__ = ["CreditNote", "CreditNoteLine", "DepositRefund", "Instalment", "InstalmentOverdueCheck", "Invoice",
           "InvoiceLine", "InvoicePayment", "InvoiceRefund",
           "InvoicingPreference", "PaymentSchedule",
           "ReturnNote", "ReturnNoteLine", "ReturnReceipt"]
