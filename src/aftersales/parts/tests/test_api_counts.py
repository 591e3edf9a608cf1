"""/api/v1/stock-counts/: a scanner opens a blind count, sends what it counted (many lines at
once, all or none, a part found on the shelf added), finishes; the supervisor approves and the
differences reach the stock ledger."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.parts.models import StockCount, StockMove

from .factories import PartFactory
from .test_counts import _english, _on_hand, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_blind_count_through_the_api(world):  # noqa: F811
    supervisor, agent, store = world["supervisor"], world["agent"], world["store"]
    api = _client(supervisor)
    opened = api.post("/api/v1/stock-counts/", {"warehouse": store.pk, "blind": True},
                      format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert body["status"] == "open" and body["blind"] is True
    assert {line["part_code"] for line in body["lines"]} == {"IGN-01", "PIPE-M", "VALVE-3"}
    assert all(line["expected"] is None for line in body["lines"])  # the books are hidden
    again = api.post("/api/v1/stock-counts/", {"warehouse": store.pk, "blind": True},
                     format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    assert again.json()["id"] == body["id"] and StockCount.objects.count() == 1
    url = f"/api/v1/stock-counts/{body['id']}/"

    # the counter's scanner: one bad line refuses the whole batch
    found = PartFactory(code="SEAL-9")
    counter = _client(agent)
    bad = counter.post(url + "lines/", {"lines": [{"part": "IGN-01", "counted": "9"},
                                                  {"part": "PIPE-M", "counted": "5.555"}]},
                       format="json")
    assert bad.status_code == 400 and "counted" in str(bad.json())
    assert StockCount.objects.get().lines.filter(counted__isnull=False).count() == 0
    sent = counter.post(url + "lines/", {"lines": [
        {"part": "IGN-01", "counted": "9"}, {"part": "PIPE-M", "counted": "5.5"},
        {"part": "VALVE-3", "counted": "3"}, {"part": "SEAL-9", "counted": "2"}]}, format="json")
    assert sent.status_code == 200, sent.content
    assert {line["part_code"] for line in sent.json()["lines"]} >= {"SEAL-9"}
    unknown = counter.post(url + "lines/", {"lines": [{"part": "NOPE", "counted": "1"}]},
                           format="json")
    assert unknown.status_code == 400

    finished = counter.post(url + "counted/", {}, format="json")
    assert finished.status_code == 200 and finished.json()["status"] == "counted"
    lines = {line["part_code"]: line for line in finished.json()["lines"]}
    assert lines["IGN-01"]["expected"] == "10.000" and lines["IGN-01"]["difference"] == "-1.000"
    assert lines["SEAL-9"]["difference"] == "2.000"
    # the counter may not approve; the supervisor does, once
    assert counter.post(url + "approve/", {}, format="json").status_code == 403
    approved = api.post(url + "approve/", {"version": finished.json()["version"]}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert _on_hand(store, world["ign"]) == Decimal("9") and _on_hand(store, found) == 2
    assert StockMove.objects.filter(reference__startswith="count:").count() == 2
    assert api.post(url + "approve/", {}, format="json").status_code == 409


def test_others_do_not_see_a_place_they_may_not_touch(world):  # noqa: F811
    stranger = UserFactory(role=Role.SUPERVISOR)  # another centre
    api = _client(stranger)
    refused = api.post("/api/v1/stock-counts/", {"warehouse": world["store"].pk}, format="json")
    assert refused.status_code in (400, 403)
    assert not StockCount.objects.exists()
    count = _client(world["supervisor"]).post("/api/v1/stock-counts/",
                                              {"warehouse": world["store"].pk},
                                              format="json").json()
    assert api.get(f"/api/v1/stock-counts/{count['id']}/").status_code == 404
    assert api.get("/api/v1/stock-counts/").json()["results"] == []
