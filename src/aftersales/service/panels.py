"""What the service desk adds to other apps' pages (core.panels)."""

from aftersales.core.panels import Panel

from .models import ServiceRequest

RECENT_REQUESTS = 20


def customer_requests_panel(http_request, customer) -> dict:
    """A customer's page: his latest requests, as far as the user may see them."""
    requests = (ServiceRequest.objects.restrict(http_request.user, "view").filter(customer=customer)
                .select_related("installed_product__model", "assigned_technician"))
    return {"customer": customer, "requests": list(requests[:RECENT_REQUESTS]),
            "request_count": requests.count()}


PANELS = {
    "customer.detail": [
        Panel(template="service/panels/customer_requests.html", context=customer_requests_panel),
    ],
}
