"""``manage.py maintenance_generate [--month YYYY-MM]``: next month's due maintenance visits
(the task ``aftersales.maintenance.tasks.generate_maintenance_visits`` from a daily timer)."""

from datetime import date

from django.core.management.base import BaseCommand

from aftersales.maintenance.services.generate import maintenance_visits_generate


class Command(BaseCommand):
    help = "Generate the due maintenance visits of next month (or --month YYYY-MM); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--month", default="", help="YYYY-MM (default: next month)")

    def handle(self, *args, **options):
        month = date.fromisoformat(options["month"] + "-01") if options["month"] else None
        created = maintenance_visits_generate(month=month)
        self.stdout.write(f"{created} maintenance visits generated")
