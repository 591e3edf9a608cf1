"""Money on invoicing documents: Decimal with two places, half-up, tax split per line."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
DEFAULT_TAX_RATE = Decimal("13")


def money(value) -> Decimal:
    """``value`` as two-place Decimal, half-up; ValidationError if it is no number."""
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter an amount such as 120.50.")) from None
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        raise ValidationError(_("Enter an amount such as 120.50."))
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def tax_rate() -> Decimal:
    """The VAT rate in percent shown on invoices (setting INVOICE_TAX_RATE, default 13)."""
    return Decimal(str(getattr(settings, "INVOICE_TAX_RATE", DEFAULT_TAX_RATE)))


def tax_split(gross: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    """A tax-inclusive line amount split into (amount before tax, tax), each half-up to the
    cent; the two always add up to ``gross``."""
    net = (gross * 100 / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    return net, gross - net
