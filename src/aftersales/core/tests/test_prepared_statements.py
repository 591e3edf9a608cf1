"""Prepared statements on PostgreSQL (config.env.postgres_options, ADR 0015): a statement a
connection runs again and again is prepared on the server; DB_PREPARE_THRESHOLD=0 turns it off;
a list search runs unprepared, planned for its values (core.plans)."""

import pytest
from django.db import DataError, connection, transaction
from django.db.models import F

from aftersales.accounts.models import ServiceCentre
from aftersales.config.env import PREPARE_THRESHOLD, postgres_options
from aftersales.core.plans import plans_for_values

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="prepared statements are PostgreSQL's")


def test_statements_are_prepared_by_default_and_can_be_turned_off(monkeypatch):
    monkeypatch.delenv("DB_PREPARE_THRESHOLD", raising=False)
    assert postgres_options() == {"server_side_binding": True,
                                  "prepare_threshold": PREPARE_THRESHOLD}
    monkeypatch.setenv("DB_PREPARE_THRESHOLD", "2")
    assert postgres_options()["prepare_threshold"] == 2
    monkeypatch.setenv("DB_PREPARE_THRESHOLD", "0")  # PgBouncer in transaction mode
    assert postgres_options() == {}


def test_a_threshold_that_is_no_number_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("DB_PREPARE_THRESHOLD", "often")
    with pytest.raises(ValueError, match="DB_PREPARE_THRESHOLD must be a whole number"):
        postgres_options()


def _prepared(marker: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       [f"%{marker}%"])
        return cursor.fetchone()[0]


@postgres_only
@pytest.mark.django_db
def test_a_statement_run_often_is_prepared_once_on_the_server():
    threshold = connection.settings_dict["OPTIONS"].get("prepare_threshold")  # None: turned off
    centre = ServiceCentre.objects.create(code="PS", name="预编译服务中心")
    rows = ServiceCentre.objects.annotate(prepared_marker=F("code"))  # a statement of its own

    def codes(pk):
        return list(rows.filter(pk=pk).values_list("prepared_marker", flat=True))

    for _ in range(1, threshold or PREPARE_THRESHOLD):
        assert codes(centre.pk) == ["PS"]
    assert _prepared("prepared_marker") == 0  # not yet: run fewer times than the threshold
    for n in range(3):  # the same statement with other values is the same prepared one
        assert codes(centre.pk + n) == (["PS"] if n == 0 else [])
    assert _prepared("prepared_marker") == (1 if threshold else 0)


@postgres_only
@pytest.mark.django_db
def test_a_search_is_planned_for_its_values_and_the_connection_prepares_again_after():
    """core.plans: within ``plans_for_values`` (list searches) nothing is run prepared, so a
    generic plan never stands for every value; the connection's setting is back afterwards, also
    when the block fails."""
    threshold = connection.settings_dict["OPTIONS"].get("prepare_threshold")
    if threshold is None:
        pytest.skip("prepared statements are turned off (DB_PREPARE_THRESHOLD=0)")
    centre = ServiceCentre.objects.create(code="PV", name="按值计划服务中心")
    rows = ServiceCentre.objects.annotate(planned_marker=F("code"))

    def codes():
        return list(rows.filter(pk=centre.pk).values_list("planned_marker", flat=True))

    with plans_for_values():
        for _ in range(threshold + 3):
            assert codes() == ["PV"]
        assert _prepared("planned_marker") == 0
    with pytest.raises(ZeroDivisionError), plans_for_values():
        1 / 0  # noqa: B018
    assert connection.connection.prepare_threshold == threshold
    for _ in range(threshold + 1):  # counted from here: prepared on the run after the threshold
        codes()
    assert _prepared("planned_marker") == 1


@plans_for_values()
def _a_view(calls):
    calls.append(connection.connection.prepare_threshold if connection.vendor == "postgresql"
                 else "sqlite")


@pytest.mark.django_db
def test_as_a_decorator_each_call_turns_preparing_off_for_itself_alone():
    calls = []
    _a_view(calls)
    _a_view(calls)
    assert calls == ([None, None] if connection.vendor == "postgresql" else ["sqlite", "sqlite"])
    if connection.vendor == "postgresql":
        assert connection.connection.prepare_threshold == connection.settings_dict["OPTIONS"].get(
            "prepare_threshold")


def _random_page_cost() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('random_page_cost')")
        return cursor.fetchone()[0]


@postgres_only
@pytest.mark.django_db
def test_a_search_is_planned_at_the_random_page_cost_of_a_database_in_memory(settings):
    """ADR 0017: within ``plans_for_values`` reading pages out of order costs
    DB_SEARCH_RANDOM_PAGE_COST; the server's value is back afterwards, also when the block
    fails, and also when it fails inside a transaction it leaves broken."""
    before = _random_page_cost()
    assert before != "1.1"
    settings.DB_SEARCH_RANDOM_PAGE_COST = 1.1
    with plans_for_values():
        assert _random_page_cost() == "1.1"
    assert _random_page_cost() == before
    with pytest.raises(ZeroDivisionError), plans_for_values():
        assert _random_page_cost() == "1.1"
        1 / 0  # noqa: B018
    assert _random_page_cost() == before
    with pytest.raises(DataError), transaction.atomic():  # the error itself, not the restore's
        with plans_for_values(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")  # the transaction is broken: no statement runs
    assert _random_page_cost() == before  # the rollback undid it
    settings.DB_SEARCH_RANDOM_PAGE_COST = 0  # the server's own
    with plans_for_values():
        assert _random_page_cost() == before


def test_the_search_random_page_cost_is_1_1_or_what_the_environment_says(monkeypatch):
    from aftersales.config.env import search_random_page_cost

    monkeypatch.delenv("DB_SEARCH_RANDOM_PAGE_COST", raising=False)
    assert search_random_page_cost() == 1.1
    monkeypatch.setenv("DB_SEARCH_RANDOM_PAGE_COST", "0")
    assert search_random_page_cost() == 0
    monkeypatch.setenv("DB_SEARCH_RANDOM_PAGE_COST", "cheap")
    with pytest.raises(ValueError, match="DB_SEARCH_RANDOM_PAGE_COST must be a number"):
        search_random_page_cost()
    monkeypatch.setenv("DB_SEARCH_RANDOM_PAGE_COST", "-1")
    with pytest.raises(ValueError, match="must be at least 0"):
        search_random_page_cost()
