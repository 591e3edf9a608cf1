# Stock-take (PT-3): count sheets and their lines.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('parts', '0004_returns_loans'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StockCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('number', models.CharField(editable=False, max_length=20, unique=True, verbose_name='number')),
                ('status', models.CharField(choices=[('open', 'Counting'), ('counted', 'Counted, awaiting approval'), ('approved', 'Approved'), ('cancelled', 'Cancelled')], default='open', max_length=12, verbose_name='status')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('counted_at', models.DateTimeField(blank=True, null=True, verbose_name='counted at')),
                ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved at')),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by')),
                ('opened_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='opened by')),
                ('warehouse', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='counts', to='parts.warehouse', verbose_name='place')),
            ],
            options={
                'verbose_name': 'stock count',
                'verbose_name_plural': 'stock counts',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='StockCountLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('expected', models.DecimalField(decimal_places=3, max_digits=14, verbose_name='expected')),
                ('counted', models.DecimalField(blank=True, decimal_places=3, max_digits=14, null=True, verbose_name='counted')),
                ('unit_cost', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='unit cost')),
                ('count', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='parts.stockcount', verbose_name='stock count')),
                ('move', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='parts.stockmove', verbose_name='adjustment move')),
                ('part', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='parts.part', verbose_name='part')),
            ],
            options={
                'verbose_name': 'stock count line',
                'verbose_name_plural': 'stock count lines',
                'ordering': ['part__code', 'id'],
            },
        ),
        migrations.AddIndex(
            model_name='stockcount',
            index=models.Index(fields=['warehouse', 'status'], name='parts_count_place'),
        ),
        migrations.AddConstraint(
            model_name='stockcount',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['open', 'counted'])), fields=('warehouse',), name='parts_count_one_open_per_place'),
        ),
        migrations.AddConstraint(
            model_name='stockcountline',
            constraint=models.UniqueConstraint(fields=('count', 'part'), name='parts_count_line_once'),
        ),
        migrations.AddConstraint(
            model_name='stockcountline',
            constraint=models.CheckConstraint(condition=models.Q(('expected__gte', 0), models.Q(('counted__isnull', True), ('counted__gte', 0), _connector='OR')), name='parts_count_line_not_negative'),
        ),
    ]
