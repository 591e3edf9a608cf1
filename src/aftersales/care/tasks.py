"""Background tasks of customer care: they call services and are idempotent (run daily)."""

from django_tasks import task


@task()
def send_care_messages() -> int:
    """Today's birthday, holiday, warranty and "is it working well?" messages, each once."""
    from .services import care_messages_send

    return care_messages_send()


@task()
def scan_key_account_installations() -> int:
    """FB-6: a visit due for each key account's new installation (once)."""
    from .services import visits_after_installation_ensure

    return visits_after_installation_ensure()


@task()
def deliver_product_notice(notice_id: int) -> int:
    """CR-1: a product notice's message to each owner of its model (resumable)."""
    from .services import product_notice_deliver

    return product_notice_deliver(notice_id=notice_id)
