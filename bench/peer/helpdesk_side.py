"""The peer's side of bench/peer, run by its own interpreter (.venv-peer, django-helpdesk 2.6.1)
with ``helpdesk_site`` on the path:

    python helpdesk_side.py prepare   -> {"token": ..., "queue": ...}: a staff user, its API
                                         token and one queue, printed as JSON
    python helpdesk_side.py cost      -> what one ticket created through its API costs in-process
                                         (statements, CPU of this process and of its PostgreSQL
                                         backend per ticket), as bench/intake/cost.py measures ours

Kept apart from bench/peer/main.py because it imports the peer's Django project, not ours; of
this repository it imports only bench.intake.cost's ``measure`` (Django alone), so the
repository's root is on its path as well as ``helpdesk_site``'s folder.
"""

import json
import os
import sys

import django


def prepare() -> dict:
    from django.contrib.auth import get_user_model
    from helpdesk.models import Queue
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.create_superuser("bench.admin", "bench@example.com",
                                                      "bench-pass-1234")
    queue = Queue.objects.create(title="热水器报修", slug="repair",
                                 email_address="repair@example.com")
    return {"token": Token.objects.create(user=user).key, "queue": queue.pk}


def cost(queue: int) -> dict:
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from bench.intake.cost import measure

    token = Token.objects.get(user__username="bench.admin")
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token.key}",
                    HTTP_ACCEPT="application/json")

    def create(i):
        body = {"queue": queue, "title": "热水器打不着火", "priority": 3,
                "submitter_email": "customer@example.com",
                "description": f"热水器打不着火，显示E1 #cost-{i}"}
        response = client.post("/api/tickets/", json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content

    return measure(create)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
    django.setup()
    if sys.argv[1] == "prepare":
        result = prepare()
    else:
        result = cost(int(sys.argv[2]))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
