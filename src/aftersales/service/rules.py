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
                  contract_active: bool = False,
                  contract_excludes: frozenset[str] | set[str] = frozenset()) -> Terms:
    """The category table of api-contract.md, in its order: D internal; C in warranty with no
    chargeable cause (the warranty pays first, contract or not); B when an active contract covers
    the product on the day and does not exclude the cause (billed under the contract, seed 000
    §(六)2); A every other case. Only A is ``chargeable``.

    ``contract_active``: a contract covers the product on ``reported_on`` (the caller looks it
    up); ``contract_excludes``: the causes that contract leaves out (chargeable per job)."""
    if internal:
        return Terms(False, False, Category.D, Decimal("0.00"))
    in_warranty = product is not None and product.covers(reported_on)
    if in_warranty and cause not in CHARGEABLE_CAUSES:
        category = Category.C
    elif contract_active and product is not None and cause not in contract_excludes:
        category = Category.B
    else:
        category = Category.A
    chargeable = category == Category.A
    fee = product.model.service_fee if (chargeable and product is not None) else Decimal("0.00")
    return Terms(in_warranty, chargeable, category, fee)
