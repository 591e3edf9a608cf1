# Bad weather (DS-6): a supervisor's notice and the customers it told, each request once a day;
# both append-only, in the ORM and the database.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from aftersales.core.ledger import append_only_operation


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_roles_accountant_dealer'),
        ('dispatch', '0006_clock_alert_at'),
        ('service', '0008_customer_status_centre_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='WeatherNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='day')),
                ('reason', models.CharField(help_text='What the weather is, in a few words: typhoon, rainstorm, snow …', max_length=100, verbose_name='weather')),
                ('sent_at', models.DateTimeField(db_index=True, verbose_name='sent at')),
                ('sent_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sent by')),
                ('service_centre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='weather_notices', to='accounts.servicecentre', verbose_name='service centre')),
            ],
            options={
                'verbose_name': 'weather notice',
                'verbose_name_plural': 'weather notices',
                'ordering': ['-sent_at', '-id'],
                'indexes': [models.Index(fields=['service_centre', 'day'], name='dispatch_weather_day')],
            },
        ),
        migrations.CreateModel(
            name='WeatherNoticeRecipient',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='day')),
                ('channel', models.CharField(choices=[('sms', 'SMS'), ('email', 'E-mail'), ('call', 'To be called')], max_length=10, verbose_name='told by')),
                ('address', models.CharField(blank=True, max_length=254, verbose_name='sent to')),
                ('notice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recipients', to='dispatch.weathernotice', verbose_name='weather notice')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='service.servicerequest', verbose_name='request')),
            ],
            options={
                'verbose_name': 'customer told of the weather',
                'verbose_name_plural': 'customers told of the weather',
                'ordering': ['notice', 'id'],
                'constraints': [models.UniqueConstraint(fields=('request', 'day'), name='dispatch_weather_told_once')],
            },
        ),
        append_only_operation("dispatch_weathernotice"),
        append_only_operation("dispatch_weathernoticerecipient"),
    ]
