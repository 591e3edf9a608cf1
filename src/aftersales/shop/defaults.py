"""The seed's defaults for the admin-editable tables (house style rule 11)."""

from .choices import FeePayer, Reason

# EC-2: quality problem → the shop pays (the buyer advances it and is refunded); otherwise the
# buyer pays; damaged by the courier → refuse delivery. A wrong item sent is the shop's fault.
SHIPPING_FEE_PAYERS = {
    Reason.QUALITY: FeePayer.SHOP,
    Reason.WRONG_ITEM: FeePayer.SHOP,
    Reason.NO_REASON: FeePayer.BUYER,
    Reason.COURIER_DAMAGE: FeePayer.REFUSE,
    Reason.OTHER: FeePayer.BUYER,
}
