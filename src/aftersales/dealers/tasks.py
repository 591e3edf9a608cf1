"""Background tasks of the dealer network: they call services and are idempotent (run daily)."""

from django_tasks import task


@task()
def remind_dealer_reports() -> dict:
    """Last month's dealer reports: rows opened, reminders before the 3rd, overdue notices after
    it — each once (RP-4)."""
    from .services import reports_remind

    return reports_remind()
