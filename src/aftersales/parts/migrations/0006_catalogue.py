# Catalogue and prices (issue 10): the models a part fits, and its price history.

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from aftersales.core.ledger import append_only_operation


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0005_installed_region'),
        ('parts', '0005_counts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='part',
            name='fits',
            field=models.ManyToManyField(blank=True, help_text='The product models this part fits; none: it fits any.', related_name='parts', to='customers.productmodel', verbose_name='fits'),
        ),
        migrations.CreateModel(
            name='PartPrice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('cost', models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='cost price')),
                ('price', models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='customer price')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('part', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='prices', to='parts.part', verbose_name='part')),
            ],
            options={
                'verbose_name': 'part price',
                'verbose_name_plural': 'part prices',
                'ordering': ['part', '-valid_from'],
                'constraints': [models.UniqueConstraint(fields=('part', 'valid_from'), name='parts_price_one_per_day'), models.CheckConstraint(condition=models.Q(('cost__gte', 0), ('price__gte', 0)), name='parts_price_row_not_negative')],
            },
        ),
        append_only_operation("parts_partprice"),
    ]
