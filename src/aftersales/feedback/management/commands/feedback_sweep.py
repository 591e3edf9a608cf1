"""``aftersales feedback_sweep``: the daily safety net of surveys, run now.

It schedules surveys and follow-up calls for jobs completed since the day before yesterday that
have none, re-queues lost or stuck sendings, and (re)starts the task that repeats this every
morning. Run it once after installing, and from cron if you like: it is idempotent.
"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Schedule missing surveys and follow-up calls (idempotent)."

    def handle(self, *args, **options):
        from aftersales.feedback.services import surveys_schedule_missing

        count = surveys_schedule_missing()
        self.stdout.write(f"{count} survey(s) scheduled.")
