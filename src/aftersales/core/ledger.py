"""Append-only rows (house style: money and stock are ledgers — corrections are new rows).

A ledger model inherits :class:`AppendOnlyModel`; the ORM then refuses to update or delete its
rows, and :func:`append_only_sql` gives the migration that makes the database refuse it too
(SQLite: UPDATE; PostgreSQL: UPDATE and DELETE), as core's events do.
"""

from django.db import models

from .compiled_inserts import CompiledInsert
from .querysets import RestrictedQuerySet


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")


class LedgerQuerySet(AppendOnlyQuerySet, RestrictedQuerySet):
    """Append-only rows that users reach through ``restrict`` (the model's ``restrict_rule``)."""


class AppendOnlyModel(CompiledInsert, models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")


def append_only_sql(table: str) -> tuple[dict, dict]:
    """(forward, reverse) SQL by database vendor for a migration's RunPython."""
    forward = {
        "sqlite": [f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                       BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"""],
        "postgresql": [
            f"""CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql;""",
            f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION {table}_append_only();""",
        ],
    }
    reverse = {
        "sqlite": [f"DROP TRIGGER {table}_no_update;"],
        "postgresql": [f"DROP TRIGGER {table}_no_change ON {table};",
                       f"DROP FUNCTION {table}_append_only();"],
    }
    return forward, reverse


def append_only_operation(table: str):
    """The migration operation that makes ``table`` append-only in the database."""
    from django.db import migrations

    forward, reverse = append_only_sql(table)

    def run(statements):
        def apply(apps, schema_editor):
            for sql in statements.get(schema_editor.connection.vendor, []):
                schema_editor.execute(sql)
        return apply

    return migrations.RunPython(run(forward), run(reverse))


def append_only_sqlite_again(*tables: str):
    """The migration operation that makes the append-only triggers of ``tables`` again on
    SQLite, which rebuilds a table to change a column or add a constraint and drops its
    triggers with it (PostgreSQL keeps them: nothing to do there)."""
    from django.db import migrations

    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")
            for sql in append_only_sql(table)[0]["sqlite"]:
                schema_editor.execute(sql)

    return migrations.RunPython(apply, migrations.RunPython.noop)
