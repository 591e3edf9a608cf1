"""Where one API create's CPU goes, piece by piece (run by main.py after the load runs).

    python -m bench.intake.pieces '<json: the (customer, product) pairs>'

Wraps the steps of ``POST /api/v1/service-requests/`` — authentication, the serializer's
validation (and within it the product and customer read), the service (its terms, event, clock,
number and inserts), the response — in timers of this thread's CPU time, sends the requests
through Django's WSGI handler (no HTTP server, no test client: the test client keeps a little of
every request) one at a time, and prints JSON: milliseconds of CPU per create for each piece,
nested pieces included in their parent, and the whole. The DRF floor (``/bench/api-insert/``) is
measured the same way, so that what registering adds shows beside what every API call costs.
The database's own CPU is not in these figures (bench/intake/cost.py reports it).
"""

import io
import json
import random
import sys
import time

import django

REQUESTS = 400
WARM_UP = 50


def main() -> None:
    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.utils.functional import cached_property
    from rest_framework import renderers
    from rest_framework import serializers as drf_serializers
    from rest_framework import views as drf_views
    from rest_framework.authtoken.models import Token

    from aftersales.accounts.models import User
    from aftersales.api import fields as api_fields
    from aftersales.api import serializers as api_serializers
    from aftersales.api import views as api_views
    from aftersales.service import services

    pairs = json.loads(sys.argv[1])
    user = User.objects.get(username="bench.agent")
    token, _created = Token.objects.get_or_create(user=user)
    handler = WSGIHandler()

    def post(path: str, payload: dict) -> None:
        body = json.dumps(payload).encode()
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Token {token.key}", "HTTP_ACCEPT": "application/json",
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "REMOTE_ADDR": "127.0.0.1"}
        statuses = []
        response = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(response)
        response.close()
        if not statuses[0].startswith("201"):
            raise SystemExit(f"POST {path} answered {statuses[0]}")

    spent: dict[str, float] = {}

    def timed(owner, name: str, label: str) -> None:
        """Add the CPU time of every call of ``owner.name`` to ``spent[label]``."""
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        if isinstance(original, cached_property):  # a serializer's fields
            compute = original.real_func

            def wrapper(self):
                started = time.thread_time()
                try:
                    return compute(self)
                finally:
                    spent[label] = spent.get(label, 0.0) + time.thread_time() - started
            replacement = cached_property(wrapper)
            replacement.__set_name__(owner, name)
        else:
            def replacement(*args, **kwargs):
                started = time.thread_time()
                try:
                    return original(*args, **kwargs)
                finally:
                    spent[label] = spent.get(label, 0.0) + time.thread_time() - started
        setattr(owner, name, replacement)

    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models import Model

    pieces = (
            (drf_views.APIView, "dispatch", "view (DRF dispatch, all below)"),
            (drf_views.APIView, "initial", "· authentication, permissions"),
            (drf_serializers.Serializer, "run_validation", "· validation"),
            (api_fields.OwnerOfRelatedField, "to_internal_value", "· · product and customer read"),
            (drf_serializers.Serializer, "fields", "· · the serializer's fields"),
            (api_views.RestrictedViewSet, "perform_create", "· service_request_create"),
            (services, "service_request_terms", "· · terms (SR-2 … SR-4)"),
            (services, "event_append", "· · event"),
            (services, "react", "· · other apps' handlers (the clock)"),
            (services, "number_assign", "· · number"),
            (Model, "save_base", "· · model inserts (API: request, event, clock; floor: its row)"),
            (drf_serializers.Serializer, "to_representation", "· response"),
            (api_serializers.ServiceRequestSerializer, "get_clocks", "· · clocks"),
            (renderers.JSONRenderer, "render", "· JSON rendering"),
            (BaseDatabaseWrapper, "commit", "· · commit"))
    for owner, name, label in pieces:
        timed(owner, name, label)

    rng = random.Random(4)
    creates = iter(range(10**9))

    def api() -> None:
        customer, product = rng.choice(pairs)
        post("/api/v1/service-requests/", {
            "customer": customer, "installed_product": product, "channel": "phone",
            "description": f"热水器打不着火 #pieces-{next(creates)}"})

    def drf() -> None:
        post("/bench/api-insert/", {"mark": f"#pieces-{next(creates)}"})

    result = {}
    for endpoint, call in (("drf", drf), ("api", api)):
        for _ in range(WARM_UP):
            call()
        spent.clear()
        started = time.thread_time()
        for _ in range(REQUESTS):
            call()
        whole = time.thread_time() - started
        result[endpoint] = {"whole_ms": round(whole * 1000 / REQUESTS, 3),
                            "pieces_ms": {label: round(spent[label] * 1000 / REQUESTS, 3)
                                          for _owner, _name, label in pieces if label in spent}}
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
