"""Object-level access in one place (house style rule 8).

Each model that users reach gives its queryset a ``restrict(user, action)`` rule; lists, API
views, exports and single-object getters all go through it.
"""

from django.db import models
from django.http import Http404


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Objects this user may see (or act on). Models override ``restrict_rule``."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        rule = getattr(self.model, "restrict_rule", None)
        if rule is None:
            return self if user.is_superuser else self.none()
        return rule(self, user, action)


def get_restricted(queryset, user, action: str = "view", **lookup):
    """One object, or the same 404 whether it is missing or not this user's to see."""
    try:
        return queryset.restrict(user, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def ids_restricted(queryset, user, ids, action: str = "view") -> set:
    """Of the rows ``ids`` of ``queryset``, those this user may see (or act on): one read. A
    page that lists documents of another app shows the number alone where its page would not
    open (docs/architecture.md, "Navigation")."""
    ids = {pk for pk in ids if pk}
    if not ids:
        return set()
    return set(queryset.restrict(user, action).filter(pk__in=ids).values_list("pk", flat=True))


def related_known(instance, name: str, objects) -> None:
    """Tell ``instance`` the rows of its reverse relation ``name`` that the caller has just
    created, as ``prefetch_related`` would: ``instance.<name>.all()`` then reads no rows again
    (the API's response to a new request shows its clocks without a query)."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
