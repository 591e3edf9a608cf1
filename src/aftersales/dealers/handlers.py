"""What the dealers app names on a service request's timeline (core.handlers). Dealers react to
no transition: handing a job to a dealer is a step of this app's own (services.job_hand_to_dealer)."""

from django.utils.translation import gettext_lazy as _

HANDLERS: dict = {}

EVENT_LABELS = {
    "service_request.hand_to_dealer": _("Handed to a dealer"),
    "service_request.dealer_withdraw": _("Taken back from the dealer"),
}
