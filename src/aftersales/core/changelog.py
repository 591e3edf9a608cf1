"""The generic change log (house style rule 6): services call these after each write."""

from django.contrib.contenttypes.models import ContentType
from django.forms.models import model_to_dict

from .models import ObjectChange


def snapshot(instance) -> dict:
    data = model_to_dict(instance)
    for key, value in list(data.items()):
        if hasattr(value, "pk"):
            data[key] = value.pk
        elif isinstance(value, list | tuple):
            data[key] = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "name") and hasattr(value, "url"):  # file fields
            data[key] = value.name or None
    return data


def change_log(*, actor, instance, action: str, before: dict | None = None) -> ObjectChange:
    after = None if action == ObjectChange.Action.DELETE else snapshot(instance)
    return ObjectChange.objects.create(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        before=before,
        after=after,
    )
