from datetime import date, timedelta
from decimal import Decimal

import factory

from aftersales.core.dates import warranty_end
from aftersales.customers.models import Customer, InstalledProduct, ProductModel


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"客户{n}")
    phone = factory.Sequence(lambda n: f"+86138{n:08d}")
    address = factory.Sequence(lambda n: f"上海市浦东新区世纪大道{n}号")
    region_kind = "urban"
    kind = "individual"


class ProductModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductModel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"WH-{n:03d}")
    name = "燃气热水器"
    category = "water_heater"
    warranty_months = 12
    service_fee = Decimal("80.00")


class InstalledProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstalledProduct

    customer = factory.SubFactory(CustomerFactory)
    model = factory.SubFactory(ProductModelFactory)
    serial = factory.Sequence(lambda n: f"SN{n:08d}")
    purchased_on = factory.LazyFunction(lambda: date.today() - timedelta(days=60))
    installed_on = factory.LazyAttribute(lambda o: o.purchased_on + timedelta(days=2))
    warranty_ends_on = factory.LazyAttribute(
        lambda o: warranty_end(o.purchased_on, o.model.warranty_months))
