"""The billing app's models: fees, charge sheets, quotes, payments and hand-overs (issue 11)."""

from .fees import BillingSettings, ServiceFee
from .handovers import Handover
from .payments import Payment
from .quotes import Quote, QuoteLine
from .sheets import ChargeExpense, ChargeLine, ChargeSheet

__all__ = ["BillingSettings", "ChargeExpense", "ChargeLine", "ChargeSheet", "Handover",
           "Payment", "Quote", "QuoteLine", "ServiceFee"]
