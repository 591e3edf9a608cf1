"""The service desk's pages: intake, request list and page."""

from .intake import intake, intake_customers, intake_products, intake_terms
from .requests import request_action, request_detail, request_export, request_list

__all__ = [
    "intake", "intake_customers", "intake_products", "intake_terms",
    "request_action", "request_detail", "request_export", "request_list",
]
