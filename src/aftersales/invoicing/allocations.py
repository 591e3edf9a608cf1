"""One payment split over several invoices, without the database: the default split, oldest due
first. The reads that feed it are invoicing.selectors.invoices_open_for; the writes are
invoicing.services.allocations."""

from decimal import Decimal

ZERO = Decimal("0.00")


def split_oldest_first(amount: Decimal, outstanding: list[Decimal]) -> list[Decimal]:
    """``amount`` applied to invoices whose open amounts are ``outstanding`` (already in the
    order they fall due, oldest first): each takes what it has open until the money runs out;
    what is left over stays on account (the amount less the list's sum)."""
    left = max(amount, ZERO)
    split = []
    for open_amount in outstanding:
        taken = min(left, max(open_amount, ZERO))
        split.append(taken)
        left -= taken
    return split
