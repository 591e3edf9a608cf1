"""Who may open invoicing's pages and who may issue its documents."""

from aftersales.accounts.choices import Role
from aftersales.core.views import roles_required

from .models.base import READ_ROLES, WRITE_ROLES

invoicing_required = roles_required(READ_ROLES)   # desk staff read
accounting_required = roles_required(WRITE_ROLES)  # accountant, service manager, admin issue
# a dealer's statement: those who read invoices, and the dealer's own logins (its own only)
dealer_books_required = roles_required(READ_ROLES | {Role.DEALER})


def may_issue(user) -> bool:
    return bool(user.is_superuser or getattr(user, "role", None) in WRITE_ROLES)


def customer_for_books(pk):
    """A customer for the back office, which invoices every customer (the customers app's own
    rule shows accountants none: they are no desk staff); 404 if there is none."""
    from django.http import Http404

    from aftersales.customers.models import Customer

    customer = Customer.objects.filter(pk=pk).first() if str(pk or "").isdigit() else None
    if customer is None:
        raise Http404
    return customer


def dealer_for_books(user, pk):
    """A dealer whose books this user may read: any, for those who read invoices; its own, for a
    dealer's login. 404 otherwise (another dealer's books are not said to exist)."""
    from django.http import Http404

    from aftersales.dealers.models import Dealer
    from aftersales.dealers.selectors import dealer_for

    dealer = Dealer.objects.filter(pk=pk).first() if str(pk or "").isdigit() else None
    if dealer is None or (getattr(user, "role", None) == Role.DEALER
                          and getattr(dealer_for(user), "pk", None) != dealer.pk):
        raise Http404
    return dealer


def sees_dealer_pages(user) -> bool:
    """Whether the dealers app's pages open for this user (head office: supervisors, managers,
    administrators)."""
    from aftersales.dealers.services import HQ_ROLES

    return bool(user.is_superuser or getattr(user, "role", None) in HQ_ROLES)


def sees_customer_pages(user) -> bool:
    """Whether the customers app's pages open for this user (desk staff; not the accountant)."""
    from aftersales.accounts.choices import DESK_ROLES

    return bool(user.is_superuser or getattr(user, "role", None) in DESK_ROLES)


def orders_seen(user, ids) -> set[int]:
    """Of the parts orders ``ids``, those whose page opens for this user (parts' own rule: a
    centre's desk sees its centre's orders, the accountant and head office all, a dealer's login
    its own). An invoice, a statement or the start page links only these; the rest show their
    number alone — every desk reads every invoice, not every centre's orders."""
    from aftersales.core.querysets import ids_restricted
    from aftersales.parts.models import MaterialRequest

    return ids_restricted(MaterialRequest.objects, user, ids)
