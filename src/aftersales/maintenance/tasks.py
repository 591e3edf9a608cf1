"""Background tasks of the maintenance app: they call services and are idempotent."""

from django_tasks import task


@task()
def generate_maintenance_visits(month: str = "") -> int:
    """Generate next month's due maintenance visits (or those of ``month``, "YYYY-MM-DD");
    run daily or monthly: a second run creates nothing."""
    from datetime import date

    from .services.generate import maintenance_visits_generate

    return maintenance_visits_generate(month=date.fromisoformat(month) if month else None)
