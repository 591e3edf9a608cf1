"""Helpers the bench data generators share: logging, timed statements, index drop/rebuild."""

import sys
import time


def log(text: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def indexes_drop(cursor, tables: list[str]) -> list[str]:
    """Drop the plain indexes of the bulk tables (rebuilt after loading, which is much faster
    than maintaining them row by row); primary keys and unique constraints stay. Returns the
    definitions, to recreate them."""
    cursor.execute("""
        SELECT indexname, indexdef FROM pg_indexes i
        WHERE schemaname = 'public' AND tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
                   [tables])
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def run(cursor, sql: str, params=None, label: str = "") -> int:
    """Execute one statement; with a label, log its row count and duration."""
    started = time.monotonic()
    cursor.execute(sql, params)
    count = cursor.rowcount
    if label:
        log(f"{label}: {count if count >= 0 else ''} ({time.monotonic() - started:.1f} s)")
    return count


def load_finish(cursor, indexes: list[str]) -> None:
    """After a bulk load of service requests: the number counters where the numbers end (so
    that the product numbers on from there), the dropped indexes rebuilt, statistics."""
    run(cursor, """
        INSERT INTO core_documentcounter (doc_type, period, last)
        SELECT 'service_request', substring(number from 3 for 4),
               max(substring(number from 7)::int)
        FROM service_servicerequest GROUP BY 2
        ON CONFLICT (doc_type, period) DO UPDATE SET last = EXCLUDED.last""", None,
        "document counters")
    started = time.monotonic()
    for definition in indexes:
        cursor.execute(definition)
    log(f"{len(indexes)} indexes rebuilt ({time.monotonic() - started:.1f} s)")
    run(cursor, "VACUUM ANALYZE", None, "vacuum analyze")
