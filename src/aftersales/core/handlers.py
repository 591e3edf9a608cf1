"""What the other apps do when a workflow subject moves: one explicit registry of handlers.

A domain that owns a workflow (``service`` owns the service request) knows no app above it. When
one of its documents is registered or moves along a transition, it calls :func:`react` with the
event's name, ``"<workflow>.<action>"`` (``"service_request.assign"``); every handler registered
for that name runs at once, synchronously, inside the caller's transaction — and, for a workflow
transition, then every handler registered for ``"<workflow>.*"`` (every transition of that
workflow). A handler that raises rolls the whole step back.

Each app declares its handlers in one visible place, the dict ``HANDLERS`` of its module
``<app>/handlers.py`` (and, in ``EVENT_LABELS``, how a timeline names the events it appends to
another app's documents: ``{"service_request.hand_to_dealer": _("Handed to a dealer")}``)::

    HANDLERS = {
        "service_request.register": [clocks_start_for],
        "service_request.*": [clocks_follow_for, technician_status_follow_for],
    }

:func:`handlers_load` reads those modules of the installed apps, in ``INSTALLED_APPS`` order, when
Django starts (``CoreConfig.ready``); docs/architecture.md lists them (a test keeps that list true).
There are no Django signals here (house style rule 7): this is ordinary control flow that can be
read, searched and stepped through.

Workflow transitions fire ``"<workflow>.<transition>"`` from ``core.workflow.transition_apply``;
a document's registration fires ``"<workflow>.registering"`` (unsaved: a handler may fill in
fields) and ``"<workflow>.register"`` (saved, with its registration event) from its service.
A service may also ask before a write whether apps above it refuse it (billing's
``"charge_sheet.paying"``, under the sheet's lock: a handler raises ``ValidationError``), or let
them lower a figure or narrow a list it is about to show (``"charge_sheet.to_take"``,
``"charge_sheet.list_due"``: a handler changes ``change.data`` and writes nothing) — the answer
comes back in the returned ``Change``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

PACKAGE = "aftersales."  # the product's own apps; Django's have modules of these names too
MODULE = "handlers"


# A step recorded after the fact (an arrival written up afterwards) carries the moment it
# happened in its data under this key; handlers that time what follows use it, not the clock.
HAPPENED_AT = "happened_at"


@dataclass(frozen=True)
class Change:
    """What happened to ``subject``: the event a handler receives."""

    event: str                 # "service_request.assign"
    subject: Any               # the document, as saved by the step (locked for a transition)
    actor: Any = None          # the acting user, or None for the system
    from_state: str = ""
    to_state: str = ""
    note: str = ""
    data: dict = field(default_factory=dict)

    @property
    def action(self) -> str:
        return self.event.rsplit(".", 1)[1]

    @property
    def happened_at(self):
        """When it happened: the step's own moment if it was recorded afterwards, else now."""
        return self.data.get(HAPPENED_AT) or timezone.now()


Handler = Callable[[Change], None]

_registry: dict[str, list[Handler]] = {}
_sources: dict[Handler, str] = {}
_labels: dict[str, Any] = {}


def handlers_load() -> dict[str, list[Handler]]:
    """(Re)build the registry from every installed app's ``handlers.HANDLERS``."""
    registry: dict[str, list[Handler]] = {}
    sources: dict[Handler, str] = {}
    labels: dict[str, Any] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith(PACKAGE) or not module_has_submodule(config.module, MODULE):
            continue
        module = import_module(f"{config.name}.{MODULE}")
        if module.__name__ == __name__:
            continue  # this registry itself
        for event, label in getattr(module, "EVENT_LABELS", {}).items():
            labels[event] = label
        for event, handlers in getattr(module, "HANDLERS", {}).items():
            if event.count(".") != 1:
                raise ValueError(f"{module.__name__}: event {event!r} is not '<workflow>.<action>'")
            for handler in handlers:
                registry.setdefault(event, []).append(handler)
                sources[handler] = config.label
    _registry.clear()
    _registry.update(registry)
    _sources.clear()
    _sources.update(sources)
    _labels.clear()
    _labels.update(labels)
    return registry


def event_label(event: str) -> str | None:
    """How a timeline names an event that an app above the subject's own app appends to it
    (``"service_request.hand_to_dealer"``): the ``EVENT_LABELS`` of that app's handlers module,
    so the request's page can name dealers' or maintenance's steps without importing them."""
    label = _labels.get(event)
    return str(label) if label is not None else None


def handlers_for(event: str, *, transition: bool = False) -> list[Handler]:
    """The handlers that run for ``event``: its own, then, for a transition, its workflow's
    catch-all ones."""
    own = _registry.get(event, [])
    if not transition:
        return list(own)
    workflow = event.split(".", 1)[0]
    return [*own, *_registry.get(f"{workflow}.*", ())]


def handlers_list() -> list[tuple[str, str, str]]:
    """(event, app, handler) for every registration, for the docs and their test."""
    return [(event, _sources[h], f"{h.__module__}.{h.__qualname__}")
            for event, handlers in sorted(_registry.items()) for h in handlers]


def react(event: str, subject, *, actor=None, from_state: str = "", to_state: str = "",
          note: str = "", data: dict | None = None, transition: bool = False) -> Change:
    """Run every handler of ``event`` now, in the caller's transaction (``transition``: the
    event is a workflow transition, so the workflow's catch-all handlers run too)."""
    change = Change(event=event, subject=subject, actor=actor, from_state=from_state or "",
                    to_state=to_state or "", note=note or "", data=data or {})
    for handler in handlers_for(event, transition=transition):
        handler(change)
    return change
