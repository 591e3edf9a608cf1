"""Background tasks of invoicing: they call services and are idempotent."""

from django_tasks import task


@task()
def issue_monthly_invoices(period: str | None = None) -> int:
    """The month's batch (default: last month) for customers invoiced monthly: one invoice
    each; running it again, or twice at once, invoices each job once."""
    from .services import invoices_issue_for_period, last_period

    return len(invoices_issue_for_period(actor=None, period=period or last_period()))


@task()
def send_monthly_statements(period: str | None = None, actor_id: int | None = None) -> dict:
    """Every customer his statement of account for the month (default: last month), each once
    for the month: running it again mails only those not reached yet."""
    from django.contrib.auth import get_user_model

    from .services import last_period, statements_send_for_month

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    result = statements_send_for_month(actor=actor, period=period or last_period())
    return {"period": result.period, "sent": len(result.sent), "before": len(result.before),
            "no_address": [c.pk for c in result.no_address]}
