"""What the service desk adds to other apps' pages (core.panels)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.find import FIND_PAGE, Hit, find_panel, find_section, local_day, may_open
from aftersales.core.panels import Panel

from .filtersets import ServiceRequestFilterSet
from .models import ServiceRequest
from .selectors import service_request_list

RECENT_REQUESTS = 20
ALERT_NUMBERS = 2  # a caller's alert names at most this many open requests


def customer_requests_panel(http_request, customer) -> dict:
    """A customer's page: his latest requests, as far as the user may see them."""
    requests = (ServiceRequest.objects.restrict(http_request.user, "view").filter(customer=customer)
                .select_related("installed_product__model", "assigned_technician"))
    return {"customer": customer, "requests": list(requests[:RECENT_REQUESTS]),
            "request_count": requests.count()}


def customer_open_requests_alert(http_request, customer) -> dict | None:
    """A caller's alert at the intake: his requests still open — he may be calling about one of
    them, not with a new fault."""
    rows = (ServiceRequest.objects.restrict(http_request.user, "view")
            .filter(customer=customer).open().order_by("-reported_at", "-id"))
    numbers = list(rows.values_list("number", flat=True)[:ALERT_NUMBERS + 1])
    if not numbers:
        return None
    return {"numbers": numbers[:ALERT_NUMBERS], "more": len(numbers) > ALERT_NUMBERS}


def request_find(http_request, q) -> dict | None:
    """Quick find: requests found as the request list's search box finds them (its number, the
    customer's phone or name, the product's serial), newest first."""
    user = http_request.user
    if not may_open(user, DESK_ROLES):
        return None
    rows = ServiceRequestFilterSet({"q": q}, queryset=service_request_list(user=user)).qs
    number = q.replace(" ", "").upper()

    def hit(sr):
        detail = f"{sr.customer.name} · {sr.get_status_display()} · {local_day(sr.reported_at)}"
        return Hit(url=reverse("service:detail", args=[sr.pk]), label=sr.number, detail=detail,
                   exact=sr.number == number)

    return find_section(_("Service requests"), rows, hit, more="service:list", q=q)


PANELS = {
    FIND_PAGE: [find_panel(request_find, order=10)],
    # what the agent should know of a caller while registering his call (the intake's matches)
    "customer.alerts": [Panel(template="service/panels/customer_alert_requests.html",
                              context=customer_open_requests_alert, order=10)],
    "customer.detail": [
        # first on the customer's page: what the desk looks for when he calls
        Panel(template="service/panels/customer_requests.html", context=customer_requests_panel,
              order=1),
    ],
}
