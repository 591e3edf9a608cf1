"""``aftersales contracts_sweep``: the contracts' daily work, run now (AR-6).

Every maintenance contract whose last month has begun gets its renewal: a notice to the customer
(SMS and/or e-mail) and a task for the responsible person on the renewals page. Idempotent: a
contract's renewal is opened once however often or concurrently this runs (a unique row per
contract). Run it daily from cron, or enqueue ``aftersales.customers.tasks.open_contract_renewals``.
"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Open the renewals of maintenance contracts that end within a month (notice + task)."

    def handle(self, *args, **options):
        from aftersales.customers.services import contract_renewals_sweep

        opened = contract_renewals_sweep()
        self.stdout.write(f"{opened} contract renewal(s) opened.")
