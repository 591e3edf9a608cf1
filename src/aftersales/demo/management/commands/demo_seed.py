"""``aftersales demo_seed``: fill a fresh database with the demo company's month of work.

Idempotent: a database that already holds the demo is left alone (and the command says so);
``--reset`` empties a demo database and seeds it again. It never touches a database holding
data it did not make.
"""

import sys
import time
import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.core.validators import phone_display
from aftersales.demo import seed

BAR_WIDTH = 30


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


class Command(BaseCommand):
    help = "Fill an empty database with realistic demo data and print a login for each role."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true",
                            help="Empty the demo database first, then seed it again.")
        parser.add_argument("--scale", type=float, default=1.0,
                            help="Size of the data set (1 = ~300 customers, ~200 requests).")
        parser.add_argument("--seed", type=int, default=seed.DEFAULT_SEED,
                            help="Random seed: the same seed gives the same data.")
        parser.add_argument("--url", default=settings.SITE_URL.rstrip("/") + "/",
                            help="The address to print for the browser.")

    def handle(self, *args, **options):
        if not 0 < options["scale"] <= 10:
            raise CommandError(_("--scale must be more than 0 and at most 10."))
        present = seed.demo_present()
        if options["reset"]:
            if present is None and seed.foreign_data():
                raise CommandError(_(
                    "This database holds data that demo_seed did not make; --reset empties only "
                    "demo databases. Use a fresh database (AFTERSALES_DATA_DIR or DATABASE_URL)."))
            self.stdout.write(_("Emptying the demo database …"))
            seed.reset()
            present = None
        if present is not None:
            self.stdout.write(_(
                "Demo data is already there (seeded %(when)s); nothing changed. "
                "Run demo_seed --reset to start again.")
                % {"when": present.seeded_at.strftime("%Y-%m-%d %H:%M")})
            self._summary(options["url"])
            return
        foreign = seed.foreign_data()
        if foreign:
            raise CommandError(
                _("This database already holds data that demo_seed did not make (%(what)s); "
                  "demo data goes only into an empty database.") % {"what": ", ".join(foreign)})

        started = time.monotonic()
        seeder = seed.Seeder(scale=options["scale"], seed=options["seed"],
                             progress=self._progress_printer())
        run = seeder.run()
        counts = run.counts
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(_(
            "Demo data of %(company)s ready in %(seconds).1f s: %(customers)d customers, "
            "%(products)d installed products, %(contracts)d maintenance contracts, "
            "%(requests)d service requests.") % {
                "company": seed.catalogue.COMPANY, "seconds": time.monotonic() - started,
                "customers": counts["customers"], "products": counts["installed_products"],
                "contracts": counts["contracts"], "requests": counts["service_requests"]}))
        self._summary(options["url"])

    def _progress_printer(self):
        labels = {"staff": _("staff"), "catalogue": _("catalogue"), "customers": _("customers"),
                  "products": _("installed products"), "contracts": _("contracts"),
                  "requests": _("service requests")}
        interactive = self.stdout.isatty()
        state = {"label": None, "shown": -1}

        def show(label, done, total):
            percent = int(100 * done / total)
            if interactive:
                if percent == state["shown"] and done != total:
                    return
                filled = BAR_WIDTH * done // total
                self.stdout.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {percent:3d}% "
                                  f"{pad(labels.get(label, label), 16)}", ending="")
                self.stdout.flush()
            elif label != state["label"]:
                self.stdout.write(f"{percent:3d}% {labels.get(label, label)}")
            state["label"], state["shown"] = label, percent

        return show

    def _summary(self, url: str) -> None:
        write = self.stdout.write
        write("")
        write(_("Open %(url)s") % {"url": url})
        write("")
        rows = [(_("Role"), _("Username"), _("Password"), _("Name"))]
        seen = set()
        for login in seed.logins():
            # One line per role and centre; the other technicians follow the same pattern.
            key = (login.role, login.centre)
            if key in seen:
                continue
            seen.add(key)
            name = f"{login.name}（{login.centre}）" if login.centre else login.name
            rows.append((str(Role(login.role).label), login.username, seed.DEMO_PASSWORD, name))
        widths = [max(width(row[i]) for row in rows) + 2 for i in range(3)]
        for row in rows:
            write("  " + "".join(pad(cell, widths[i]) for i, cell in enumerate(row[:3])) + row[3])
        write("")
        write(_("More logins: pd.agent2, pd.tech1 … pd.tech5, sj.tech1 … sj.tech3; dealers' "
                "logins dealer1 … dealer3 (same password)."))
        write(self.style.WARNING(_(
            "The password %(password)s is for this demo only: never use demo data in production.")
            % {"password": seed.DEMO_PASSWORD}))
        try:
            portal = url.rstrip("/") + reverse("portal:login")
        except NoReverseMatch:
            portal = url.rstrip("/") + "/portal/"
        write(_("Customer portal: %(url)s — sign in with the mobile number %(phone)s (or "
                "%(email)s); the one-time code is printed on this console.") % {
                    "url": portal, "phone": phone_display(seed.PORTAL_PHONE),
                    "email": seed.PORTAL_EMAIL})
        sys.stdout.flush()
