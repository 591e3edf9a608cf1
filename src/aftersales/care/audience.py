"""Who a product notice reaches (CR-1): the owners of its product model, optionally those of one
service centre and those who bought it in its period. The page's count, the send's count and the worker's sending read the
same rows."""

from aftersales.customers.models import Customer, InstalledProduct


def notice_units(notice):
    """The installed units the notice is about, by customer (his first unit first)."""
    units = InstalledProduct.objects.filter(model_id=notice.product_model_id)
    if notice.service_centre_id:
        units = units.filter(customer__service_centre_id=notice.service_centre_id)
    if notice.purchased_from:
        units = units.filter(purchased_on__gte=notice.purchased_from)
    if notice.purchased_to:
        units = units.filter(purchased_on__lte=notice.purchased_to)
    return units.select_related("customer", "model").order_by("customer_id", "id")


def notice_customers(notice):
    """The customers the notice goes to: one message each, however many units he owns."""
    return Customer.objects.filter(pk__in=notice_units(notice).values("customer_id"))
