"""Document numbers: prefix + YYMM + serial that restarts each month, gap-free and unique.

The counter row is incremented inside the caller's transaction, so a rolled-back document also
rolls back its serial (no gaps), and the row lock serialises concurrent creators (no repeats).
The lock is held until the transaction ends, so a document that does more work after it is saved
takes its number last (``number_assign``): the lock then covers only the commit.
The increment is one ``UPDATE … RETURNING`` (PostgreSQL; SQLite ≥ 3.35): on PostgreSQL it takes
the row lock; on SQLite every transaction already holds the database write lock from its start
(transaction_mode IMMEDIATE, see config/env.py).
"""

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import DocumentCounter

SERIAL_DIGITS = 4


def period_of(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%y%m")


def period_bounds(period: str) -> tuple[datetime, datetime] | None:
    """The moments a period's numbers were made for, ``[since, until)``: "2611" is November 2026
    and "26" all of 2026, in the time zone ``period_of`` uses; None if it is no period."""
    if len(period) not in (2, 4) or not period.isdigit():
        return None
    year = 2000 + int(period[:2])
    if len(period) == 2:
        since, until = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    else:
        month = int(period[2:])
        if not 1 <= month <= 12:
            return None
        since = datetime(year, month, 1)
        until = datetime(year + month // 12, month % 12 + 1, 1)
    zone = timezone.get_current_timezone()
    return since.replace(tzinfo=zone), until.replace(tzinfo=zone)


def _counter_increment(connection, doc_type: str, period: str) -> int | None:
    """Add one to the counter and return the new value in one statement (the row stays locked
    until the transaction ends); None if the month has no counter row yet."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(DocumentCounter._meta.db_table)} SET {qn('last')} = {qn('last')} + 1 "
            f"WHERE {qn('doc_type')} = %s AND {qn('period')} = %s RETURNING {qn('last')}",
            [doc_type, period])
        row = cursor.fetchone()
    return row[0] if row else None


def _transaction_and_period(moment: datetime | None):
    """The document's connection (which must be inside its transaction: gap-free) and period."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("a document number must be taken inside the document's transaction")
    return connection, period_of(moment or timezone.now())


def next_number(doc_type: str, prefix: str, moment: datetime | None = None) -> str:
    connection, period = _transaction_and_period(moment)
    serial = _counter_increment(connection, doc_type, period)
    if serial is None:  # the month's first document: create the row (once, under concurrency)
        DocumentCounter.objects.bulk_create(
            [DocumentCounter(doc_type=doc_type, period=period, last=0)], ignore_conflicts=True
        )
        serial = _counter_increment(connection, doc_type, period)
    return f"{prefix}{period}{serial:0{SERIAL_DIGITS}d}"


def placeholder() -> str:
    """A unique stand-in number for a document whose real number is assigned at the end."""
    return "~" + secrets.token_hex(8)


def number_assign(instance, *, doc_type: str, prefix: str, moment: datetime | None = None,
                  field: str = "number") -> str:
    """Give a saved document its number, as the last write of its transaction.

    On PostgreSQL the counter's increment and the document's update are one statement (a
    data-modifying WITH): one round trip fewer on the busiest write, registering a call."""
    connection, period = _transaction_and_period(moment)
    number = None
    if connection.vendor == "postgresql":
        number = _counter_increment_into(connection, instance, field, doc_type,
                                         f"{prefix}{period}", period)
    if number is None:  # SQLite, or the month's first document on PostgreSQL
        number = next_number(doc_type, prefix, moment)
        type(instance).objects.filter(pk=instance.pk).update(**{field: number})
    setattr(instance, field, number)
    return number


def _counter_increment_into(connection, instance, field: str, doc_type: str, head: str,
                            period: str) -> str | None:
    """Increment the counter and write ``head`` + the zero-padded serial into the document's
    ``field`` in one statement; None if the month has no counter row yet."""
    qn = connection.ops.quote_name
    meta = instance._meta
    column = qn(meta.get_field(field).column)
    serial = "c.last::text"
    padded = f"CASE WHEN c.last < {10 ** SERIAL_DIGITS} THEN lpad({serial}, {SERIAL_DIGITS}, '0') " \
             f"ELSE {serial} END"
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH c AS (UPDATE {qn(DocumentCounter._meta.db_table)} SET {qn('last')} = "
            f"{qn('last')} + 1 WHERE {qn('doc_type')} = %s AND {qn('period')} = %s "
            f"RETURNING {qn('last')} AS last) "
            f"UPDATE {qn(meta.db_table)} SET {column} = %s || {padded} FROM c "
            f"WHERE {qn(meta.db_table)}.{qn(meta.pk.column)} = %s RETURNING {column}",
            [doc_type, period, head, instance.pk])
        row = cursor.fetchone()
    return row[0] if row else None
