from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


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
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.restrict(request.user, "view")

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
    those of each and no more."""

    def __init__(self, *, object_field: str, owner_attr: str, **kwargs):
        self.object_field, self.owner_attr = object_field, owner_attr
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        initial = getattr(self.parent, "initial_data", None)
        object_id = initial.get(self.object_field) if isinstance(initial, Mapping) else None
        if object_id not in (None, "") and not isinstance(data, bool):
            field = self.parent.fields[self.object_field]
            try:
                # unordered, at most one row: first() would order by the model's ordering
                found = next(iter(self._joined(field.get_queryset()).filter(
                    pk=object_id, **{f"{self.owner_attr}_id": data}).order_by()[:1]), None)
            except (TypeError, ValueError):
                found = None
            if found is not None:
                self.context.setdefault("read", {})[(field.queryset.model, str(object_id))] = found
                return getattr(found, self.owner_attr)
        return super().to_internal_value(data)

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
