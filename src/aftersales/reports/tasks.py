"""Background tasks of the reports: they take ids, call services, and are idempotent."""

from django_tasks import task


@task()
def generate_report(run_id: int) -> bool:
    """Compute a queued report run's figures (no-op if it already ran)."""
    from .services import report_run_execute

    return report_run_execute(run_id=run_id)


@task()
def run_report_schedule(schedule_id: int, chain: int) -> int:
    """A schedule's wake-up: queue the reports that fell due, book the next wake-up."""
    from .services import schedule_run

    return schedule_run(schedule_id=schedule_id, chain=chain)
