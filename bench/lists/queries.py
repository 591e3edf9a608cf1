"""Query counts and query plans of the list and detail pages (run by main.py, in-process).

    python -m bench.lists.queries '<json: {"query": "...", "pk": 123, "username": "..."}>'

For page sizes 10, 25 and 100 it counts the SQL queries of the API list and, when it exists, of
the request list page; it counts those of a request's page and of its API detail; and it runs
EXPLAIN (ANALYZE, BUFFERS) on the list page's queries, so that a slow page shows why.
"""

import json
import sys
import time

import django

PAGE_SIZES = (10, 25, 100)


def main() -> None:
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import Resolver404, resolve
    from rest_framework.authtoken.models import Token

    from aftersales.accounts.models import User

    args = json.loads(sys.argv[1])
    user = User.objects.get(username=args["username"])
    token, _created = Token.objects.get_or_create(user=user)
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token.key}",
                 HTTP_ACCEPT="application/json")
    web = Client(HTTP_HOST="127.0.0.1")
    web.force_login(user)

    def has_page(path: str) -> bool:
        try:
            resolve(path)
            return True
        except Resolver404:
            return False

    def measure(client, path: str) -> dict:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        return {"path": path, "queries": len(captured.captured_queries),
                "ms": round(elapsed * 1000, 1),
                "sql": [(q["sql"], float(q["time"])) for q in captured.captured_queries]}

    query, pk = args["query"], args["pk"]
    result = {"query": query, "username": user.username, "api_list": {}, "page_list": {}}
    for size in PAGE_SIZES:
        result["api_list"][size] = measure(api, f"/api/v1/service-requests/?{query}&page_size={size}")
    pages = has_page("/requests/")
    if pages:
        from aftersales.service.views import requests as list_views

        original = list_views.PAGE_SIZE
        try:
            for size in PAGE_SIZES:
                list_views.PAGE_SIZE = size
                result["page_list"][size] = measure(web, f"/requests/?{query}")
        finally:
            list_views.PAGE_SIZE = original
        result["page_detail"] = measure(web, f"/requests/{pk}/")
    result["api_detail"] = measure(api, f"/api/v1/service-requests/{pk}/")
    result["api_events"] = measure(api, f"/api/v1/service-requests/{pk}/events/")

    # Where the time goes: the list page's (or the API list's) slowest statements, explained.
    source = result["page_list"].get(25) or result["api_list"][25]
    slowest = sorted(source["sql"], key=lambda q: q[1], reverse=True)[:3]
    plans = []
    with connection.cursor() as cursor:
        for sql, seconds in slowest:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plans.append({"sql": sql, "seconds": seconds,
                          "plan": [row[0] for row in cursor.fetchall()]})
    result["plans"] = plans
    for part in (result["api_list"], result["page_list"]):
        for entry in part.values():
            entry["sql"] = [q[0] for q in entry["sql"]]
    for key in ("page_detail", "api_detail", "api_events"):
        if key in result:
            result[key]["sql"] = [q[0] for q in result[key]["sql"]]
    json.dump(result, sys.stdout, default=str)


if __name__ == "__main__":
    main()
