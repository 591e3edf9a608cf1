"""The domain timeline (house style rule 6): append an event; read an object's events."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import Event


def event_make(*, subject, action: str, actor=None, from_state: str = "", to_state: str = "",
               note: str = "", data: dict | None = None, at=None) -> Event:
    """An unsaved event: :func:`event_append` saves one, :func:`events_append` many at once."""
    return Event(
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


def event_append(*, subject, action: str, actor=None, from_state: str = "", to_state: str = "",
                 note: str = "", data: dict | None = None, at=None) -> Event:
    event = event_make(subject=subject, action=action, actor=actor, from_state=from_state,
                       to_state=to_state, note=note, data=data, at=at)
    event.save(force_insert=True)
    return event


def events_append(events: list[Event]) -> list[Event]:
    """Append many events (made with :func:`event_make`) in one statement: one step that touches
    many documents — a notice to a day's customers — writes one event on each."""
    return Event.objects.bulk_create(events)


def event_list(subject):
    return (
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
            object_id=subject.pk,
        )
        .select_related("actor")
        .order_by("at", "id")
    )
