"""What feedback adds to other apps' pages (core.panels): quick find's follow-up cases."""

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.core.find import (
    FIND_PAGE,
    Hit,
    find_panel,
    find_section,
    local_day,
    may_open,
    number_query,
    number_rows,
)

from .models import FollowUpCase
from .services.common import CASE_PREFIX
from .views.cases import CASE_ROLES


def case_find(http_request, q) -> dict | None:
    """Quick find: follow-up cases by number (FB…)."""
    user = http_request.user
    number = number_query(q, CASE_PREFIX)
    if not number or not may_open(user, CASE_ROLES):
        return None
    rows = (FollowUpCase.objects.restrict(user, "view").select_related("customer")
            .order_by("-created_at", "-id"))

    def hit(case):
        return Hit(url=reverse("feedback:case", args=[case.pk]), label=case.number,
                   detail=f"{case.customer.name} · {case.get_status_display()} · "
                          f"{local_day(case.created_at)}",
                   exact=case.number == number)

    return find_section(_("Follow-up cases"), number_rows(rows, number), hit)


PANELS = {FIND_PAGE: [find_panel(case_find, order=35)]}
