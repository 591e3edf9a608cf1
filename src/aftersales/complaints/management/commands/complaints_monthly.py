"""``aftersales complaints_monthly``: last month's complaint statistics (CP-12, RP-5), now.

Stores the month once if today is the 1st–10th (``--force``: any day), and queues the task
``aftersales.complaints.tasks.produce_monthly_report`` for the 1st of next month, which queues
itself again each month. Idempotent: a second run stores nothing new.
"""

from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Produce last month's complaint statistics (once) and queue next month's run."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Produce it even after the 10th.")

    def handle(self, *args, force=False, **options):
        from aftersales.complaints.services.stats import (
            monthly_report_produce,
            monthly_report_schedule,
        )

        with transaction.atomic():
            report = monthly_report_produce(force=force)
            run = monthly_report_schedule()
        made = f"stored {report.month:%Y-%m}" if report else "nothing new"
        self.stdout.write(f"complaints monthly report: {made}; next run {run:%Y-%m-%d %H:%M}")
