"""``aftersales invoicing_monthly [YYMM]``: last month's (or the given month's) invoices for
customers invoiced monthly (BL-1). Idempotent: run it from cron on the 1st of each month, or
enqueue the task ``aftersales.invoicing.tasks.issue_monthly_invoices`` from a scheduler."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Issue the month's batch invoices for customers invoiced monthly (default: last month)."

    def add_arguments(self, parser):
        parser.add_argument("period", nargs="?", help="the month as YYMM, e.g. 2611")

    def handle(self, *args, **options):
        from django.core.exceptions import ValidationError

        from aftersales.invoicing.services import invoices_issue_for_period, last_period

        period = options.get("period") or last_period()
        try:
            issued = invoices_issue_for_period(actor=None, period=period)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"{len(issued)} invoice(s) issued for {period}.")
