"""Background tasks of the parts app: they call services and are idempotent (run them daily)."""

from django_tasks import task


@task()
def sweep_return_obligations() -> int:
    """Open return obligations past their due day count as kept and are charged (once)."""
    from .services.returns import obligations_sweep

    return obligations_sweep()


@task()
def remind_loans() -> int:
    """Loans due tomorrow: whoever lent them is reminded (once)."""
    from .services.loans import loans_remind

    return loans_remind()


@task()
def sweep_loans() -> int:
    """Loans long past their due date count as kept and are charged (once)."""
    from .services.loans import loans_sweep

    return loans_sweep()
