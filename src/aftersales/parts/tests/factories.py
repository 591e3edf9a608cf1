from decimal import Decimal

import factory

from aftersales.parts.models import Part


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P-{n:04d}")
    name = "点火针"
    unit_price = Decimal("35.50")
    category = "water_heater"
