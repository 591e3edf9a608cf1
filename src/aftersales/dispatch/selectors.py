from django.db.models import Count, Q
from django.utils import timezone

from .choices import ClockState
from .models import DeadlineClock


def clock_counts(*, user, centre=None, now=None) -> dict:
    """Dashboard figures: running clocks at risk (past the warning) and missed."""
    now = now or timezone.now()
    clocks = DeadlineClock.objects.restrict(user, "view")
    if centre is not None:
        clocks = clocks.filter(request__service_centre=centre)
    return clocks.aggregate(
        at_risk=Count("pk", filter=Q(state=ClockState.RUNNING, warn_at__lte=now, due_at__gt=now)),
        missed=Count("pk", filter=Q(breached=True) | Q(state=ClockState.RUNNING, due_at__lte=now)),
        paused=Count("pk", filter=Q(state=ClockState.PAUSED)),
    )
