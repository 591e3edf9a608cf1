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
