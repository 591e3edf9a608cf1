"""Background tasks of complaints: they take ids, call services and are idempotent."""

from django_tasks import task


@task()
def fire_step_alert(step_id: int, kind: str) -> bool:
    """A route step's reminder or urge note (CP-7), once."""
    from .services.route import step_alert_fire

    return step_alert_fire(step_id=step_id, kind=kind)


@task()
def fire_case_alert(complaint_id: int, kind: str) -> bool:
    """The whole case passed its 13/17 working days (CP-5), once."""
    from .services.route import case_alert_fire

    return case_alert_fire(complaint_id=complaint_id, kind=kind)


@task()
def produce_monthly_report() -> bool:
    """Last month's statistics by the 10th (RP-5), once; then the next month's run is queued."""
    from .services.stats import monthly_report_produce, monthly_report_schedule

    made = monthly_report_produce() is not None
    monthly_report_schedule()
    return made
