from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.service.choices import OPEN_STATUSES

from .choices import ClockState
from .clocks import remaining
from .models import DeadlineClock


def clock_filters(now) -> dict[str, Q]:
    """What the queue and the dashboard count, and the lists behind them show, in one place:
    at risk (running, past the warning, not yet due), missed (a request still open whose
    deadline has passed: the clock runs past it, or was met late — history stays in the
    reports, not in today's figure) and paused (waiting on the customer)."""
    return {
        "at_risk": Q(state=ClockState.RUNNING, warn_at__lte=now, due_at__gt=now),
        "missed": Q(request__status__in=OPEN_STATUSES)
        & (Q(breached=True) | Q(state=ClockState.RUNNING, due_at__lte=now)),
        "paused": Q(state=ClockState.PAUSED),
    }


def clock_figures(clocks, now) -> dict:
    """Count ``clocks`` (any queryset of them) by ``clock_filters`` in one query."""
    return clocks.aggregate(**{name: Count("pk", filter=q)
                               for name, q in clock_filters(now).items()})


def clock_counts(*, user, centre=None, now=None) -> dict:
    """Dashboard figures for the clocks this user may see (of one centre, if given)."""
    clocks = DeadlineClock.objects.restrict(user, "view")
    if centre is not None:
        clocks = clocks.filter(request__service_centre=centre)
    return clock_figures(clocks, now or timezone.now())


def _duration_text(left) -> str:
    minutes = int(abs(left.total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    text = _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    return text if left.total_seconds() >= 0 else _("%(t)s overdue") % {"t": text}


def request_clocks(service_request, now=None) -> list[dict]:
    """The request's deadlines with the time left, for its page (working time where it counts)."""
    now = now or timezone.now()
    rows = []
    for clock in service_request.clocks.all():
        left = remaining(clock, service_request.service_centre, now)
        rows.append({
            "kind": clock.kind, "label": clock.get_kind_display(), "state": clock.state,
            "state_label": clock.get_state_display(), "due_at": clock.due_at,
            "breached": clock.breached, "extension_reason": clock.extension_reason,
            "left_text": _duration_text(left) if left is not None else "",
            "overdue": left is not None and left.total_seconds() < 0,
            "at_risk": clock.state == ClockState.RUNNING and clock.warn_at is not None
            and clock.warn_at <= now,
        })
    return rows
