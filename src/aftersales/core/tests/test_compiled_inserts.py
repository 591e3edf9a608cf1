"""Inserts compiled once per connection (core.compiled_inserts, ADR 0020): Django's SQL, the same
rows as Django's own way writes, the instance given its key and times as before, compiled on the
first save only; whatever the SQL could depend on goes Django's whole way."""

from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, connections, models, transaction
from django.db.models import Value
from django.db.models.functions import Now, Upper
from django.db.models.sql import InsertQuery
from django.test.utils import CaptureQueriesContext, isolate_apps

from aftersales.accounts.models import ServiceCentre
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core import compiled_inserts
from aftersales.core.compiled_inserts import CompiledInsert
from aftersales.core.models import Event

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def djangos_way(monkeypatch):
    """Switches compiled inserts off: every save goes Django's own way, for comparison."""

    def switch_off():
        monkeypatch.setattr(CompiledInsert, "_do_insert", models.Model._do_insert)

    return switch_off


def _event(actor, **changes) -> Event:
    """An event about ``actor`` (any row will do as its subject)."""
    values = dict(content_type=ContentType.objects.get_for_model(actor), object_id=actor.pk,
                  action="registered", from_state="", to_state="new", actor=actor,
                  at=datetime(2026, 12, 5, 9, 30, 15, 123456, SHANGHAI), note="电话报修 — 第一次",
                  data={"fee": Decimal("80.00"), "when": datetime(2026, 12, 5, 8, 0, tzinfo=SHANGHAI),
                        "list": [1, "二", None], "quote": "it's \"quoted\""})
    values.update(changes)
    return Event(**values)


def _row(model, pk) -> dict:
    return model.objects.filter(pk=pk).values().get()


def test_a_compiled_insert_writes_the_row_djangos_way_writes(djangos_way):
    actor = UserFactory()
    compiled = _event(actor)
    compiled.save()
    djangos_way()
    plain = _event(actor)
    plain.save()
    assert compiled.pk and plain.pk and compiled.pk != plain.pk
    ours, theirs = _row(Event, compiled.pk), _row(Event, plain.pk)
    assert ours.pop("id") == compiled.pk and theirs.pop("id") == plain.pk
    assert ours == theirs
    assert ours["data"]["fee"] == "80.00" and ours["data"]["list"] == [1, "二", None]


def test_the_instance_gets_its_key_and_times_as_it_does_django_s_way():
    centre = ServiceCentre(code="CI1", name="编译插入中心", opens_at=time(9, 0),
                           lat=Decimal("31.230416"))
    assert centre.created_at is None
    centre.save()
    stored = ServiceCentre.objects.get(code="CI1")
    assert centre.pk == stored.pk and centre._state.adding is False
    assert centre.created_at == stored.created_at and centre.updated_at == stored.updated_at
    assert stored.opens_at == time(9, 0) and stored.lat == Decimal("31.230416")
    assert stored.closes_at == time(17, 30) and stored.version == 1  # defaults


def test_the_sql_is_what_djangos_compiler_writes_for_the_row():
    centre = ServiceCentre(code="CI2", name="中心")
    centre.save()
    meta = ServiceCentre._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    key = (ServiceCentre, tuple(map(id, fields)), tuple(map(id, meta.db_returning_fields)))
    kept = compiled_inserts._by_connection[connections["default"]][key]
    query = InsertQuery(ServiceCentre)
    query.insert_values(fields, [ServiceCentre(code="CI3", name="中心")])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = meta.db_returning_fields
    [(sql, params)] = compiler.as_sql()
    assert kept.sql == sql and len(params) == len(fields)


def test_a_model_s_insert_is_compiled_once_per_connection(request):
    ServiceCentre.objects.create(code="CI4", name="一")  # compiled here, if not before
    compiled = request.getfixturevalue("compiled_models")  # from here on
    with CaptureQueriesContext(connection) as queries:
        for n in range(3):
            ServiceCentre.objects.create(code=f"CI5{n}", name="二")
    assert len(queries) == 3  # one statement a save
    assert ServiceCentre not in compiled
    assert ServiceCentre.objects.filter(code__startswith="CI5").count() == 3


def test_a_compiled_insert_is_compiled_anew_without_it(request, djangos_way):
    """The counting fixture sees Django's insert compiler: the test above could fail."""
    ServiceCentre.objects.create(code="CI6", name="一")
    djangos_way()
    compiled = request.getfixturevalue("compiled_models")
    ServiceCentre.objects.create(code="CI7", name="二")
    assert compiled == [ServiceCentre]


def test_expressions_and_raw_saves_go_djangos_way():
    upper = ServiceCentre(code="CI8", name=Upper(Value("branch")))
    upper.save()
    assert ServiceCentre.objects.get(code="CI8").name == "BRANCH"
    actor = UserFactory()
    event = _event(actor, at=Now())
    event.save()
    assert Event.objects.get(pk=event.pk).at is not None
    raw = ServiceCentre(code="CI9", name="原样", created_at=datetime(2026, 1, 2, 3, 4, tzinfo=SHANGHAI),
                        updated_at=datetime(2026, 1, 2, 3, 4, tzinfo=SHANGHAI))
    raw.save_base(raw=True)  # as loaddata saves: no pre_save, the times as given
    assert ServiceCentre.objects.get(code="CI9").created_at == datetime(2026, 1, 2, 3, 4,
                                                                       tzinfo=SHANGHAI)


def test_a_refused_insert_raises_djangos_error_and_leaves_nothing(transactional_db):
    ServiceCentre.objects.create(code="CI10", name="一")
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            ServiceCentre.objects.create(code="CI11", name="二")
            ServiceCentre.objects.create(code="CI10", name="重复")
    assert not ServiceCentre.objects.filter(code="CI11").exists()
    with pytest.raises(IntegrityError):  # the table's check: closes after it opens
        ServiceCentre.objects.create(code="CI12", name="三", opens_at=time(18), closes_at=time(9))
    ServiceCentre.objects.create(code="CI13", name="四")  # the connection is still good
    assert ServiceCentre.objects.filter(code__in=["CI10", "CI13"]).count() == 2


def test_a_child_s_save_inserts_its_parent_s_row_into_the_parent_s_table(transactional_db):
    """Multi-table inheritance: a child's save inserts one row per table, each compiled for the
    model whose table it is (none of ours inherit so today; the mechanism must not assume it)."""
    with isolate_apps("aftersales.core"):
        class Parent(CompiledInsert, models.Model):
            name = models.CharField(max_length=20)

            class Meta:
                app_label = "core"
                db_table = "test_compiled_parent"

        class Child(Parent):
            size = models.IntegerField()

            class Meta:
                app_label = "core"
                db_table = "test_compiled_child"

        with connection.schema_editor() as editor:
            editor.create_model(Parent)
            editor.create_model(Child)
        try:
            made = [Child.objects.create(name=f"第{n}个", size=n) for n in range(3)]
            assert [(c.name, c.size) for c in Child.objects.order_by("pk")] == \
                [("第0个", 0), ("第1个", 1), ("第2个", 2)]
            assert sorted(Parent.objects.values_list("pk", flat=True)) == [c.pk for c in made]
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(Child)
                editor.delete_model(Parent)
