"""Reads whose SQL is the same on every call but for the values looked up, compiled once per
database connection instead of on every call (ADR 0019).

Django compiles a queryset to SQL each time it is evaluated. For a read with joins that costs more
Python than running it: the API's token read (a token with its user and the user's service
centre) spent half its CPU in the compiler, and it runs on every API call. A ``CompiledRead``
is built once, at import, from a queryset whose looked-up values are slots (``Slot``): named
places, as in a prepared statement. Django compiles it on its first use on a connection; every
call after binds the values, runs the same SQL and makes the model instances as the queryset would
(``select_related`` included), or gives its one column, through the connection's own cursor (so
query counting, logging and prepared statements see it as any other read).

Only for reads whose shape never depends on who asks: a queryset narrowed by the user
(``restrict``) compiles differently for each role and stays an ordinary queryset."""

import weakref

from django.db import connections
from django.db.models import Expression
from django.db.models.query import FlatValuesListIterable, ModelIterable, get_related_populators


class _Place:
    """Where a slot's value goes among a compiled statement's parameters."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class Slot(Expression):
    """A value given on each call: ``filter(key=Slot("key", models.CharField()))``. The value is
    prepared by ``output_field`` as a lookup on such a column would be: ``"12"`` for an integer
    key reads 12, ``"twelve"`` raises ValueError, and a number outside the column's range matches
    nothing, as does None (the SQL compares with ``=``; it never asks ``IS NULL``)."""

    def __init__(self, name: str, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [_Place(self.name)]

    def prepared(self, value, connection):
        """The value to send, as the database takes it (a date as SQLite stores dates, say), or
        None when no row can match it."""
        field = self.output_field
        value = field.get_prep_value(value)
        if value is None:
            return None
        internal_type = field.get_internal_type()
        if internal_type in connection.ops.integer_field_ranges:
            low, high = connection.ops.integer_field_range(internal_type)
            if (low is not None and value < low) or (high is not None and value > high):
                return None
        return field.get_db_prep_value(value, connection, prepared=True)


class _Compiled:
    """One read compiled for one connection: its SQL, where each slot's value goes, and how a row
    becomes what the queryset yields — a model instance (the steps of Django's
    ``ModelIterable``, prepared once) or the one column of a flat ``values_list``."""

    def __init__(self, queryset, alias: str, limit: int | None):
        query = queryset.query.chain()
        if limit is not None:
            query.set_limits(high=limit)
        self.compiler = query.get_compiler(using=alias)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.places = [(i, p.name) for i, p in enumerate(self.params) if isinstance(p, _Place)]
        self.alias = alias
        # what turns a column's value into Python (a JSON document, a time in the zone): found
        # once, as results_iter would find them on every call
        columns = [column[0] for column in self.compiler.select[:self.compiler.col_count]]
        self.converters = self.compiler.get_converters(columns)
        self.flat = queryset._iterable_class is FlatValuesListIterable
        if self.flat:
            return
        select, klass_info = self.compiler.select, self.compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start:self.end]]
        self.populators = get_related_populators(klass_info, select, alias)
        self.annotations = self.compiler.annotation_col_map

    def results(self, values: dict) -> list:
        params = list(self.params)
        for i, name in self.places:
            params[i] = values[name]
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.flat:
            return [row[0] for row in rows]
        found = []
        for row in rows:
            obj = self.model.from_db(self.alias, self.init_list, row[self.start:self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found


class CompiledRead:
    """A read by the same SQL every time, with the values in the slots of its queryset:
    ``get(**values)`` answers as ``queryset.get()`` would, ``all(**values)`` as
    ``list(queryset)``. The queryset yields model instances, or one column
    (``values_list(name, flat=True)``)."""

    def __init__(self, queryset):
        if queryset._iterable_class not in (ModelIterable, FlatValuesListIterable):
            raise ValueError("a compiled read yields model instances or one column")
        if queryset._known_related_objects or queryset._prefetch_related_lookups:
            raise ValueError("a compiled read loads what its SQL selects, nothing more")
        self.queryset = queryset
        self.slots = {slot.name: slot for slot in _slots(queryset.query.where)}
        self._by_connection = weakref.WeakKeyDictionary()

    def get(self, **values):
        found = self._results("get", values)
        model = self.queryset.model
        if not found:
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        if len(found) > 1:
            raise model.MultipleObjectsReturned(
                f"get() returned more than one {model._meta.object_name}.")
        return found[0]

    def all(self, **values) -> list:
        return self._results("all", values)

    def _results(self, kind: str, values: dict) -> list:
        if values.keys() != self.slots.keys():
            raise TypeError(f"this read takes {sorted(self.slots)}, not {sorted(values)}")
        alias = self.queryset.db
        connection = connections[alias]
        prepared = {name: slot.prepared(values[name], connection)
                    for name, slot in self.slots.items()}
        if None in prepared.values():  # = NULL, or beyond the column: no row can match
            return []
        compiled = self._by_connection.setdefault(connection, {})
        if kind not in compiled:  # get: two rows are enough to tell one from several
            compiled[kind] = _Compiled(self.queryset, alias, 2 if kind == "get" else None)
        return compiled[kind].results(prepared)


def _slots(node):
    """The slots in a where tree (its lookups' right-hand sides)."""
    for child in getattr(node, "children", ()):
        if isinstance(getattr(child, "rhs", None), Slot):
            yield child.rhs
        yield from _slots(child)
