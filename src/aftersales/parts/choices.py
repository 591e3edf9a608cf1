from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WarehouseKind(models.TextChoices):
    CENTRAL = "central", _("Central warehouse")
    CENTRE = "centre", _("Service centre store")
    VAN = "van", _("Technician's van")
    DEALER = "dealer", _("Dealer's stock")


class MoveKind(models.TextChoices):
    """Why stock moved. Every kind but a count adjustment has one sign: in (+) or out (−)."""

    RECEIPT = "receipt", pgettext_lazy("stock move", "Receipt")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    ISSUE = "issue", _("Issued to a job")
    RETURN = "return", _("Returned from a job")
    LOAN_OUT = "loan_out", _("Lent out")
    LOAN_BACK = "loan_back", _("Loan returned")
    SCRAP = "scrap", _("Scrapped")
    SHIP = "ship", _("Shipped to a buyer")  # an online shop's exchange (shop app)
    ADJUSTMENT = "adjustment", _("Count adjustment")


INWARD = frozenset({MoveKind.RECEIPT, MoveKind.TRANSFER_IN, MoveKind.RETURN, MoveKind.LOAN_BACK})
OUTWARD = frozenset({MoveKind.TRANSFER_OUT, MoveKind.ISSUE, MoveKind.LOAN_OUT, MoveKind.SCRAP,
                     MoveKind.SHIP})


class PaymentMethod(models.TextChoices):
    """How a dealer paid for a parts order; a refund is the row a paid order's cancel adds."""

    TRANSFER = "transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    REFUND = "refund", _("Refund")


# how a dealer's payment may be recorded (a refund row is the cancel's own)
PAYABLE_METHODS = [(m.value, m.label) for m in (PaymentMethod.TRANSFER, PaymentMethod.CASH)]
