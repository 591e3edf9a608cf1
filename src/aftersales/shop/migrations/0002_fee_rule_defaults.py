from django.db import migrations

DEFAULTS = {  # defaults.SHIPPING_FEE_PAYERS at the time of this migration (EC-2)
    "quality": "shop",
    "wrong_item": "shop",
    "no_reason": "buyer",
    "courier_damage": "refuse",
    "other": "buyer",
}


def add(apps, schema_editor):
    Rule = apps.get_model("shop", "ShippingFeeRule")
    for reason, payer in DEFAULTS.items():
        Rule.objects.get_or_create(reason=reason, defaults={"payer": payer})


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
