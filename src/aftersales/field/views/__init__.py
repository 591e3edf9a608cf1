from .jobs import (
    job_detail,
    job_finish,
    job_hours,
    job_list,
    job_parts,
    job_record,
    job_step,
    job_totals,
    part_search,
)
from .printing import print_receipt, print_repair_card, print_voucher
from .workshop import card_step, repair_card, workshop

__all__ = [
    "card_step", "job_detail", "job_finish", "job_hours", "job_list", "job_parts", "job_record",
    "job_step", "job_totals", "part_search", "print_receipt", "print_repair_card", "print_voucher",
    "repair_card", "workshop",
]
