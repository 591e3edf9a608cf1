"""Background tasks of dispatch: they take ids, call services, and are idempotent."""

from django_tasks import task


@task()
def fire_clock_alert(clock_id: int, level: str) -> bool:
    from .clocks import clock_alert_fire

    return clock_alert_fire(clock_id=clock_id, level=level)
