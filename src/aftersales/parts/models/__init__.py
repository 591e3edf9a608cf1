"""The parts app's models, one module per area (each area adds its import here)."""

from .catalogue import Part
from .requests import MaterialRequest, MaterialRequestLine, MaterialRequestStatus
from .stock import StockBalance, StockMove, Warehouse

__all__ = ["MaterialRequest", "MaterialRequestLine", "MaterialRequestStatus", "Part",
           "StockBalance", "StockMove", "Warehouse"]
