"""Every write of the parts app (house style rule 1), one module per area; each area's public
functions are re-exported here."""

from .catalogue import part_fit_add, part_fit_remove
from .counts import (
    stock_count_approve,
    stock_count_cancel,
    stock_count_finish,
    stock_count_line_add,
    stock_count_line_set,
    stock_count_open,
    stock_count_recount,
)
from .dealer_orders import dealer_order_create
from .loans import loan_create, loan_return, loans_remind, loans_sweep
from .order_payments import may_take_payment, order_due, order_paid, order_pay, order_refund
from .order_returns import may_receive_return, order_return_receive, returnable_quantity
from .prices import (
    may_read_costs,
    may_set_prices,
    part_price_set,
    part_prices_add,
    part_prices_apply,
)
from .prices_import import price_list_import
from .requests import (
    material_request_approve,
    material_request_cancel,
    material_request_create,
    material_request_pick,
    material_request_promise,
    material_request_receive,
    material_request_ship,
)
from .returns import (
    obligation_cancel_for_dealer_part,
    obligation_cancel_for_usage,
    obligation_open_for_dealer_part,
    obligation_open_for_usage,
    obligation_receive,
    obligation_send,
    obligation_serials_record,
    obligations_sweep,
    return_point,
)
from .stock import (
    dealer_part_issue,
    dealer_part_return,
    dealer_stock_place,
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
    "stock_count_approve", "stock_count_cancel", "stock_count_finish", "stock_count_line_add",
    "stock_count_line_set", "stock_count_open", "stock_count_recount",
    "loan_create", "loan_return", "loans_remind", "loans_sweep",
    "obligation_cancel_for_dealer_part", "obligation_cancel_for_usage",
    "obligation_open_for_dealer_part",
    "obligation_open_for_usage", "obligation_receive", "obligation_send",
    "obligation_serials_record", "obligations_sweep", "return_point",
    "material_request_approve", "material_request_cancel", "material_request_create",
    "material_request_pick", "material_request_promise", "material_request_receive",
    "material_request_ship",
    "may_read_costs", "may_set_prices", "part_price_set", "part_prices_add", "part_prices_apply",
    "price_list_import", "part_fit_add", "part_fit_remove",
    "dealer_order_create", "may_take_payment", "order_due", "order_paid", "order_pay",
    "order_refund", "may_receive_return", "order_return_receive", "returnable_quantity",
    "dealer_part_issue", "dealer_part_return", "dealer_stock_place", "job_part_issue", "job_part_return",
    "job_stock_place", "may_move", "quantity_clean", "reorder_level_set", "stock_adjust", "stock_move", "stock_transfer", "warehouse_create",
]
