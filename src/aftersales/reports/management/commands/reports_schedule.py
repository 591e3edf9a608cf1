"""``aftersales reports_schedule``: create the report schedules (if missing) and start their
chains of wake-ups. Safe to run again (after a deploy, or after a worker lost its queue): each
run starts a new chain and the older one stands down."""

from django.core.management.base import BaseCommand

from aftersales.reports.services import schedule_start, schedules_ensure


class Command(BaseCommand):
    help = "Create the report schedules and (re)start them in the background worker."

    def handle(self, *args, **options):
        for schedule in schedules_ensure():
            started = schedule_start(schedule=schedule)
            state = "next run" if started.enabled else "disabled; would run"
            self.stdout.write(f"{started.kind}: {state} {started.next_run_at:%Y-%m-%d %H:%M %Z}")
