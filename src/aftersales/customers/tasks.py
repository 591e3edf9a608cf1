"""Background tasks of the customers app: they call services and are idempotent (run daily)."""

from django_tasks import task


@task()
def open_contract_renewals() -> int:
    """Contracts whose last month has begun: the renewal notice and task, once each (AR-6)."""
    from .services import contract_renewals_sweep

    return contract_renewals_sweep()
