"""What the shop app adds to other apps' pages (core.panels)."""

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.panels import Panel

from .models import Order


def _desk(user) -> bool:
    return user.is_superuser or user.role in DESK_ROLES


def reports_card_panel(http_request, subject) -> dict | None:
    """The reports start page: a card with the platforms' metrics (EC-4)."""
    return {} if _desk(http_request.user) else None


def customer_orders_panel(http_request, customer) -> dict | None:
    """A customer's page: his online-shop orders and their after-sales cases."""
    if not _desk(http_request.user):
        return None
    orders = list(Order.objects.restrict(http_request.user).filter(customer=customer)
                  .select_related("shop").prefetch_related("cases")[:20])
    return {"orders": orders} if orders else None


PANELS = {
    "reports.index": [Panel(template="shop/panels/reports_card.html",
                            context=reports_card_panel, order=60)],
    "customer.detail": [Panel(template="shop/panels/customer_orders.html",
                              context=customer_orders_panel, order=60)],
}
