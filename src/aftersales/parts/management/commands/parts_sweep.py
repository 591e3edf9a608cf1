"""``aftersales parts_sweep``: the parts app's daily work, run now (PT-3).

Open return obligations past their due day count as kept and are charged; loans due tomorrow are
reminded; a price whose day has come becomes the part's unit price (catalogue). All are
idempotent (each obligation is charged once, each loan reminded once, however
often or concurrently this runs): run it daily from cron, or enqueue the tasks
``aftersales.parts.tasks.sweep_return_obligations`` and ``remind_loans`` from a scheduler.
"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("Count overdue faulty parts as kept and charge them; remind loans due tomorrow; "
            "bring in part prices whose day has come.")

    def handle(self, *args, **options):
        from aftersales.parts.services import loans_remind, obligations_sweep, part_prices_apply

        kept = obligations_sweep()
        reminded = loans_remind()
        repriced = part_prices_apply()
        self.stdout.write(f"{kept} faulty part(s) counted as kept; {reminded} loan reminder(s); "
                          f"{repriced} part price(s) now valid.")
