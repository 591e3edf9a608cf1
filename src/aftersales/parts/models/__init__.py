"""The parts app's models, one module per area (each area adds its import here)."""

from .catalogue import Part
from .stock import StockBalance, StockMove, Warehouse

__all__ = ["Part", "StockBalance", "StockMove", "Warehouse"]
