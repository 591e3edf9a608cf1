"""Every write of the shop app (house style rule 1)."""

from .answers import answer_render, answer_save  # noqa: F401
from .cases import (  # noqa: F401
    case_close,
    case_discount_answer,
    case_discount_offer,
    case_dispute_set,
    case_goods_expect,
    case_goods_inspect,
    case_goods_receive,
    case_open,
    case_refund,
    case_reject,
    case_replacement_ship,
    case_transfer,
    fee_payer_for,
    message_add,
)
from .orders import (  # noqa: F401
    WebhookRefused,
    customer_for_buyer,
    order_create,
    rating_record,
    shop_create,
    webhook_receive,
)
