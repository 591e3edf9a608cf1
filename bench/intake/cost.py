"""What one request costs, one at a time, in-process (run by main.py after the load runs).

For the floor, the DRF floor, the API create and its ceiling (``raw``): the SQL statements of one
request, and over 200 requests the CPU time of this process (Django, DRF, the services) and of its
PostgreSQL backend per request. No HTTP server, no concurrency: this is the work itself, which the load runs then
multiply. Prints JSON.
"""

import json
import os
import random
import sys
import time
from pathlib import Path

import django

REQUESTS = 200


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(call) -> dict:
    """``call(i)`` makes one request; after 20 as a warm-up, the statements of one and, over
    REQUESTS more, the CPU of this process and of its PostgreSQL backend per request. Used for
    the peer too (bench/peer/helpdesk_side.py), in its own interpreter: Django only."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    for i in range(20):  # warm-up
        call(i)
    statements = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((sql, round((time.perf_counter() - started) * 1000, 2)))

    with connection.execute_wrapper(record):
        call(-1)
    cpu0, db0, wall0 = time.process_time(), backend_cpu(backend), time.perf_counter()
    for i in range(REQUESTS):
        call(i)
    cpu1, db1, wall1 = time.process_time(), backend_cpu(backend), time.perf_counter()
    return {
        "queries": len(statements),
        "statements": [{"sql": sql[:200], "ms": ms} for sql, ms in statements],
        "app_cpu_ms": round((cpu1 - cpu0) * 1000 / REQUESTS, 2),
        "db_cpu_ms": round((db1 - db0) * 1000 / REQUESTS, 2),
        "wall_ms": round((wall1 - wall0) * 1000 / REQUESTS, 2),
    }


def main() -> None:
    django.setup()
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from aftersales.accounts.models import User

    pairs = json.loads(sys.argv[1])
    user = User.objects.get(username="bench.agent")
    token, _created = Token.objects.get_or_create(user=user)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token.key}",
                    HTTP_ACCEPT="application/json")
    rng = random.Random(3)

    def create(path, i):
        customer, product = rng.choice(pairs)
        body = {"customer": customer, "installed_product": product, "channel": "phone",
                "description": f"热水器打不着火 #cost-{i}"}
        response = client.post(path, json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content

    def api(i):
        create("/api/v1/service-requests/", i)

    def raw(i):
        create("/bench/raw-create/", i)

    def floor(i):
        response = client.post("/bench/insert/", json.dumps({"mark": f"#cost-{i}"}),
                               content_type="application/json")
        assert response.status_code == 201, response.content

    def drf(i):
        response = client.post("/bench/api-insert/", json.dumps({"mark": f"#cost-{i}"}),
                               content_type="application/json")
        assert response.status_code == 201, response.content

    result = {name: measure(call) for name, call in (("floor", floor), ("drf", drf), ("api", api),
                                                       ("raw", raw))}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
