"""Background tasks of dispatch: they take ids, call services, and are idempotent."""

from django_tasks import task


@task()
def fire_clock_alert(clock_id: int, level: str) -> int:
    """An alert queued before the workers swept for due alerts (dispatch 0006): it still fires,
    once (the sweep and it make one alert)."""
    from .clocks import clock_alert_fire

    return clock_alert_fire(clock_id=clock_id, level=level)


@task()
def solve_day_plan(plan_id: int) -> bool:
    """Make a queued day plan: build the problem, run the solver, store the items."""
    from .plans import day_plan_solve

    return day_plan_solve(plan_id=plan_id)
