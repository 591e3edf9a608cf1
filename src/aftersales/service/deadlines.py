"""Arrival deadline of a request (DS-3). The business calendar lives in core.calendar."""

from datetime import datetime

from aftersales.accounts.choices import RegionKind
from aftersales.core.calendar import add_working_hours

ARRIVAL_HOURS = {RegionKind.URBAN: 6, RegionKind.SUBURBAN: 7}


def arrival_deadline(reported_at: datetime, region_kind: str, centre) -> datetime:
    hours = ARRIVAL_HOURS.get(region_kind, ARRIVAL_HOURS[RegionKind.URBAN])
    return add_working_hours(reported_at, hours, centre=centre)
