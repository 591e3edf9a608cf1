"""Explicit state machines (house style rule 5).

A domain declares its transitions in ``<app>/workflow.py`` as a :class:`Workflow`; every status
change goes through :func:`transition_apply`, which locks the row, checks the source state, the
actor's role and the expected version, saves with ``update_fields`` and appends an event, all in
the caller's transaction.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from .events import event_append
from .exceptions import IllegalTransition, PermissionDenied, StaleWrite
from .handlers import react


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    label: str = ""
    needs_note: bool = False
    data: dict = field(default_factory=dict)


class Workflow:
    def __init__(self, *, name: str, state_field: str, states, transitions: list[Transition]):
        self.name = name  # the handlers' event prefix (core.handlers): "<name>.<transition>"
        self.state_field = state_field
        self.states = states
        self.transitions = {t.name: t for t in transitions}

    def get(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise IllegalTransition(_("Unknown action “%(name)s”.") % {"name": name}) from None

    def available(self, instance, user) -> list[Transition]:
        state = getattr(instance, self.state_field)
        role = getattr(user, "role", None)
        return [
            t for t in self.transitions.values()
            if state in t.sources and (role in t.roles or getattr(user, "is_superuser", False))
        ]

    def targets(self, state: str) -> set[str]:
        return {t.target for t in self.transitions.values() if state in t.sources}


def state_label(workflow: Workflow, state: str) -> str:
    try:
        return str(workflow.states(state).label)
    except ValueError:
        return state


def transition_apply(*, workflow: Workflow, instance, name: str, actor, note: str = "",
                     expected_version: int | None = None, changes: dict | None = None,
                     data: dict | None = None):
    """Move ``instance`` along transition ``name``; returns the locked, updated row."""
    t = workflow.get(name)
    role = getattr(actor, "role", None)
    if not (getattr(actor, "is_superuser", False) or role in t.roles):
        raise PermissionDenied()
    if t.needs_note and not (note or "").strip():
        from django.core.exceptions import ValidationError

        raise ValidationError({"note": _("Give a reason for this step.")})
    with transaction.atomic():
        model = type(instance)
        locked = model.objects.select_for_update().get(pk=instance.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleWrite()
        current = getattr(locked, workflow.state_field)
        if current not in t.sources:
            raise IllegalTransition(
                _("“%(action)s” is not possible while the request is %(state)s.")
                % {"action": t.label or t.name, "state": state_label(workflow, current)}
            )
        fields = {workflow.state_field: t.target, **(changes or {})}
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.version += 1
        locked.save(update_fields=[*fields, "version", "updated_at"])
        event_append(subject=locked, action=t.name, actor=actor, from_state=current,
                     to_state=t.target, note=note, data=data)
        react(f"{workflow.name}.{t.name}", locked, actor=actor, from_state=current,
              to_state=t.target, note=note, data=data, transition=True)
        return locked


def version_bump(*, instance, expected_version: int | None, fields: list[str]):
    """Save edited ``fields`` of an already-loaded row only if nobody changed it meanwhile."""
    model = type(instance)
    current = expected_version if expected_version is not None else instance.version
    values = {f: getattr(instance, f) for f in fields}
    from django.utils import timezone

    updated = model.objects.filter(pk=instance.pk, version=current).update(
        **values, version=current + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise StaleWrite()
    instance.version = current + 1
    return instance
