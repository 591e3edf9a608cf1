"""Warranty, chargeability, category and rough charge of a request (SR-2, SR-3, SR-4).

Pure functions of their inputs, so the intake screen, the API and the tests agree.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .choices import CHARGEABLE_CAUSES, Category


@dataclass(frozen=True)
class Terms:
    in_warranty: bool
    chargeable: bool
    category: str
    estimated_charge: Decimal

    @property
    def needs_agreement(self) -> bool:
        """SR-4: chargeable work waits for the customer's agreement."""
        return self.chargeable and self.category != Category.D


def request_terms(*, product, reported_on: date, cause: str = "", internal: bool = False,
                  contract_active: bool = False) -> Terms:
    if internal:
        return Terms(False, False, Category.D, Decimal("0.00"))
    in_warranty = product is not None and product.covers(reported_on)
    chargeable = (not in_warranty) or (cause in CHARGEABLE_CAUSES)
    if chargeable:
        category = Category.A
    elif contract_active:
        category = Category.B
    else:
        category = Category.C
    fee = product.model.service_fee if (chargeable and product is not None) else Decimal("0.00")
    return Terms(in_warranty, chargeable, category, fee)
