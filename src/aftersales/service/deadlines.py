"""Arrival deadline of a request (DS-3), from the editable deadline policy of its region."""

from datetime import datetime

from aftersales.core.calendar import add_working_hours

FALLBACK_HOURS = {"urban": 6, "suburban": 7}


def arrival_deadline(reported_at: datetime, region_kind: str, centre) -> datetime:
    from aftersales.dispatch.choices import ClockKind
    from aftersales.dispatch.clocks import deadline_from, policy_for

    policy = policy_for(ClockKind.ARRIVAL, region_kind)
    if policy is None:
        return add_working_hours(reported_at, FALLBACK_HOURS.get(region_kind, 6), centre=centre)
    return deadline_from(policy, reported_at, centre)
