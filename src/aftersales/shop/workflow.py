"""The shop case's paths (EC-1…EC-3). Which step a case may take also depends on its kind
(services check that); this map is the states each step leaves from.

    pre-sale / logistics:   open → closed
    return:                 open → awaiting_goods → received → inspected → refunded
    exchange:               open → awaiting_goods → received → inspected → exchanged
    discount instead:       open → discount_offered → refunded (accepted) | open (refused)
    refund only:            open → refunded
    repair:                 open → transferred (a service request)
    any open case:          → rejected (with a reason)
"""

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.workflow import Transition, Workflow

from .choices import CaseKind, CaseState

S = CaseState
R = frozenset(DESK_ROLES)

TRANSITIONS = [
    Transition("goods_expect", (S.OPEN,), S.AWAITING_GOODS, R, _("Agree: goods to come back")),
    Transition("goods_receive", (S.AWAITING_GOODS,), S.RECEIVED, R, _("Goods received")),
    Transition("goods_inspect", (S.RECEIVED,), S.INSPECTED, R, _("Inspect")),
    Transition("refund", (S.OPEN, S.INSPECTED), S.REFUNDED, R, _("Refund")),
    Transition("replacement_ship", (S.INSPECTED,), S.EXCHANGED, R, _("Ship the replacement")),
    Transition("discount_offer", (S.OPEN,), S.DISCOUNT_OFFERED, R, _("Offer a discount")),
    Transition("discount_accept", (S.DISCOUNT_OFFERED,), S.REFUNDED, R,
               _("Buyer accepts the discount")),
    Transition("discount_refuse", (S.DISCOUNT_OFFERED,), S.OPEN, R,
               _("Buyer refuses the discount")),
    Transition("transfer", (S.OPEN,), S.TRANSFERRED, R, _("Pass to service")),
    Transition("reject", (S.OPEN, S.DISCOUNT_OFFERED, S.RECEIVED, S.INSPECTED), S.REJECTED, R,
               _("Reject"), needs_note=True),
    Transition("close", (S.OPEN,), S.CLOSED, R, _("Answered: close")),
]

shop_case_workflow = Workflow(name="shop_case", state_field="state", states=CaseState,
                              transitions=TRANSITIONS)

# Which steps each contact kind may take at all.
KIND_STEPS = {
    CaseKind.PRESALE: {"close", "reject"},
    CaseKind.LOGISTICS: {"close", "reject"},
    CaseKind.RETURN: {"goods_expect", "goods_receive", "goods_inspect", "refund", "reject",
                      "discount_offer", "discount_accept", "discount_refuse", "close"},
    CaseKind.EXCHANGE: {"goods_expect", "goods_receive", "goods_inspect", "replacement_ship",
                        "reject", "discount_offer", "discount_accept", "discount_refuse",
                        "close"},
    CaseKind.REFUND_ONLY: {"refund", "reject", "discount_offer", "discount_accept",
                           "discount_refuse", "close"},
    CaseKind.REPAIR: {"transfer", "reject", "close"},
}


def steps_for(case, user) -> list:
    allowed = KIND_STEPS.get(case.kind, set())
    steps = [t for t in shop_case_workflow.available(case, user) if t.name in allowed]
    if case.kind == CaseKind.RETURN:  # a return refunds after inspection, not straight away
        steps = [t for t in steps if not (t.name == "refund" and case.state == CaseState.OPEN)]
    return steps
