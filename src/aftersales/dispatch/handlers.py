"""How dispatch follows a service request (core.handlers): deadlines and technicians' status;
and what it does at every worker tick (core.ticks): fire the deadline alerts that fell due.

Every request handler runs inside the request's own step (its transaction), after its event.
"""

from django.utils.translation import gettext_lazy as _

from aftersales.core.handlers import Change

from .clocks import arrive_by_set, clock_alerts_fire_due, clocks_follow, clocks_start
from .technicians import technician_status_follow


def arrive_by_for(change: Change) -> None:
    """Before the request is saved: its arrival deadline (DS-3), None while it waits on the
    customer's agreement (the arrival clock starts paused then)."""
    arrive_by_set(request=change.subject)


def clocks_start_for(change: Change) -> None:
    clocks_start(request=change.subject)


def clocks_follow_for(change: Change) -> None:
    clocks_follow(request=change.subject, action=change.action, actor=change.actor,
                  at=change.happened_at)


def technician_status_follow_for(change: Change) -> None:
    technician_status_follow(request=change.subject, action=change.action)


def clock_alerts_fire_due_for(change: Change) -> None:
    clock_alerts_fire_due()


EVENT_LABELS = {
    # DS-6: a weather notice told the request's customer (dispatch.weather)
    "service_request.weather_notice": _("Customer told: bad weather"),
}

HANDLERS = {
    "service_request.registering": [arrive_by_for],
    "service_request.register": [clocks_start_for],
    "service_request.*": [clocks_follow_for, technician_status_follow_for],
    "worker.tick": [clock_alerts_fire_due_for],
}
