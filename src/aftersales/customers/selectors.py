from django.db.models import Q

from aftersales.core.validators import phone_search_key

from .models import Customer, InstalledProduct, MaintenanceContract


def customer_list(*, user, q: str = "", phone: str = ""):
    """Customers this user may see, found by phone (exact when it parses, else partial) or text."""
    qs = Customer.objects.restrict(user, "view")
    if phone:
        key = phone_search_key(phone)
        if key.startswith("+"):
            qs = qs.filter(Q(phone=key) | Q(phone_alt=key))
        elif key:
            qs = qs.filter(Q(phone__contains=key) | Q(phone_alt__contains=key))
    if q:
        condition = Q(name__icontains=q) | Q(address__icontains=q)
        digits = "".join(ch for ch in q if ch.isdigit())
        if len(digits) >= 4:
            condition |= Q(phone__contains=digits)
        qs = qs.filter(condition)
    return qs


def contract_covering(product: InstalledProduct, day) -> MaintenanceContract | None:
    """The contract covering the product on that day (the latest-ending one), if any (AR-6)."""
    return (
        MaintenanceContract.objects.filter(products=product, starts_on__lte=day, ends_on__gte=day)
        .order_by("-ends_on")
        .first()
    )


def under_contract(product: InstalledProduct, day) -> bool:
    """Whether a maintenance contract covers the product on that day (AR-6)."""
    return MaintenanceContract.objects.filter(products=product, starts_on__lte=day,
                                              ends_on__gte=day).exists()
