"""A model's single-row INSERT compiled once per database connection instead of on every save
(ADR 0020).

Saving a new model instance, Django builds an insert query and compiles it to SQL every time: the
table's and columns' quoted names, a placeholder for each column, the RETURNING clause. Keeping
it saves 5 % of the Python CPU of registering a service request (three inserts), and the SQL is
the same on every call: for one model it depends only on which columns are written and which
come back, never on the values. ``CompiledInsert``, mixed into a model, keeps that SQL per
connection; each save after the first only prepares the values — ``pre_save`` (the times of
``auto_now`` fields) and ``get_db_prep_save``, as Django's compiler does — and runs it through the
connection's own cursor, then reads the returned columns as Django would.

The SQL is Django's own: the first save on a connection has Django's insert compiler write it,
for a row whose values are plain placeholders. A save that cannot use it goes Django's whole way,
as before: a value that is an expression (``Now()``, a database default), a raw save (fixtures),
an insert with no columns, a field or backend that writes placeholders of its own."""

import weakref

from django.db import connections, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import sql

_by_connection = weakref.WeakKeyDictionary()  # connection -> {(model, columns, returning): ...}


class _Blank:
    """What the compiler reads the columns' values from while it writes the SQL: nothing, so
    each value is a plain placeholder."""

    def __getattr__(self, name):
        return None


class _Compiled:
    """One model's INSERT of one row, compiled for one connection: its SQL and how to read what
    it returns (the steps of Django's ``SQLInsertCompiler.execute_sql`` for one row)."""

    def __init__(self, model, alias: str, fields: list, returning_fields: list):
        connection = connections[alias]
        query = sql.InsertQuery(model)
        query.insert_values(fields, [_Blank()], raw=True)
        self.compiler = query.get_compiler(using=alias)
        self.compiler.returning_fields = returning_fields
        [(self.sql, params)] = self.compiler.as_sql()
        self.trailing = list(params[len(fields):])  # the RETURNING clause's (none on PG, SQLite)
        self.table = model._meta.db_table
        self.fetch, columns = None, []
        if returning_fields and connection.features.can_return_columns_from_insert:
            self.fetch = "columns"
            self.returning_params = self.compiler.returning_params
            columns = [field.get_col(self.table) for field in returning_fields]
        elif returning_fields and isinstance(returning_fields[0], models.AutoField):
            self.fetch = "last id"
            self.last_id_column = returning_fields[0].column
            columns = [returning_fields[0].get_col(self.table)]
        self.converters = self.compiler.get_converters(columns) if columns else {}

    def insert(self, obj, fields: list, connection) -> list | None:
        """Insert ``obj``'s row and give the returned columns' values as Django's compiler
        would, or None when a value is an expression (nothing is sent then)."""
        params = []
        for field in fields:
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                return None
            params.append(field.get_db_prep_save(value, connection=connection))
        params += self.trailing
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            if self.fetch == "columns":
                rows = [connection.ops.fetch_returned_insert_columns(cursor, self.returning_params)]
            elif self.fetch == "last id":
                rows = [(connection.ops.last_insert_id(cursor, self.table, self.last_id_column),)]
            else:
                return []
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        return list(rows)


def _compilable(fields: list, connection) -> bool:
    """Whether the SQL cannot depend on the values: no field writes a placeholder of its own for
    its value, and the backend does not rewrite an insert's parameters (Oracle's spatial one)."""
    return (bool(fields) and not any(hasattr(field, "get_placeholder") for field in fields)
            and type(connection.ops).modify_insert_params
            is BaseDatabaseOperations.modify_insert_params)


class CompiledInsert:
    """Mixed into a model (before ``models.Model``): its new rows are inserted by SQL compiled
    once per connection. Core's base models carry it: ``BaseModel`` (every domain model),
    ``AppendOnlyModel`` (the ledgers) and ``Event``."""

    def _do_insert(self, manager, using, fields, returning_fields, raw):
        if not raw:
            connection = connections[using]
            compiled = _by_connection.setdefault(connection, {})
            model = manager.model  # a parent's, when a child's save inserts its parent's row
            key = (model, tuple(map(id, fields)), tuple(map(id, returning_fields)))
            if key not in compiled:
                compiled[key] = (_Compiled(model, using, fields, returning_fields)
                                 if _compilable(fields, connection) else None)
            if compiled[key] is not None:
                rows = compiled[key].insert(self, fields, connection)
                if rows is not None:
                    return rows
        return super()._do_insert(manager, using, fields, returning_fields, raw)
