# Extra labour beyond the service fee: hours at an hourly rate (the category's, else the
# billing settings'), entered on a job as an expense of kind "labour".

from decimal import Decimal

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0002_settings_help_text'),
    ]

    operations = [
        migrations.AddField(
            model_name='billingsettings',
            name='hourly_rate',
            field=models.DecimalField(decimal_places=2, default=Decimal('80.00'), help_text='Extra labour (beyond the service fee: a long repair, a second visit) is charged this much an hour where the product category sets no rate of its own.', max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='hourly labour rate'),
        ),
        migrations.AddField(
            model_name='servicefee',
            name='hourly_rate',
            field=models.DecimalField(blank=True, decimal_places=2, help_text="Extra labour on this category's jobs (beyond the service fee) is charged this much an hour; empty: the billing settings' rate.", max_digits=10, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='hourly labour rate'),
        ),
        migrations.AddField(
            model_name='chargeexpense',
            name='hours',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='hours'),
        ),
        migrations.AddField(
            model_name='chargeexpense',
            name='rate',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True, verbose_name='hourly rate'),
        ),
        migrations.AlterField(
            model_name='chargeexpense',
            name='kind',
            field=models.CharField(choices=[('travel', 'Travel'), ('other', 'Other expense'), ('labour', 'Extra labour')], default='travel', max_length=10, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='servicefee',
            constraint=models.CheckConstraint(condition=models.Q(('hourly_rate__gte', 0), ('hourly_rate__isnull', True), _connector='OR'), name='billing_rate_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='chargeexpense',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('hours__gt', 0), ('kind', 'labour'), ('rate__isnull', False)), models.Q(models.Q(('kind', 'labour'), _negated=True), ('hours__isnull', True), ('rate__isnull', True)), _connector='OR'), name='billing_expense_labour_by_hours'),
        ),
    ]
