"""The parts app's models, one module per area (each area adds its import here)."""

from .catalogue import Part
from .counts import StockCount, StockCountLine, StockCountStatus
from .prices import PartPrice
from .requests import MaterialRequest, MaterialRequestLine, MaterialRequestStatus
from .stock import StockBalance, StockMove, Warehouse

__all__ = ["StockCount", "StockCountLine", "StockCountStatus",
           "MaterialRequest", "MaterialRequestLine", "MaterialRequestStatus", "Part", "PartPrice",
           "StockBalance", "StockMove", "Warehouse"]
