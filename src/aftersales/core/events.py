"""The domain timeline (house style rule 6): append an event; read an object's events."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import Event


def event_append(*, subject, action: str, actor=None, from_state: str = "", to_state: str = "",
                 note: str = "", data: dict | None = None, at=None) -> Event:
    return Event.objects.create(
        content_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
        object_id=subject.pk,
        action=action,
        from_state=from_state or "",
        to_state=to_state or "",
        actor=actor if actor is not None and actor.is_authenticated else None,
        at=at or timezone.now(),
        note=note or "",
        data=data or {},
    )


def event_list(subject):
    return (
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
            object_id=subject.pk,
        )
        .select_related("actor")
        .order_by("at", "id")
    )
