"""An invoice (and a credit note) is made out to a customer or to a dealer (a dealer's parts
order, PT-1); a line charges a charge sheet, a contract's fee or a parts order."""

import django.db.models.deletion
from django.db import migrations, models

from aftersales.core.ledger import append_only_sqlite_again


class Migration(migrations.Migration):

    dependencies = [
        ('dealers', '0004_job_parts'),
        ('invoicing', '0005_payment_allocations'),
        ('parts', '0013_material_request_delivery_date'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='invoiceline',
            name='inv_line_sheet_or_contract',
        ),
        migrations.AddField(
            model_name='creditnote',
            name='dealer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credit_notes', to='dealers.dealer', verbose_name='dealer'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='dealer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='invoices', to='dealers.dealer', verbose_name='dealer'),
        ),
        migrations.AddField(
            model_name='invoiceline',
            name='order',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='invoice_line', to='parts.materialrequest', verbose_name='parts order'),
        ),
        migrations.AlterField(
            model_name='creditnote',
            name='customer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credit_notes', to='customers.customer', verbose_name='customer'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='customer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='invoices', to='customers.customer', verbose_name='customer'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='kind',
            field=models.CharField(choices=[('single', 'One job'), ('batch', 'Batch for a period'), ('contract', 'Contract fee'), ('order', "Dealer's parts order")], max_length=10, verbose_name='kind'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['dealer', 'issued_at'], name='inv_invoice_dealer'),
        ),
        migrations.AddConstraint(
            model_name='creditnote',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('customer__isnull', False), ('dealer__isnull', True)), models.Q(('customer__isnull', True), ('dealer__isnull', False)), _connector='OR'), name='inv_credit_one_party'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('customer__isnull', False), ('dealer__isnull', True)), models.Q(('customer__isnull', True), ('dealer__isnull', False)), _connector='OR'), name='inv_invoice_one_party'),
        ),
        migrations.AddConstraint(
            model_name='invoiceline',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('contract__isnull', True), ('order__isnull', True), ('sheet__isnull', False)), models.Q(('contract__isnull', False), ('order__isnull', True), ('sheet__isnull', True)), models.Q(('contract__isnull', True), ('order__isnull', False), ('sheet__isnull', True)), _connector='OR'), name='inv_line_one_source'),
        ),
        append_only_sqlite_again("invoicing_invoice", "invoicing_invoiceline",
                                 "invoicing_creditnote"),
    ]
