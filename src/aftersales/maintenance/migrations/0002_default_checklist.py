"""The installation checklist every category starts with (WK-5, WK-6); admins edit it."""

from django.db import migrations

ITEMS = [
    (10, "开箱验货，拍摄开箱照片", False),
    (20, "按说明书安装到位，拍摄安装照片", False),
    (30, "通电试机，记录调试读数", True),
    (40, "教会用户使用和日常保养", False),
    (50, "现场清理干净", False),
    (60, "暂不能使用的设备已挂牌标识", False),
]


def add_items(apps, schema_editor):
    ChecklistItem = apps.get_model("maintenance", "ChecklistItem")
    if ChecklistItem.objects.exists():
        return
    ChecklistItem.objects.bulk_create([
        ChecklistItem(category="", label=label, position=position, needs_value=needs_value)
        for position, label, needs_value in ITEMS])


class Migration(migrations.Migration):
    dependencies = [("maintenance", "0001_initial")]
    operations = [migrations.RunPython(add_items, migrations.RunPython.noop)]
