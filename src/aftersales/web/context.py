"""Navigation by role, for every page. Links whose pages are not installed are left out.

A user with few links gets them side by side; one with more gets them in groups, each a menu
(``nav_entries``) — see docs/architecture.md, "Navigation"."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.choices import Role

# The groups of the main navigation, each where the first of its links that the user sees stands
# in NAV. Their labels have a context of their own: other apps translate "Service" otherwise.
SERVICE, FOLLOW_UP, MONEY, PARTNERS = "service", "follow-up", "money", "partners"
NAV_GROUPS = {
    SERVICE: pgettext_lazy("navigation group", "Service"),
    FOLLOW_UP: pgettext_lazy("navigation group", "Customers and follow-up"),
    MONEY: pgettext_lazy("navigation group", "Parts and money"),
    PARTNERS: pgettext_lazy("navigation group", "Partners"),
}
# Up to this many links a user's navigation stays one flat row, without groups.
FLAT_NAV_MAX = 7

DESK = {Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}
LEADS = {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}
# Who has the quick-find box in the top bar (web:find): the desk, and the accountant for his
# documents. Technicians and dealers search their own lists.
FIND_ROLES = frozenset(DESK | {Role.ACCOUNTANT})

NAV = [
    # (url name, label, roles, group or None); a flat navigation keeps this order
    ("reports:dashboard", _("Dashboard"), LEADS, None),
    ("field:jobs", _("My jobs"), {Role.TECHNICIAN}, None),
    ("reports:mine", _("My reports"), {Role.TECHNICIAN}, None),
    ("service:intake", _("New call"), DESK, SERVICE),
    ("service:list", _("Requests"), DESK, SERVICE),
    ("customers:list", _("Customers"), DESK, SERVICE),
    ("dispatch:queue", _("Dispatch"), LEADS, SERVICE),
    ("dispatch:plans", _("Day plan"), LEADS, SERVICE),
    ("feedback:calls", _("Follow-up calls"), DESK, FOLLOW_UP),
    ("feedback:cases", _("Follow-up cases"), LEADS, FOLLOW_UP),
    ("feedback:visits", _("Supervisors' visits"), LEADS, FOLLOW_UP),
    ("feedback:surveys", _("Surveys"), DESK, FOLLOW_UP),
    # one entry for the parts area: its start page leads to requests, stock, returns, loans, counts
    ("parts:home", _("Parts"), DESK | {Role.TECHNICIAN}, MONEY),
    ("field:workshop", _("Workshop"), DESK | {Role.TECHNICIAN}, SERVICE),
    # the second wave's areas: each start page leads on to the rest of its area
    ("billing:home", _("Billing"), DESK | {Role.ACCOUNTANT, Role.TECHNICIAN}, MONEY),
    ("invoicing:home", _("Invoices"), LEADS | {Role.ACCOUNTANT}, MONEY),
    # payroll's monthly deductions (CP-13); the desk's leads reach them from the complaints
    ("complaints:deductions", _("Penalty deductions"), {Role.ACCOUNTANT}, MONEY),
    # and what technicians kept of the faulty parts they owed back (PT-3)
    ("parts:return_deductions", _("Kept parts to deduct"), {Role.ACCOUNTANT}, MONEY),
    # dealers pay for their parts orders before they ship (PT-1): the accountant records it
    ("parts:material_requests", _("Dealers' parts orders"), {Role.ACCOUNTANT}, MONEY),
    ("customers:contracts", _("Contracts"), DESK, MONEY),
    ("warranty:home", _("Warranty outcomes"), LEADS, MONEY),
    ("complaints:list", _("Complaints"), DESK, FOLLOW_UP),
    ("dealers:home", _("Dealers"), LEADS | {Role.DEALER}, PARTNERS),
    ("maintenance:home", _("Maintenance"), DESK, SERVICE),
    ("care:home", _("Customer care"), DESK, FOLLOW_UP),
    ("shop:home", _("Online shops"), DESK, PARTNERS),
    ("reports:index", _("Reports"), DESK, None),
    ("admin:index", _("Administration"), {Role.ADMIN}, None),
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
        return {"nav_items": [], "nav_entries": [], "may_find": False}
    items = []
    for name, label, roles, group in NAV:
        if user.role not in roles and not (user.is_superuser and name == "admin:index"):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": False, "group": group})
    # The longest link that the current address starts with is the active one.
    matches = [
        item for item in items if request.path.startswith(item["url"]) and item["url"] != "/"
    ]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    from aftersales.core.models import Notification

    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {"nav_items": items, "nav_entries": nav_entries(items), "unread_notifications": unread,
            "may_find": user.is_superuser or user.role in FIND_ROLES}


def nav_entries(items: list[dict]) -> list[dict]:
    """The main navigation as shown: the links themselves when there are few, else top-level
    links and groups (``{"key", "label", "links", "active"}``) in NAV order. A group left with
    one link shows that link on its own."""
    if len(items) <= FLAT_NAV_MAX:
        return list(items)
    entries: list[dict] = []
    groups: dict[str, dict] = {}
    for item in items:
        key = item["group"]
        if key is None:
            entries.append(item)
        elif key in groups:
            groups[key]["links"].append(item)
        else:
            groups[key] = {"key": key, "label": NAV_GROUPS[key], "links": [item], "active": False}
            entries.append(groups[key])
    shown = []
    for entry in entries:
        links = entry.get("links")
        if links is not None and len(links) == 1:
            entry = links[0]
        elif links is not None:
            entry["active"] = any(link["active"] for link in links)
        shown.append(entry)
    return shown
