"""What the customers app adds to other apps' pages (core.panels): quick find's sections."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.find import FIND_PAGE, Hit, find_panel, find_section, may_open, number_section
from aftersales.core.validators import phone_display, phone_search_key

from .models import Customer, InstalledProduct, MaintenanceContract
from .services import CONTRACT_PREFIX


def _phone_key(q: str) -> str:
    """The query as a whole phone number (E.164), or "" if it is none."""
    digits = sum(ch.isdigit() for ch in q)
    key = phone_search_key(q) if digits >= 7 else ""
    return key if key.startswith("+") else ""


def customer_find(http_request, q) -> dict | None:
    """Quick find: customers by their whole phone number (either of the two), else by the
    start of their name — both indexed, at a million customers too."""
    user = http_request.user
    if not may_open(user, DESK_ROLES):
        return None
    key = _phone_key(q)
    condition = Q(phone=key) | Q(phone_alt=key) if key else Q(name__startswith=q)
    rows = Customer.objects.restrict(user, "view").filter(condition).order_by("name", "id")

    def hit(customer):
        return Hit(url=reverse("customers:detail", args=[customer.pk]), label=customer.name,
                   detail=f"{phone_display(customer.phone)} · {customer.address}")

    return find_section(_("Customers"), rows, hit, more="customers:list", q=q)


def product_find(http_request, q) -> dict | None:
    """Quick find: installed products by their whole serial number, on their owner's page."""
    user = http_request.user
    if not may_open(user, DESK_ROLES) or len(q) < 3 or " " in q:
        return None
    owners = Customer.objects.restrict(user, "view")
    rows = (InstalledProduct.objects.filter(serial=q, customer__in=owners)
            .select_related("model", "customer").order_by("-purchased_on", "-id"))

    def hit(product):
        return Hit(url=reverse("customers:detail", args=[product.customer_id]),
                   label=product.serial,
                   detail=f"{product.model.name} · {product.customer.name}")

    return find_section(_("Installed products"), rows, hit)


def contract_find(http_request, q) -> dict | None:
    """Quick find: maintenance contracts by number (HT…)."""
    return number_section(
        http_request, q, prefix=CONTRACT_PREFIX, roles=DESK_ROLES,
        title=_("Maintenance contracts"),
        rows=lambda user: (MaintenanceContract.objects.restrict(user, "view")
                           .select_related("customer").order_by("-number")),
        url=lambda contract: reverse("customers:contract", args=[contract.pk]),
        detail=lambda contract: (f"{contract.customer.name} · {contract.starts_on} – "
                                 f"{contract.ends_on}"))


PANELS = {
    FIND_PAGE: [find_panel(customer_find, order=20), find_panel(product_find, order=25),
                find_panel(contract_find, order=70)],
}
