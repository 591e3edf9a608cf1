"""``aftersales dealers_daily``: the dealer network's daily work, run now (RP-4).

Opens last month's report row of every active dealer, reminds the dealers whose report is due
(up to the 3rd) and tells the service department of the reports overdue after it — each once,
however often or concurrently this runs: run it daily from cron, or enqueue the task
``aftersales.dealers.tasks.remind_dealer_reports`` from a scheduler.
"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Open last month's dealer reports; remind those due; report those overdue (once each)."

    def handle(self, *args, **options):
        from aftersales.dealers.services import reports_remind

        sent = reports_remind()
        self.stdout.write(f"{sent['reminded']} dealer report reminder(s); "
                          f"{sent['overdue']} overdue report notice(s).")
