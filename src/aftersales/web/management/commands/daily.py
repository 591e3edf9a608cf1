"""``aftersales daily``: the day's sweeps of every area, once a day from cron (after midnight).

Each sweep is idempotent (run twice, it does nothing more), so a missed or repeated day is
harmless. They are named here, at the top of the layers, because each belongs to its own app:
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

SWEEPS = [
    ("parts_sweep", "overdue faulty parts kept and charged, loan reminders, prices due"),
    ("contracts_sweep", "renewal notices and tasks of contracts ending within a month"),
    ("dealers_daily", "dealer monthly reports: opened, reminded, overdue"),
    ("care_daily", "care messages of the day, key-account visits after installations"),
    ("maintenance_generate", "next month's preventive maintenance visits"),
    ("invoicing_monthly", "last month's batch invoices of customers invoiced monthly"),
    ("complaints_monthly", "last month's complaint statistics (by the 10th)"),
]


class Command(BaseCommand):
    help = "Run every area's daily sweep (each idempotent): " + ", ".join(n for n, _w in SWEEPS)

    def handle(self, *args, **options):
        for name, what in SWEEPS:
            self.stdout.write(f"{name}: {what}")
            call_command(name, stdout=self.stdout, stderr=self.stderr)
