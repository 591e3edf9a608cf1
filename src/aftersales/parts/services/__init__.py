"""Every write of the parts app (house style rule 1), one module per area; each area's public
functions are re-exported here."""

from .stock import (
    job_part_issue,
    job_part_return,
    job_stock_place,
    may_move,
    quantity_clean,
    reorder_level_set,
    stock_adjust,
    stock_move,
    stock_transfer,
    warehouse_create,
)

__all__ = [
    "job_part_issue", "job_part_return", "job_stock_place", "may_move", "quantity_clean",
    "reorder_level_set", "stock_adjust", "stock_move", "stock_transfer", "warehouse_create",
]
