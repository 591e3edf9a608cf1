from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from aftersales.core.compiled_reads import CompiledRead, Slot


@lru_cache(maxsize=64)
def _standard_offset(zone) -> timedelta:
    """The first offset of ``zone`` in whole minutes, i.e. once it left local mean time
    (Asia/Shanghai: +08:00 from 1901)."""
    for year in range(1850, 2001):
        offset = datetime(year, 7, 1, tzinfo=UTC).astimezone(zone).utcoffset()
        if offset is not None and offset.seconds % 60 == 0:
            return offset
    return timedelta(0)


class DateTimeField(serializers.DateTimeField):
    """A time in the current time zone (the service centre's) with an ordinary offset.

    Before a zone had a standard time, the time-zone database gives its local mean time:
    Shanghai's is +08:05:43, which no client expects and some cannot parse. Such a moment reads
    in the zone's first standard offset instead (the same instant); a naive input time of that
    age is taken in it too."""

    default_error_messages = {"out_of_range": _("This date and time is out of range.")}

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:  # a moment at the end of the calendar, moved into our zone
            self.fail("out_of_range")

    def enforce_timezone(self, value):
        naive = value.tzinfo is None
        value = super().enforce_timezone(value)
        offset = value.utcoffset()
        if offset is None or not offset.seconds % 60:
            return value
        zone = self.timezone if hasattr(self, "timezone") else self.default_timezone()
        fixed = timezone(_standard_offset(zone))
        return value.replace(tzinfo=fixed) if naive else value.astimezone(fixed)


class RestrictedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id the requesting user may see; others read as 'does not exist' (no leak).

    An object another field of the same input has already read, with the same restrictions, is
    taken from ``context["read"]`` instead of being read again."""

    def get_queryset(self):
        return self.visible()[0]

    def visible(self):
        """The objects the requesting user may see, and whether his restriction narrowed them
        (False: he sees every object of the field's queryset)."""
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none(), True
        visible = queryset.restrict(request.user, "view")
        return visible, visible is not queryset

    def to_internal_value(self, data):
        known = self.context.get("read", {}).get((self.queryset.model, str(data)))
        return known if known is not None else super().to_internal_value(data)


class OwnerOfRelatedField(RestrictedPrimaryKeyRelatedField):
    """The owner named beside one of its objects (a request's customer beside its installed
    product): when the input names both, one query reads the object with its owner, the owner is
    returned, and the object is left in ``context["read"]`` for its own field. Anything else
    (no object, not this owner's, an id that is no number) is read the ordinary way, so the
    errors are the ordinary ones. Visibility is the same, as the object's restriction is its
    owner's. When both fields' querysets load some fields alone (``only``), the joined read loads
    those of each and no more.

    For a user who sees every object (the desk), that read is the same SQL for every call, so
    it is compiled once (core.compiled_reads, ADR 0019); a narrowed read is compiled each time.
    The compiled read lives with the field as declared, shared by the copies each serializer
    instance gets."""

    def __init__(self, *, object_field: str, owner_attr: str, **kwargs):
        self.object_field, self.owner_attr = object_field, owner_attr
        self._unnarrowed_reads = {}
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        initial = getattr(self.parent, "initial_data", None)
        object_id = initial.get(self.object_field) if isinstance(initial, Mapping) else None
        if object_id not in (None, "") and not isinstance(data, bool):
            field = self.parent.fields[self.object_field]
            try:
                found = self._with_owner(field, object_id, data)
            except (TypeError, ValueError):
                found = None
            if found is not None:
                self.context.setdefault("read", {})[(field.queryset.model, str(object_id))] = found
                return getattr(found, self.owner_attr)
        return super().to_internal_value(data)

    def _with_owner(self, field, object_id, owner_id):
        """The object of ``field`` with this id and owner, its owner loaded with it; or None."""
        visible, narrowed = field.visible()
        if narrowed:  # unordered, at most one row: first() would order by the model's ordering
            return next(iter(self._joined(visible).filter(
                pk=object_id, **{f"{self.owner_attr}_id": owner_id}).order_by()[:1]), None)
        read = self._unnarrowed_reads.get(field.field_name)
        if read is None:
            model = visible.model
            read = self._unnarrowed_reads[field.field_name] = CompiledRead(
                self._joined(visible).filter(
                    pk=Slot("pk", model._meta.pk),
                    **{f"{self.owner_attr}_id": Slot("owner", self.queryset.model._meta.pk)}
                ).order_by())
        try:
            return read.get(pk=object_id, owner=owner_id)
        except visible.model.DoesNotExist:
            return None

    def _joined(self, queryset):
        queryset = queryset.select_related(self.owner_attr)
        objects, owners = _loaded_alone(queryset), _loaded_alone(self.queryset)
        if objects is None or owners is None:
            return queryset
        return queryset.only(self.owner_attr, *objects,
                             *(f"{self.owner_attr}__{name}" for name in owners))


def _loaded_alone(queryset) -> frozenset | None:
    """The field names a queryset's ``only()`` loads, or None when it loads every field."""
    names, defer = queryset.query.deferred_loading
    return None if defer else frozenset(names)
