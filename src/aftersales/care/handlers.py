"""How care follows a service request (core.handlers): a key account's finished job may have
installed a product, which is visited within a month (FB-6); and what care does at every worker
tick (core.ticks): start the product notices whose scheduled time has come (CR-1)."""

from aftersales.core.handlers import Change

from .services import product_notices_start_due, visits_after_installation_ensure


def visit_after_installation_for(change: Change) -> None:
    """The job is done: if it was the customer's installation (the product now has its
    installation date) and the customer is a key account, the FB-6 visit becomes due — once,
    whatever the daily scan does too."""
    request = change.subject
    if getattr(request, "customer_id", None) is None:
        return
    visits_after_installation_ensure(customer=request.customer)


def product_notices_start_due_for(change: Change) -> None:
    """Scheduled product notices whose time has come start sending, each once."""
    product_notices_start_due()


HANDLERS = {
    "service_request.complete": [visit_after_installation_for],
    "service_request.close": [visit_after_installation_for],
    "service_request.dealer_complete": [visit_after_installation_for],
    "worker.tick": [product_notices_start_due_for],
}
