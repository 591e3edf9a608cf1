"""The database cache's table (CACHES, config/env.py): rate limits count log-in failures and
token requests there unless a Redis cache is configured. Made by migrate, so the demo, the tests
and every installation have it; ``aftersales createcachetable`` makes any other one named in
CACHE_URL (db://<table>)."""

from django.core.management import call_command
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

from aftersales.config.env import CACHE_TABLE


def create_cache_tables(apps, schema_editor):
    alias = schema_editor.connection.alias
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(alias, CACHE_TABLE, dry_run=False)  # skipped when it exists
    call_command("createcachetable", database=alias, verbosity=0)  # those CACHES names


class Migration(migrations.Migration):
    dependencies = [("core", "0004_task_worker")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
