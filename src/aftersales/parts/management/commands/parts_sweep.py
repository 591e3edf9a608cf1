"""``aftersales parts_sweep``: the parts app's daily work, run now (PT-3).

Open return obligations past their due day count as kept and are charged; loans due tomorrow are
reminded and those ``LOAN_KEPT_AFTER_DAYS`` past their due date count as kept and are charged; a
price whose day has come becomes the part's unit price (catalogue). All are
idempotent (each obligation is charged once, each loan reminded once, however
often or concurrently this runs): run it daily from cron, or enqueue the tasks
``aftersales.parts.tasks.sweep_return_obligations``, ``remind_loans`` and ``sweep_loans`` from a
scheduler.
"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("Count overdue faulty parts as kept and charge them; remind loans due tomorrow; "
            "count loans long overdue as kept and charge them; "
            "bring in part prices whose day has come.")

    def handle(self, *args, **options):
        from aftersales.parts.services import (
            loans_remind,
            loans_sweep,
            obligations_sweep,
            part_prices_apply,
        )

        kept = obligations_sweep()
        reminded = loans_remind()
        loans_kept = loans_sweep()
        repriced = part_prices_apply()
        self.stdout.write(f"{kept} faulty part(s) counted as kept; {reminded} loan reminder(s); "
                          f"{loans_kept} loan(s) counted as kept; {repriced} part price(s) now valid.")
