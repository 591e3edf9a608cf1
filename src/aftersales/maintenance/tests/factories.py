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


def checklist_items():
    """The migration's default checklist (a transactional test before this one may have emptied
    the table)."""
    from ..models import ChecklistItem

    if not ChecklistItem.objects.exists():
        ChecklistItem.objects.bulk_create([
            ChecklistItem(label="开箱验货，拍摄开箱照片", position=10),
            ChecklistItem(label="通电试机，记录调试读数", position=30, needs_value=True),
            ChecklistItem(label="现场清理干净", position=50),
            ChecklistItem(label="暂不能使用的设备已挂牌标识", position=60),
        ])
    return list(ChecklistItem.objects.filter(active=True))
