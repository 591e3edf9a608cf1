"""Seed what bench/intake needs (run inside the bench's Django environment by main.py).

A service centre, an agent who registers the calls (API token auth), three product models and
1,000 customers with one installed product each — bulk-inserted, since they are the bench's
fixture, not what it measures. Purchase dates spread over four years, so calls are in and out of
warranty like real ones. Prints JSON: the agent's credentials and the (customer, product) pairs.
"""

import json
import random
import sys
from datetime import timedelta
from decimal import Decimal

import django

CUSTOMERS = 1000
PASSWORD = "bench-pass-1234"


def main() -> None:
    django.setup()
    from django.utils import timezone

    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import ServiceCentre, User
    from aftersales.core.dates import warranty_end
    from aftersales.customers.models import Customer, InstalledProduct, ProductModel

    rng = random.Random(1)
    centre = ServiceCentre.objects.create(code="BENCH", name="压测服务中心")
    User.objects.create_user(username="bench.agent", password=PASSWORD, role=Role.AGENT,
                             service_centre=centre, first_name="压测客服")
    models = [ProductModel.objects.create(code=code, name=name, category=cat,
                                          warranty_months=months, service_fee=Decimal(fee))
              for code, name, cat, months, fee in (
                  ("B-JSQ24", "燃气热水器 13升", "gas_water_heater", 36, "80.00"),
                  ("B-F60", "电热水器 60升", "electric_water_heater", 36, "60.00"),
                  ("B-ZMG", "智能马桶盖", "smart_toilet_seat", 12, "80.00"))]
    customers = Customer.objects.bulk_create([
        Customer(name=f"压测客户{i:04d}", phone=f"+86139{i:08d}", address=f"上海市浦东新区张杨路{i}号",
                 region_kind="urban" if i % 3 else "suburban", service_centre=centre)
        for i in range(CUSTOMERS)])
    today = timezone.localdate()
    products = []
    for i, customer in enumerate(customers):
        model = models[i % len(models)]
        purchased = today - timedelta(days=rng.randint(30, 1460))
        products.append(InstalledProduct(
            customer=customer, model=model, serial=f"BENCH{i:06d}", purchased_on=purchased,
            installed_on=purchased + timedelta(days=2),
            warranty_ends_on=warranty_end(purchased, model.warranty_months)))
    products = InstalledProduct.objects.bulk_create(products)
    json.dump({"username": "bench.agent", "password": PASSWORD,
               "pairs": [[p.customer_id, p.pk] for p in products]}, sys.stdout)


if __name__ == "__main__":
    main()
