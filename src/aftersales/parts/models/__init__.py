"""The parts app's models, one module per area (each area adds its import here)."""

from .catalogue import Part
from .counts import StockCount, StockCountLine, StockCountStatus
from .loans import Loan, LoanStatus
from .order_returns import OrderReturn, OrderReturnLine
from .prices import PartPrice
from .requests import (
                       MaterialRequest,
                       MaterialRequestLine,
                       MaterialRequestPayment,
                       MaterialRequestStatus,
)
from .returns import ReturnObligation, ReturnStatus
from .stock import StockBalance, StockMove, Warehouse

__all__ = ["StockCount", "StockCountLine", "StockCountStatus",
           "Loan", "LoanStatus", "OrderReturn", "OrderReturnLine", "ReturnObligation", "ReturnStatus",
           "MaterialRequest", "MaterialRequestLine", "MaterialRequestPayment",
           "MaterialRequestStatus", "Part", "PartPrice",
           "StockBalance", "StockMove", "Warehouse"]
