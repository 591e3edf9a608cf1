"""The service desk's pages: intake, request list and page, dispatch queue."""

from .dispatch import queue, queue_assign
from .intake import intake, intake_customers, intake_products, intake_terms
from .requests import request_action, request_clock, request_detail, request_export, request_list

__all__ = [
    "intake", "intake_customers", "intake_products", "intake_terms", "queue", "queue_assign",
    "request_action", "request_clock", "request_detail", "request_export", "request_list",
]
