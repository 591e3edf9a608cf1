"""``{% meter_products user as rows %}``: a customer's products that are maintained by the meter
(the portal's "Meter reading" card)."""

from django import template

from aftersales.customers.models import InstalledProduct

from ..choices import Basis
from ..models import MaintenancePlan
from ..selectors import last_reading

register = template.Library()


@register.simple_tag
def meter_products(user) -> list[dict]:
    if getattr(user, "role", None) != "customer":
        return []
    models = MaintenancePlan.objects.filter(active=True, basis=Basis.METER).values("product_model")
    rows = []
    for product in (InstalledProduct.objects.restrict(user).filter(model__in=models)
                    .select_related("model").order_by("pk")):
        plan = (MaintenancePlan.objects.filter(product_model_id=product.model_id, active=True,
                                               basis=Basis.METER).first())
        rows.append({"product": product, "unit": plan.get_meter_unit_display(),
                     "last": last_reading(product)})
    return rows
