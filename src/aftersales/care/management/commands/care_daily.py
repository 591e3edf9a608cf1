"""``aftersales care_daily``: customer care's daily work, run now (FB-6, CR-1).

Key accounts' new installations get their visit due (once), then today's birthday, holiday,
warranty-expiry and "is it working well?" messages go out (each once per customer and occasion,
however often or concurrently this runs): run it daily from cron, or enqueue the tasks
``aftersales.care.tasks.scan_key_account_installations`` and ``send_care_messages`` from a
scheduler.
"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("Make key accounts' visits after new installations due; send today's care "
            "messages (each once).")

    def handle(self, *args, **options):
        from aftersales.care.services import care_daily

        done = care_daily()
        self.stdout.write(f"{done['visits']} visit(s) due after installation; "
                          f"{done['messages']} care message(s) sent.")
