"""How maintenance follows a service request (core.handlers): an installation job is completed
only with its checklist, and its completion sets the product's installation date (AR-3, WK-5);
a maintenance job's completion is recorded on its visit (PM-1, certificate)."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.handlers import Change

from .services.installation import installation_follow
from .services.plans import maintenance_visit_record


def installation_complete_for(change: Change) -> None:
    """Refuses (rolls the step back) while the checklist is open; else records the date."""
    installation_follow(actor=change.actor, request=change.subject)


def dealer_installation_complete_for(change: Change) -> None:
    """A dealer's installation sets the installation date too; the dealer's record, confirmed by
    the customer, stands for the checklist our technicians tick on the phone (WK-5, DL-2)."""
    installation_follow(actor=change.actor, request=change.subject, checklist=False)


def maintenance_complete_for(change: Change) -> None:
    maintenance_visit_record(actor=change.actor, request=change.subject)


HANDLERS = {
    "service_request.complete": [installation_complete_for, maintenance_complete_for],
    "service_request.dealer_complete": [dealer_installation_complete_for,
                                        maintenance_complete_for],
}

# How the request's timeline names this app's steps on it (core.handlers.event_label).
EVENT_LABELS = {
    "service_request.checklist_save": _("Installation checklist saved"),
    "service_request.installation_accepted": _("Installation accepted"),
    "service_request.maintenance_done": _("Maintenance visit done"),
}
