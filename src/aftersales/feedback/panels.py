"""What feedback adds to other apps' pages (core.panels): quick find's follow-up cases."""

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.core.find import FIND_PAGE, find_panel, local_day, number_section

from .models import FollowUpCase
from .services.common import CASE_PREFIX
from .views.cases import CASE_ROLES


def case_find(http_request, q) -> dict | None:
    """Quick find: follow-up cases by number (FB…)."""
    return number_section(
        http_request, q, prefix=CASE_PREFIX, roles=CASE_ROLES, title=_("Follow-up cases"),
        rows=lambda user: (FollowUpCase.objects.restrict(user, "view").select_related("customer")
                           .order_by("-created_at", "-id")),
        url=lambda case: reverse("feedback:case", args=[case.pk]),
        detail=lambda case: (f"{case.customer.name} · {case.get_status_display()} · "
                             f"{local_day(case.created_at)}"))


PANELS = {FIND_PAGE: [find_panel(case_find, order=35)]}
