"""Document numbers: prefix + YYMM + serial that restarts each month, gap-free and unique.

The counter row is incremented inside the caller's transaction, so a rolled-back document also
rolls back its serial (no gaps), and the row lock serialises concurrent creators (no repeats).
On PostgreSQL the lock is SELECT … FOR UPDATE; on SQLite every transaction already holds the
database write lock from its start (transaction_mode IMMEDIATE, see config/env.py).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import DocumentCounter

SERIAL_DIGITS = 4


def period_of(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%y%m")


def next_number(doc_type: str, prefix: str, moment: datetime | None = None) -> str:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the document's transaction")
    period = period_of(moment or timezone.now())
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(doc_type=doc_type, period=period, last=0)], ignore_conflicts=True
    )
    counter = DocumentCounter.objects.select_for_update().get(doc_type=doc_type, period=period)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}{period}{counter.last:0{SERIAL_DIGITS}d}"
