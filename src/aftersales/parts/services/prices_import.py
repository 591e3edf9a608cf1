"""The yearly price list imported from Excel (PT-1; docs/parts.md, "Price list pages").

The file is read (``prices_sheet.price_sheet_read``) and planned
(``selectors_prices.price_import_plan``) first: the page shows what would change. Importing
writes every new row through ``part_prices_add`` (``part_price_set``'s rules for many rows)
in one transaction, or nothing: a file with one
error row imports nothing. Importing the same file again finds every row unchanged and adds
none (one price row per part and day; a row is never edited)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.exceptions import PermissionDenied

from ..selectors_prices import ImportPlan, SheetRow, price_import_plan
from .prices import may_set_prices, part_prices_add


def price_list_import(*, actor, rows: list[SheetRow]) -> ImportPlan:
    """Adds the new price rows of an uploaded price list, all of them or none (managers and
    administrators). Returns the plan it carried out; a plan with errors is a ValidationError
    naming the rows, and nothing is written."""
    if not may_set_prices(actor):
        raise PermissionDenied(_("Only service managers and administrators set prices."))
    with transaction.atomic():
        plan = price_import_plan(rows)
        if plan.errors:
            raise ValidationError([
                _("Row %(row)s: %(errors)s") % {"row": row.number, "errors": " ".join(row.errors)}
                for row in plan.errors])
        part_prices_add(actor=actor, rows=[(row.part, row.cost, row.price, row.valid_from)
                                           for row in plan.changes])
    return plan
