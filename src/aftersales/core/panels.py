"""Sections that other apps add to a domain's pages: one explicit registry of panels.

A page of a lower app (a service request's page) knows no app above it. It asks
:func:`panels_render` for the panels registered for its name; each app declares them in the dict
``PANELS`` of its module ``<app>/panels.py``::

    PANELS = {
        "service_request.detail": [Panel(template="dispatch/panels/request_clocks.html",
                                         context=request_clocks_panel, order=10)],
    }

A panel's ``context(request, subject)`` returns the template's context, or None to show nothing.
They are read when Django starts (``CoreConfig.ready``), in ``INSTALLED_APPS`` order, then by
``order``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.template.loader import render_to_string
from django.utils.module_loading import module_has_submodule
from django.utils.safestring import SafeString, mark_safe

PACKAGE = "aftersales."  # the product's own apps; Django's have modules of these names too
MODULE = "panels"


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable  # (http_request, subject) -> dict | None
    order: int = 50


_registry: dict[str, list[Panel]] = {}


def panels_load() -> dict[str, list[Panel]]:
    registry: dict[str, list[Panel]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith(PACKAGE) or not module_has_submodule(config.module, MODULE):
            continue
        module = import_module(f"{config.name}.{MODULE}")
        if module.__name__ == __name__:
            continue  # this registry itself
        for page, panels in module.PANELS.items():
            registry.setdefault(page, []).extend(panels)
    for panels in registry.values():
        panels.sort(key=lambda p: p.order)
    _registry.clear()
    _registry.update(registry)
    return registry


def panels_for(page: str) -> list[Panel]:
    return list(_registry.get(page, ()))


def panels_contexts(page: str, http_request, subject) -> list[tuple[Panel, dict]]:
    """Every panel of ``page`` that has something to show for ``subject``, with its context —
    for a page that looks at what its panels found before it renders them (web's quick find)."""
    found = []
    for panel in panels_for(page):
        context = panel.context(http_request, subject)
        if context is not None:
            found.append((panel, context))
    return found


def panels_render(page: str, http_request, subject, contexts=None) -> SafeString:
    """The HTML of every panel of ``page`` that has something to show for ``subject``
    (``contexts``: what :func:`panels_contexts` gave, if the page asked already)."""
    if contexts is None:
        contexts = panels_contexts(page, http_request, subject)
    parts = [render_to_string(panel.template, context, request=http_request)
             for panel, context in contexts]
    return mark_safe("".join(parts))  # noqa: S308 (rendered templates, autoescaped)
