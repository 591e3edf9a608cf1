"""Who care writes to: the owners a product notice reaches (CR-1) and the customers a user
seminar invites (CR-3). The page's count, the send's count and the worker's sending read the
same rows."""

from aftersales.customers.models import Customer, InstalledProduct

from .models import KeyAccount


def owners_of(product_model_id: int, *, centre_id: int | None = None, purchased_from=None,
              purchased_to=None):
    """The installed units of a product model, optionally those of one centre's customers and
    bought in a period, by customer (his first unit first)."""
    units = InstalledProduct.objects.filter(model_id=product_model_id)
    if centre_id:
        units = units.filter(customer__service_centre_id=centre_id)
    if purchased_from:
        units = units.filter(purchased_on__gte=purchased_from)
    if purchased_to:
        units = units.filter(purchased_on__lte=purchased_to)
    return units.select_related("customer", "model").order_by("customer_id", "id")


def notice_units(notice):
    """The installed units the notice is about, by customer (his first unit first)."""
    return owners_of(notice.product_model_id, centre_id=notice.service_centre_id,
                     purchased_from=notice.purchased_from, purchased_to=notice.purchased_to)


def notice_customers(notice):
    """The customers the notice goes to: one message each, however many units he owns."""
    return Customer.objects.filter(pk__in=notice_units(notice).values("customer_id"))


def seminar_audience(seminar, *, key_accounts: bool = False, product_model=None):
    """The customers a seminar's invite form chose at once: the active key accounts and/or the
    owners of a product model — those of the seminar's centre, when a centre holds it."""
    centre_id = seminar.service_centre_id
    ids = set()
    if key_accounts:
        accounts = KeyAccount.objects.filter(active=True)
        if centre_id:
            accounts = accounts.filter(customer__service_centre_id=centre_id)
        ids |= set(accounts.values_list("customer_id", flat=True))
    if product_model is not None:
        ids |= set(owners_of(product_model.pk, centre_id=centre_id)
                   .values_list("customer_id", flat=True))
    return Customer.objects.filter(pk__in=ids).order_by("name", "id")
