"""Navigation by role, for every page. Links whose pages are not installed are left out."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role

NAV = [
    # (url name, label, roles)
    ("reports:dashboard", _("Dashboard"), {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("service:intake", _("New call"), {Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("dispatch:queue", _("Dispatch"), {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("dispatch:plans", _("Day plan"), {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("service:list", _("Requests"), {Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("customers:list", _("Customers"), {Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("feedback:calls", _("Follow-up calls"), {Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("feedback:cases", _("Follow-up cases"), {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("feedback:visits", _("Supervisors' visits"), {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("feedback:surveys", _("Surveys"), {Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("reports:index", _("Reports"), {Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("field:jobs", _("My jobs"), {Role.TECHNICIAN}),
    ("reports:mine", _("My reports"), {Role.TECHNICIAN}),
    # one entry for the parts area: its start page leads to requests, stock, returns, loans, counts
    ("parts:home", _("Parts"), {Role.TECHNICIAN, Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("field:workshop", _("Workshop"), {Role.TECHNICIAN, Role.SUPERVISOR, Role.AGENT, Role.MANAGER, Role.ADMIN}),
    # the second wave's areas: each start page leads on to the rest of its area
    ("billing:home", _("Billing"), {Role.ACCOUNTANT, Role.TECHNICIAN, Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("invoicing:home", _("Invoices"), {Role.ACCOUNTANT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("customers:contracts", _("Contracts"), {Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("warranty:home", _("Warranty outcomes"), {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("complaints:list", _("Complaints"), {Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("dealers:home", _("Dealers"), {Role.DEALER, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("maintenance:home", _("Maintenance"), {Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("care:home", _("Customer care"), {Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("shop:home", _("Online shops"), {Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    ("admin:index", _("Administration"), {Role.ADMIN}),
]


def navigation(request):
    """Once per HTTP request: a page whose panels are rendered with the request (core.panels)
    runs the context processors once per panel, and the unread count is a query."""
    cached = getattr(request, "_aftersales_navigation", None)
    if cached is None:
        cached = _navigation(request)
        try:
            request._aftersales_navigation = cached
        except AttributeError:  # not a real request object
            pass
    return cached


def _navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role == Role.CUSTOMER:
        return {"nav_items": []}
    items = []
    for name, label, roles in NAV:
        if user.role not in roles and not (user.is_superuser and name == "admin:index"):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": False})
    # The longest link that the current address starts with is the active one.
    matches = [item for item in items if request.path.startswith(item["url"]) and item["url"] != "/"]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    from aftersales.core.models import Notification

    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {"nav_items": items, "unread_notifications": unread}
