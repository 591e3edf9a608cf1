"""What a customer is entitled to under 三包 (SR-3): a pure function of the facts and the policy.

- Always: repair (包修) — the default end of every request.
- A serious (performance) fault within ``refund_days`` of purchase: refund or replacement too.
- A serious fault within ``replacement_days`` of purchase: replacement too.
- In the warranty period, after ``repairs_before_replacement`` earlier repairs of the same fault:
  replacement or refund.
- Nothing beyond repair when the cause is the customer's own (a chargeable cause, SR-3), or the
  product is out of warranty.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .choices import OutcomeKind


@dataclass(frozen=True)
class Numbers:
    refund_days: int
    replacement_days: int
    repairs_before_replacement: int


@dataclass
class Entitlement:
    kinds: list[str]
    reasons: list[str] = field(default_factory=list)

    def allows(self, kind: str) -> bool:
        return kind in self.kinds


def entitlement(*, in_warranty: bool, chargeable_cause: bool, days_since_purchase: int | None,
                serious_fault: bool, prior_repairs: int, numbers: Numbers) -> Entitlement:
    kinds = {OutcomeKind.REPAIR}
    reasons: list[str] = []
    if chargeable_cause:
        reasons.append(_("The cause is the customer's own: repair only."))
    elif not in_warranty:
        reasons.append(_("Out of warranty: repair only."))
    else:
        if serious_fault and days_since_purchase is not None:
            if days_since_purchase <= numbers.refund_days:
                kinds |= {OutcomeKind.REFUND, OutcomeKind.REPLACEMENT}
                reasons.append(_("A serious fault %(days)d days after purchase (at most %(limit)d): "
                                 "refund, replacement or repair, as the customer chooses.")
                               % {"days": days_since_purchase, "limit": numbers.refund_days})
            elif days_since_purchase <= numbers.replacement_days:
                kinds |= {OutcomeKind.REPLACEMENT}
                reasons.append(_("A serious fault %(days)d days after purchase (at most %(limit)d): "
                                 "replacement or repair.")
                               % {"days": days_since_purchase, "limit": numbers.replacement_days})
        if prior_repairs >= numbers.repairs_before_replacement:
            kinds |= {OutcomeKind.REPLACEMENT, OutcomeKind.REFUND}
            reasons.append(_("Repaired %(count)d times before for the same fault (replacement or "
                             "refund from %(limit)d).")
                           % {"count": prior_repairs, "limit": numbers.repairs_before_replacement})
        if kinds == {OutcomeKind.REPAIR}:
            reasons.append(_("In warranty: free repair."))
    order = list(OutcomeKind.values)
    return Entitlement(sorted(kinds, key=order.index), reasons)
