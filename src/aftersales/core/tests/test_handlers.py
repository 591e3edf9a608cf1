"""The handler registry: what other apps do when a request moves runs inside its step."""

import pytest

from aftersales.core import handlers
from aftersales.core.models import Event
from aftersales.service import services
from aftersales.service.choices import Status
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    """Extra handlers for one test, on top of the apps' own; the registry is rebuilt after."""
    yield handlers._registry
    handlers.handlers_load()


def test_apps_declare_their_handlers():
    events = {event for event, _app, _handler in handlers.handlers_list()}
    assert {"service_request.registering", "service_request.register", "service_request.*",
            "service_request.complete"} <= events


def test_a_transition_runs_its_handlers_then_the_catch_all_with_the_change(registry):
    cast = Cast()
    request = new_request(cast)
    seen = []
    registry.setdefault("service_request.assign", []).append(lambda c: seen.append(("own", c)))
    registry.setdefault("service_request.*", []).append(lambda c: seen.append(("all", c)))
    services.service_request_assign(actor=cast.supervisor, request=request,
                                    technician=cast.technician, note="就近")
    assert [kind for kind, _c in seen] == ["own", "all"]
    change = seen[0][1]
    assert (change.event, change.action, change.actor, change.from_state, change.to_state,
            change.note) == ("service_request.assign", "assign", cast.supervisor,
                             Status.REGISTERED, Status.ASSIGNED, "就近")
    assert change.subject.pk == request.pk and change.subject.status == Status.ASSIGNED


def test_a_failing_handler_rolls_the_whole_step_back(registry):
    cast = Cast()
    request = new_request(cast)
    events_before = Event.objects.count()

    def refuse(change):
        raise RuntimeError("stock system down")

    registry.setdefault("service_request.assign", []).append(refuse)
    with pytest.raises(RuntimeError):
        services.service_request_assign(actor=cast.supervisor, request=request,
                                        technician=cast.technician)
    request.refresh_from_db()
    assert request.status == Status.REGISTERED and request.assigned_technician is None
    assert Event.objects.count() == events_before
    assert not request.visits.exists()


def test_registration_fires_registering_before_the_save_and_register_after(registry):
    cast = Cast()
    seen = []

    def before(change):
        seen.append(("registering", change.subject.pk))
        change.subject.description += "（已核实）"

    registry.setdefault("service_request.registering", []).append(before)
    registry.setdefault("service_request.register", []).append(
        lambda c: seen.append(("register", c.subject.pk)))
    registry.setdefault("service_request.*", []).append(lambda c: seen.append(("all", None)))
    request = new_request(cast, description="漏水")
    assert seen == [("registering", None), ("register", request.pk)]  # no catch-all
    request.refresh_from_db()
    assert request.description == "漏水（已核实）"


def test_a_malformed_event_name_is_refused_when_loading(monkeypatch):
    import aftersales.feedback.handlers as module

    monkeypatch.setattr(module, "HANDLERS", {"complete": []})
    with pytest.raises(ValueError, match="not '<workflow>.<action>'"):
        handlers.handlers_load()
    monkeypatch.undo()
    handlers.handlers_load()


def test_steps_of_apps_above_are_named_on_the_request_timeline():
    """An event that dealers or maintenance append to a request reads as words, not as the
    action's code (their EVENT_LABELS, read with the handlers)."""
    from django.utils import translation

    from aftersales.core.handlers import event_label
    from aftersales.service.selectors import _action_label

    with translation.override("en"):
        assert event_label("service_request.hand_to_dealer") == "Handed to a dealer"
        assert _action_label("maintenance_done") == "Maintenance visit done"
        assert _action_label("attachment_add") == "File attached"
        assert event_label("service_request.no_such_step") is None
