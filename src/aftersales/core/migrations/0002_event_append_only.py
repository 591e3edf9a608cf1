"""Events are append-only: the database itself refuses to change them.

PostgreSQL refuses UPDATE and DELETE of an event row (TRUNCATE, which only an administrator or
the test runner's flush uses, still works). SQLite refuses UPDATE; DELETE is refused by the ORM
(``Event.delete`` and ``EventQuerySet.delete``), since SQLite's flush deletes row by row.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER core_event_no_update BEFORE UPDATE ON core_event
       BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER core_event_no_update;"]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_event_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'events are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_event_no_change BEFORE UPDATE OR DELETE ON core_event
       FOR EACH ROW EXECUTE FUNCTION core_event_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER core_event_no_change ON core_event;",
    "DROP FUNCTION core_event_append_only();",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, []):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
