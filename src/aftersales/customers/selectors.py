from django.conf import settings
from django.db import models
from django.db.models import Q

from aftersales.core.compiled_reads import CompiledRead, Slot
from aftersales.core.dates import add_months, local_today
from aftersales.core.validators import phone_is_mobile, phone_search_key

from .choices import ContractState, RenewalOutcome
from .models import (
    ContractRenewal,
    Customer,
    InstalledProduct,
    MaintenanceContract,
    cause_excluded,
)


def message_language(customer: Customer | None, default: str | None = None) -> str:
    """The language a message to ``customer`` (SMS, e-mail) is written in — the one place that
    decides it: his own language if he has one; else ``default``, the sender's own setting
    (care's language of messages, the portal page's language); else the site's language."""
    own = getattr(customer, "language", "") if customer is not None else ""
    return own or default or settings.LANGUAGE_CODE


def customer_mobile(customer: Customer) -> str:
    """The customer's number that takes a text message: his phone if it is a mobile, else his
    second phone if that is; empty if neither is (a landline is called, not texted)."""
    return next((phone for phone in (customer.phone, customer.phone_alt)
                 if phone_is_mobile(phone)), "")


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


def contracts_covering(product: InstalledProduct, day):
    """Every contract covering the product on that day (inclusive), the latest-ending first.
    ``product`` and ``day`` may be slots (core.compiled_reads) for a read compiled once."""
    return (MaintenanceContract.objects
            .filter(products=product, starts_on__lte=day, ends_on__gte=day)
            .order_by("-ends_on", "-pk"))


def contract_covering(product: InstalledProduct, day, cause: str = "") -> MaintenanceContract | None:
    """The contract covering the product on that day (inclusive) and not excluding ``cause``
    (the latest-ending one), if any (AR-6, SR-2 B)."""
    return next((c for c in contracts_covering(product, day) if not c.excludes(cause)), None)


# The causes each contract covering a product on a day leaves out: read for every chargeable
# registration, always the same SQL, so compiled once (core.compiled_reads, ADR 0019).
_exclusions_covering = CompiledRead(
    contracts_covering(Slot("product", InstalledProduct._meta.pk), Slot("day", models.DateField()))
    .order_by().values_list("excluded_causes", flat=True))


def contract_covers(product: InstalledProduct, day, cause: str = "") -> bool:
    """Whether a contract covers the product on that day and does not exclude ``cause``: what a
    registration's terms need (SR-2 B), read as one column of the covering contracts."""
    excluded = _exclusions_covering.all(product=product.pk, day=day)
    return any(not cause_excluded(causes, cause) for causes in excluded)


def contract_list(*, user, q: str = "", state: str = "", customer=None, today=None):
    """Contracts this user may see: by number, customer name or phone, serial; by state on
    ``today`` (active includes expiring; expiring: the renewal month has begun; expired)."""
    today = today or local_today()
    qs = MaintenanceContract.objects.restrict(user, "view").select_related(
        "customer", "responsible", "renewal")
    if customer is not None:
        qs = qs.filter(customer=customer)
    if q:
        q = q.strip()
        condition = (Q(number__icontains=q) | Q(customer__name__icontains=q)
                     | Q(products__serial__iexact=q))
        digits = "".join(ch for ch in q if ch.isdigit())
        if len(digits) >= 4:
            condition |= Q(customer__phone__contains=digits)
        qs = qs.filter(pk__in=MaintenanceContract.objects.filter(condition).values("pk"))
    if state == ContractState.ACTIVE:
        qs = qs.filter(starts_on__lte=today, ends_on__gte=today)
    elif state == ContractState.EXPIRING:
        qs = qs.filter(starts_on__lte=today, ends_on__gte=today,
                       ends_on__lte=add_months(today, 1))
    elif state == ContractState.EXPIRED:
        qs = qs.filter(ends_on__lt=today)
    elif state == ContractState.UPCOMING:
        qs = qs.filter(starts_on__gt=today)
    return qs


def renewal_list(*, user, outcome: str = RenewalOutcome.OPEN, mine: bool = False):
    """The renewals due (AR-6): open ones first by due day; ``mine``: the user's own."""
    qs = (ContractRenewal.objects.restrict(user, "view")
          .select_related("contract__customer", "responsible", "contract__next_contract"))
    if outcome:
        qs = qs.filter(outcome=outcome)
    if mine:
        qs = qs.filter(responsible=user)
    return qs.order_by("due_on", "id")
