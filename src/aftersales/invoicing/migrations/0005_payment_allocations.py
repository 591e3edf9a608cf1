"""A payment split over several invoices, money on account and reversals (docs/invoicing.md,
"Payments, allocations and money on account"): ``InvoicePayment`` becomes an allocation with its
own amount. Each existing row paid its invoice with its whole payment, so it gets its payment's
amount, time and cashier. The table is append-only: its triggers are taken off while the rows
are filled and put back at the end (SQLite rebuilds the table and drops them anyway)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from aftersales.core.ledger import append_only_sql

TABLE = "invoicing_invoicepayment"


def _triggers(on: bool):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update;")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only();")
        if on:
            for sql in append_only_sql(TABLE)[0].get(vendor, []):
                schema_editor.execute(sql)
    return run


def _fill(apps, schema_editor):
    """Existing rows: the whole payment, when and by whom it was received."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE;")
    allocation = apps.get_model("invoicing", "InvoicePayment")
    payment = apps.get_model("billing", "Payment").objects.filter(pk=OuterRef("payment_id"))
    allocation.objects.update(
        amount=Subquery(payment.values("amount")[:1]),
        allocated_at=Subquery(payment.values("received_at")[:1]),
        allocated_by=Subquery(payment.values("received_by")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0002_settings_help_text'),
        ('invoicing', '0004_payment_schedules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_triggers(on=False), _triggers(on=True)),
        migrations.AlterField(
            model_name='invoicepayment',
            name='payment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='invoice_allocations', to='billing.payment', verbose_name='payment'),
        ),
        migrations.AddField(
            model_name='invoicepayment',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=12, null=True, verbose_name='amount'),
        ),
        migrations.AddField(
            model_name='invoicepayment',
            name='allocated_at',
            field=models.DateTimeField(db_index=True, null=True, verbose_name='applied at'),
        ),
        migrations.AddField(
            model_name='invoicepayment',
            name='allocated_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='applied by'),
        ),
        migrations.AddField(
            model_name='invoicepayment',
            name='reason',
            field=models.CharField(blank=True, default='', max_length=300, verbose_name='reason'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='invoicepayment',
            name='idempotency_key',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='idempotency key'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='invoicepayment',
            name='reverses',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversal', to='invoicing.invoicepayment', verbose_name='reverses'),
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='invoicepayment',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='amount'),
        ),
        migrations.AlterField(
            model_name='invoicepayment',
            name='allocated_at',
            field=models.DateTimeField(db_index=True, verbose_name='applied at'),
        ),
        migrations.AlterField(
            model_name='invoicepayment',
            name='allocated_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='applied by'),
        ),
        migrations.AddConstraint(
            model_name='invoicepayment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('amount__gt', 0), ('reverses__isnull', True)), models.Q(('amount__lt', 0), ('reverses__isnull', False)), _connector='OR'), name='inv_allocation_sign'),
        ),
        migrations.AddConstraint(
            model_name='invoicepayment',
            constraint=models.UniqueConstraint(condition=models.Q(('idempotency_key', ''), _negated=True), fields=('payment', 'invoice', 'idempotency_key'), name='inv_allocation_once_per_key'),
        ),
        migrations.RunPython(_triggers(on=True), _triggers(on=False)),
    ]
