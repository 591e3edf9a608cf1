"""What the shop app adds to other apps' pages (core.panels)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.find import FIND_PAGE, Hit, find_panel, find_section, local_day, may_open
from aftersales.core.panels import Panel

from .models import Order
from .selectors import order_list


def reports_card_panel(http_request, subject) -> dict | None:
    """The reports start page: a card with the platforms' metrics (EC-4)."""
    return {} if may_open(http_request.user, DESK_ROLES) else None


def customer_orders_panel(http_request, customer) -> dict | None:
    """A customer's page: his online-shop orders and their after-sales cases."""
    if not may_open(http_request.user, DESK_ROLES):
        return None
    orders = list(Order.objects.restrict(http_request.user).filter(customer=customer)
                  .select_related("shop").prefetch_related("cases")[:20])
    return {"orders": orders} if orders else None


MATCHES = 5  # orders of one number shown on a complaint


def complaint_order_panel(http_request, complaint) -> dict | None:
    """A complaint's page: the online-shop order its order number names (CP-3) — the
    complaining customer's first, any shop's order of that number otherwise — with what was
    bought, paid, shipped and delivered, and its after-sales cases."""
    user = http_request.user
    number = (complaint.order_ref or "").strip()
    if not number or not may_open(user, DESK_ROLES):
        return None
    orders = (Order.objects.restrict(user).filter(number__iexact=number)
              .select_related("shop").prefetch_related("cases").order_by("-paid_at", "-id"))
    candidates = list(orders[:MATCHES])
    own = [order for order in candidates if order.customer_id == complaint.customer_id]
    found = own or candidates
    return {"orders": found, "number": number, "theirs": bool(own)} if found else None


def order_find(http_request, q) -> dict | None:
    """Quick find: online-shop orders as their list's search box finds them (order number,
    buyer's name or phone); an order's page leads to its after-sales cases."""
    if not may_open(http_request.user, DESK_ROLES):
        return None
    rows = order_list(user=http_request.user, q=q).order_by("-paid_at", "-id")

    def hit(order):
        return Hit(url=reverse("shop:order", args=[order.pk]), label=order.number,
                   detail=f"{order.shop.name} · {order.buyer_name} · {local_day(order.paid_at)}",
                   exact=order.number.upper() == q.upper())

    return find_section(_("Online-shop orders"), rows, hit, more="shop:orders", q=q)


PANELS = {
    FIND_PAGE: [find_panel(order_find, order=60)],
    "reports.index": [Panel(template="shop/panels/reports_card.html",
                            context=reports_card_panel, order=60)],
    "customer.detail": [Panel(template="shop/panels/customer_orders.html",
                              context=customer_orders_panel, order=60)],
    "complaint.detail": [Panel(template="shop/panels/complaint_order.html",
                               context=complaint_order_panel, order=60)],
}
