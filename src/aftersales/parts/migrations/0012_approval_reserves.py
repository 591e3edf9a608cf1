"""Approval reserves stock (docs/parts.md, "Material requests"): each line holds what it reserves
in its supplying place while its request is approved or picked. Lines of requests already picked
hold what they picked (as before); requests approved before this version hold nothing until they
are picked."""

from django.db import migrations, models
from django.db.models import F


def picked_lines_hold_what_they_picked(apps, schema_editor):
    Line = apps.get_model("parts", "MaterialRequestLine")
    Line.objects.filter(material_request__status="picked").update(
        reserved_quantity=F("picked_quantity"))


class Migration(migrations.Migration):

    dependencies = [
        ('parts', '0011_dealer_orders'),
    ]

    operations = [
        migrations.AddField(
            model_name='materialrequestline',
            name='reserved_quantity',
            field=models.DecimalField(blank=True, decimal_places=3, max_digits=14, null=True, verbose_name='reserved'),
        ),
        migrations.RemoveIndex(
            model_name='materialrequest',
            name='parts_mr_picked_source',
        ),
        migrations.AddIndex(
            model_name='materialrequest',
            index=models.Index(condition=models.Q(('status__in', ['approved', 'picked'])), fields=['source'], name='parts_mr_reserving_source'),
        ),
        migrations.RunPython(picked_lines_hold_what_they_picked, migrations.RunPython.noop),
    ]
