from .carry_in import ProductReceipt, RegisterEntry, RepairCard
from .request import ServiceRequest
from .work import LaborEntry, PartUsage, Signature, Visit

__all__ = [
    "LaborEntry", "PartUsage", "ProductReceipt", "RegisterEntry", "RepairCard",
    "ServiceRequest", "Signature", "Visit",
]
