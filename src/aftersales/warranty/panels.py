"""What the warranty app adds to the desk request page (core.panels): the contract that covers
the job (category B) and the 三包 entitlement with the decision form."""

from django.utils import timezone

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.attachments import attachment_list
from aftersales.core.panels import Panel
from aftersales.customers.choices import ContractState, RenewalOutcome
from aftersales.customers.models import ContractRenewal
from aftersales.customers.selectors import contract_list, contracts_covering
from aftersales.invoicing.permissions import may_issue
from aftersales.parts.choices import WarehouseKind
from aftersales.parts.models import Warehouse
from aftersales.service.choices import Category
from aftersales.service.services import centre_local_date

from .choices import OutcomeKind
from .forms import DecisionForm, DisposalForm, PayoutForm
from .models import WarrantyOutcome
from .selectors import warranty_facts
from .services import may_decide, may_dispose, may_move


def request_contract_panel(http_request, service_request) -> dict | None:
    """The maintenance contract a request is billed under (B), or the one covering its product."""
    product = service_request.installed_product
    if product is None:
        return None
    day = centre_local_date(service_request.reported_at, service_request.service_centre)
    covering = list(contracts_covering(product, day))
    # the one it may be billed under, else one that covers the product but excludes this cause
    contract = next((c for c in covering if not c.excludes(service_request.cause)),
                    covering[0] if covering else None)
    if contract is None:
        return None
    return {"contract": contract, "job": service_request,
            "billed_under": service_request.category == Category.B,
            "excluded": contract.excludes(service_request.cause)}


def request_outcome_panel(http_request, service_request) -> dict | None:
    """三包: what the customer is entitled to, the evidence, and the decision (or the form)."""
    if service_request.internal or service_request.installed_product_id is None:
        return None
    # most requests have none: its related rows are read after it, not joined into the read
    outcome = (WarrantyOutcome.objects.filter(request=service_request)
               .prefetch_related("decided_by", "credit_note", "replacement_part",
                                 "replacement_warehouse", "stock_move",
                                 "unit_return__warehouse", "unit_return__received_by",
                                 "unit_return__disposal__recorded_by",
                                 "refund_payout__paid_by").first())
    user = http_request.user
    if outcome is not None:
        received = getattr(outcome, "unit_return", None)
        disposal = getattr(received, "disposal", None) if received is not None else None
        payout = getattr(outcome, "refund_payout", None)
        places = []
        if outcome.takes_unit_back and received is None:
            places = [w for w in Warehouse.objects.restrict(user).filter(
                active=True, kind__in=(WarehouseKind.CENTRE, WarehouseKind.CENTRAL))
                .order_by("kind", "code") if may_move(user, w)]
        today = centre_local_date(timezone.now(), service_request.service_centre)
        disposes = received is not None and disposal is None and may_dispose(user, received)
        pays_out = (outcome.kind == OutcomeKind.REFUND and outcome.credit_note_id is not None
                    and payout is None and may_issue(user))
        return {"outcome": outcome, "job": service_request, "received": received,
                "disposal": disposal, "payout": payout,
                "disposal_form": DisposalForm(initial={"day": today}, auto_id="disposal_%s")
                if disposes else None,
                "payout_form": PayoutForm(initial={"paid_on": today}, auto_id="payout_%s")
                if pays_out else None,
                "places": places, "may_add_evidence": may_decide(user, service_request),
                "unit_serial": outcome.unit_serial or service_request.installed_product.serial,
                "attachments": list(attachment_list(outcome, "evidence"))}
    if not service_request.in_warranty:
        return None
    facts = warranty_facts(service_request)
    decides = may_decide(user, service_request) and service_request.status not in {
        "cancelled", "awaiting_agreement"}
    return {
        "job": service_request, "facts": facts,
        "now": facts.entitlement(serious_fault=False),
        "if_serious": facts.entitlement(serious_fault=True),
        "may_decide": decides,
        "form": DecisionForm(request=service_request, user=user, priors=facts.priors)
        if decides else None,
    }


def reports_card_panel(http_request, subject) -> dict | None:
    """The reports start page: contracts (expiring, renewals due, lost) and 三包 outcomes."""
    user = http_request.user
    if not (user.is_superuser or user.role in DESK_ROLES):
        return None
    renewals = ContractRenewal.objects.restrict(user, "view")
    return {
        "expiring": contract_list(user=user, state=ContractState.EXPIRING).count(),
        "renewals_open": renewals.filter(outcome=RenewalOutcome.OPEN).count(),
        "renewals_lost": renewals.filter(outcome=RenewalOutcome.LOST).count(),
        "outcomes": WarrantyOutcome.objects.restrict(user, "view").count(),
    }


PANELS = {
    "reports.index": [
        Panel(template="warranty/panels/reports_card.html", context=reports_card_panel,
              order=40),
    ],
    "service_request.detail": [
        Panel(template="warranty/panels/request_contract.html", context=request_contract_panel,
              order=20),
        Panel(template="warranty/panels/request_outcome.html", context=request_outcome_panel,
              order=60),
    ],
}
