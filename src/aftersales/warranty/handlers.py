"""What the warranty app names on a service request's timeline (core.handlers). It reacts to no
transition: a 三包 outcome is decided by this app's own service (services.py)."""

from django.utils.translation import gettext_lazy as _

HANDLERS: dict = {}

EVENT_LABELS = {
    "service_request.warranty_outcome": _("Warranty outcome decided"),
    "service_request.warranty_unit_received": _("Faulty unit received back"),
    "service_request.warranty_unit_disposed": _("What became of the faulty unit recorded"),
    "service_request.warranty_refund_paid": _("三包 refund paid out"),
}
