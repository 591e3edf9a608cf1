from django.db import migrations


def create(apps, schema_editor):
    from aftersales.dispatch.defaults import ensure_default_policies

    ensure_default_policies(apps.get_model("dispatch", "DeadlinePolicy"))


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
