"""Background tasks of invoicing: they call services and are idempotent."""

from django_tasks import task


@task()
def issue_monthly_invoices(period: str | None = None) -> int:
    """The month's batch (default: last month) for customers invoiced monthly: one invoice
    each; running it again, or twice at once, invoices each job once."""
    from .services import invoices_issue_for_period, last_period

    return len(invoices_issue_for_period(actor=None, period=period or last_period()))
