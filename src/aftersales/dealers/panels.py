"""What the dealer network adds to other apps' pages (core.panels)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.core.find import FIND_PAGE, Hit, find_panel, find_section, may_open
from aftersales.core.panels import Panel
from aftersales.service.choices import Status

from .models import Dealer, DealerJob
from .services import customer_in_region


def request_dealer_panel(http_request, service_request) -> dict | None:
    """A request's page: the dealer it is with (and its deadline), or — for a registered job
    HQ may hand over — the dealers of the customer's region."""
    user = http_request.user
    if not (user.is_superuser or user.role in {"supervisor", "manager", "admin"}):
        return None
    jobs = list(DealerJob.objects.restrict(user).filter(request=service_request)
                .prefetch_related("dealer").order_by("-handed_at"))  # mostly none: not joined
    current = next((j for j in jobs if j.state != "withdrawn"), None)
    dealers = []
    if current is None and service_request.status == Status.REGISTERED:
        dealers = [d for d in Dealer.objects.restrict(user).filter(state="active")
                   .prefetch_related("regions") if customer_in_region(d, service_request.customer)]
    if not jobs and not dealers:
        return None
    return {"job": current, "history": jobs, "dealers": dealers, "request": service_request}


def reports_dealers_card(http_request, subject) -> dict | None:
    user = http_request.user
    if not (user.is_superuser or user.role in {"supervisor", "manager", "admin"}):
        return None
    return {}


HQ_ROLES = frozenset({"supervisor", "manager", "admin"})


def dealer_find(http_request, q) -> dict | None:
    """Quick find: dealers by part of their code or name."""
    user = http_request.user
    if not may_open(user, HQ_ROLES):
        return None
    rows = (Dealer.objects.restrict(user).filter(Q(code__icontains=q) | Q(name__icontains=q))
            .order_by("code"))

    def hit(dealer):
        return Hit(url=reverse("dealers:detail", args=[dealer.pk]), label=dealer.name,
                   detail=f"{dealer.code} · {dealer.get_state_display()}",
                   exact=dealer.code.upper() == q.upper())

    return find_section(_("Dealers"), rows, hit, more="dealers:home", q=q)


PANELS = {
    FIND_PAGE: [find_panel(dealer_find, order=65)],
    "service_request.detail": [
        Panel(template="dealers/panels/request_dealer.html", context=request_dealer_panel,
              order=20),
    ],
    "reports.index": [
        Panel(template="dealers/panels/reports_card.html", context=reports_dealers_card, order=40),
    ],
}
