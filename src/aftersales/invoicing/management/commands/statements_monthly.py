"""``aftersales statements_monthly [YYMM]``: mail every customer his statement of account for
last month (or the given month), each once for the month — run it again to reach those added
since; it lists the customers without an e-mail address, to print for. Run it from cron after
the month's invoices, or enqueue ``aftersales.invoicing.tasks.send_monthly_statements``."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Mail every customer his statement of account for a month (default: last month)."

    def add_arguments(self, parser):
        parser.add_argument("period", nargs="?", help="the month as YYMM, e.g. 2611")

    def handle(self, *args, **options):
        from django.core.exceptions import ValidationError

        from aftersales.invoicing.services import last_period, statements_send_for_month

        period = options.get("period") or last_period()
        interactive = self.stdout.isatty()

        def progress(done: int, total: int) -> None:
            line = f"{done}/{total} customers"
            if interactive:
                self.stdout.write(f"\r{line}", ending="")
            elif done == total or done % 100 == 0:
                self.stdout.write(line)

        try:
            result = statements_send_for_month(actor=None, period=period, on_progress=progress)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if interactive:
            self.stdout.write("")
        self.stdout.write(f"{period}: {len(result.sent)} statement(s) sent, "
                          f"{len(result.before)} sent before, "
                          f"{len(result.no_address)} customer(s) without an e-mail address.")
        for customer in result.no_address:
            self.stdout.write(f"  to print: {customer.name} ({customer.phone})")
