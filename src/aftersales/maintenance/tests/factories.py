import factory

from aftersales.customers.tests.factories import ProductModelFactory

from ..choices import Basis
from ..models import MaintenancePlan


def png_bytes(colour=(200, 120, 40)) -> bytes:
    """A small real PNG (Pillow opens it, as the attachment check does)."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, "PNG")
    return buffer.getvalue()


PNG = png_bytes()


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaintenancePlan

    product_model = factory.SubFactory(ProductModelFactory)
    name = factory.Sequence(lambda n: f"年度保养{n}")
    basis = Basis.TIME
    interval_months = 12
    items = "清洗燃烧器\n检查烟道\n测试安全装置"
