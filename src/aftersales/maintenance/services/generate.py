"""Due maintenance visits, generated ahead of time as service requests of kind maintenance (PM-1).

Set-based (bench/maintenance: a month of visits for 1,000,000 products in well under a minute):

1. the due visits of the month are inserted by one ``INSERT … SELECT … ON CONFLICT DO NOTHING``
   (time plans: every N months from the installation date, clamped to the month's last day);
   the unique constraint (product, due date) makes a second run, or a concurrent scheduler on
   another connection, insert nothing — the loser waits on the winner's rows and skips them;
2. the visits this transaction inserted (``request`` still empty: a committed visit always has
   its request) get their requests in one ``INSERT … SELECT``, numbered from one block of the
   month's counter (core.numbering: the counter row is locked until commit, so numbers stay
   gap-free and unique next to requests registered one by one);
3. the visits are linked to their requests, and each request gets its ``register`` event, in one
   statement each.

Generated requests start no arrival clock (they are planned visits with a due date, not calls;
the due date is the request's ``planned_for``, before which day plans leave it)
and run no registration handlers; their phase and charge follow the product's warranty on the due
date (in warranty: C, free; after: A, the model's standard fee, agreed when the customer signs).
"""

from calendar import monthrange
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import NOT_PROVIDED
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.accounts.models import ServiceCentre
from aftersales.core.dates import add_months, local_today
from aftersales.core.models import DocumentCounter, Event
from aftersales.core.numbering import SERIAL_DIGITS, period_of
from aftersales.customers.models import Customer, InstalledProduct, ProductModel
from aftersales.service.choices import Category, Kind, Status
from aftersales.service.models import ServiceRequest
from aftersales.service.services import REQUEST_PREFIX

from ..choices import Basis
from ..models import MaintenancePlan, MaintenanceVisit, MeterReading

DOC_TYPE = "service_request"  # the same counter as service_request_create's numbers
METER_FALLBACK_DAYS = 30


def next_month(today: date | None = None) -> date:
    return add_months((today or local_today()).replace(day=1), 1)


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _qn(model._meta.db_table)


def _col(model, field: str) -> str:
    return _qn(model._meta.get_field(field).column)


def _month_index(expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"(EXTRACT(YEAR FROM {expr})::int * 12 + EXTRACT(MONTH FROM {expr})::int)"
    return (f"(CAST(strftime('%%Y', {expr}) AS INTEGER) * 12 "
            f"+ CAST(strftime('%%m', {expr}) AS INTEGER))")


def _due_in_month(expr: str, month: date) -> str:
    """The day of ``month`` that is as many whole months after ``expr`` (clamped)."""
    last = monthrange(month.year, month.month)[1]
    if connection.vendor == "postgresql":
        return (f"make_date({month.year}, {month.month}, "
                f"LEAST(EXTRACT(DAY FROM {expr})::int, {last}))")
    return (f"printf('%%04d-%%02d-%%02d', {month.year}, {month.month}, "
            f"MIN(CAST(strftime('%%d', {expr}) AS INTEGER), {last}))")


def _insert_time_visits(month: date, now) -> None:
    """Step 1: the month's due visits of every active time plan."""
    V, P, PL = MaintenanceVisit, InstalledProduct, MaintenancePlan
    target = month.year * 12 + month.month
    installed = f"p.{_col(P, 'installed_on')}"
    sql = (
        f"INSERT INTO {_table(V)} ({_col(V, 'created_at')}, {_col(V, 'updated_at')}, "
        f"{_col(V, 'version')}, {_col(V, 'plan')}, {_col(V, 'installed_product')}, "
        f"{_col(V, 'due_on')}) "
        f"SELECT %s, %s, 1, pl.{_col(PL, 'id')}, p.{_col(P, 'id')}, {_due_in_month(installed, month)} "
        f"FROM {_table(P)} p JOIN {_table(PL)} pl ON pl.{_col(PL, 'product_model')} = p.{_col(P, 'model')} "
        f"WHERE pl.{_col(PL, 'active')} = %s AND pl.{_col(PL, 'basis')} = %s "
        f"AND {installed} IS NOT NULL AND {installed} < %s "
        f"AND ({target} - {_month_index(installed)}) %% pl.{_col(PL, 'interval_months')} = 0 "
        # the longest interval first: when two levels fall due together, the bigger one is done
        f"ORDER BY p.{_col(P, 'id')}, pl.{_col(PL, 'interval_months')} DESC "
        f"ON CONFLICT DO NOTHING"
    )
    params = [now, now, True, Basis.TIME, month]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _reserve_numbers(count: int, now) -> tuple[str, int]:
    """Take ``count`` serials of the month's request counter at once: (period, last before)."""
    period = period_of(now)
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(doc_type=DOC_TYPE, period=period, last=0)], ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(DocumentCounter)} SET {_qn('last')} = {_qn('last')} + %s "
            f"WHERE {_qn('doc_type')} = %s AND {_qn('period')} = %s RETURNING {_qn('last')}",
            [count, DOC_TYPE, period])
        last = cursor.fetchone()[0]
    return period, last - count


def _number_expr(period: str, base: int) -> str:
    head = f"'{REQUEST_PREFIX}{period}'"
    serial = f"({base} + v.rn)"
    if connection.vendor == "postgresql":
        return (f"{head} || CASE WHEN {serial} < {10 ** SERIAL_DIGITS} "
                f"THEN lpad({serial}::text, {SERIAL_DIGITS}, '0') ELSE {serial}::text END")
    return f"{head} || printf('%%0{SERIAL_DIGITS}d', {serial})"


def _default_centre_id() -> int | None:
    return ServiceCentre.objects.order_by("pk").values_list("pk", flat=True).first()


def _requests_for_new_visits(*, actor, now) -> int:
    """Steps 2 and 3: a request for every visit this transaction has just inserted."""
    V, P, C, M, PL, SR = (MaintenanceVisit, InstalledProduct, Customer, ProductModel,
                          MaintenancePlan, ServiceRequest)
    count = V.objects.filter(request__isnull=True).count()
    if not count:
        return 0
    period, base = _reserve_numbers(count, now)
    with translation.override(settings.LANGUAGE_CODE):
        label = _("Preventive maintenance")
    in_warranty = f"(v.due_on <= p.{_col(P, 'warranty_ends_on')})"
    expressions = {
        "number": _number_expr(period, base),
        "service_centre": f"COALESCE(c.{_col(C, 'service_centre')}, %s)",
        "customer": f"p.{_col(P, 'customer')}",
        "installed_product": "v.installed_product_id",
        "planned_for": "v.due_on",
        "description": f"%s || ' · ' || pl.{_col(PL, 'name')} || ' · ' || CAST(v.due_on AS text)",
        "kind": "%s",
        "reported_at": "%s",
        "in_warranty": in_warranty,
        "chargeable": f"(NOT {in_warranty})",
        "category": f"CASE WHEN {in_warranty} THEN %s ELSE %s END",
        "estimated_charge": f"CASE WHEN {in_warranty} THEN 0 ELSE m.{_col(M, 'service_fee')} END",
        "status": "%s",
        "created_by": "CAST(%s AS bigint)" if connection.vendor == "postgresql" else "%s",
        "created_at": "%s",
        "updated_at": "%s",
    }
    params_for = {
        "service_centre": [_default_centre_id()], "description": [label],
        "kind": [Kind.MAINTENANCE], "reported_at": [now], "category": [Category.C, Category.A],
        "status": [Status.REGISTERED], "created_by": [getattr(actor, "pk", None)],
        "created_at": [now], "updated_at": [now],
    }
    columns, values, params = [], [], []
    for field in SR._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.name in expressions:
            columns.append(_qn(field.column))
            values.append(expressions[field.name])
            params.extend(params_for.get(field.name, []))
        elif field.has_default():
            columns.append(_qn(field.column))
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.db_default is not NOT_PROVIDED:
            continue
        elif field.null:
            columns.append(_qn(field.column))
            values.append("NULL")
        else:
            columns.append(_qn(field.column))
            values.append("''")  # blank text fields (fault found, cause, action)
    sql = (
        f"INSERT INTO {_table(SR)} ({', '.join(columns)}) SELECT {', '.join(values)} "
        f"FROM (SELECT {_col(V, 'id')} AS id, {_col(V, 'installed_product')} AS installed_product_id, "
        f"{_col(V, 'due_on')} AS due_on, {_col(V, 'plan')} AS plan_id, "
        f"ROW_NUMBER() OVER (ORDER BY {_col(V, 'id')}) AS rn "
        f"FROM {_table(V)} WHERE {_col(V, 'request')} IS NULL) v "
        f"JOIN {_table(P)} p ON p.{_col(P, 'id')} = v.installed_product_id "
        f"JOIN {_table(C)} c ON c.{_col(C, 'id')} = p.{_col(P, 'customer')} "
        f"JOIN {_table(M)} m ON m.{_col(M, 'id')} = p.{_col(P, 'model')} "
        f"JOIN {_table(PL)} pl ON pl.{_col(PL, 'id')} = v.plan_id "
        f"ORDER BY v.rn"
    )
    link = (
        f"UPDATE {_table(V)} SET {_col(V, 'request')} = sr.{_col(SR, 'id')} "
        f"FROM {_table(SR)} sr WHERE {_table(V)}.{_col(V, 'request')} IS NULL "
        f"AND sr.{_col(SR, 'reported_at')} = %s AND sr.{_col(SR, 'kind')} = %s "
        f"AND sr.{_col(SR, 'installed_product')} = {_table(V)}.{_col(V, 'installed_product')}"
    )
    E = Event
    if connection.vendor == "postgresql":
        data = "jsonb_build_object('kind', CAST(%s AS text), 'generated', true, 'visit', v.id)"
    else:
        data = "json_object('kind', %s, 'generated', json('true'), 'visit', v.id)"
    events = (
        f"INSERT INTO {_table(E)} ({_col(E, 'content_type')}, {_col(E, 'object_id')}, "
        f"{_col(E, 'action')}, {_col(E, 'from_state')}, {_col(E, 'to_state')}, {_col(E, 'actor')}, "
        f"{_col(E, 'at')}, {_col(E, 'note')}, {_col(E, 'data')}) "
        f"SELECT %s, sr.{_col(SR, 'id')}, 'register', '', %s, %s, %s, '', {data} "
        f"FROM {_table(SR)} sr JOIN {_table(V)} v ON v.{_col(V, 'request')} = sr.{_col(SR, 'id')} "
        f"WHERE sr.{_col(SR, 'reported_at')} = %s AND sr.{_col(SR, 'kind')} = %s"
    )
    content_type = ContentType.objects.get_for_model(SR).pk
    if connection.vendor == "postgresql":
        return _requests_for_new_visits_pg(count=count, columns=columns, values=values,
                                           params=params, content_type=content_type,
                                           actor=actor, now=now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        created = cursor.rowcount
        cursor.execute(link, [now, Kind.MAINTENANCE])
        cursor.execute(events, [content_type, Status.REGISTERED, getattr(actor, "pk", None), now,
                                Kind.MAINTENANCE, now, Kind.MAINTENANCE])
    if created != count:  # a visit whose product or plan vanished: never half-made
        raise RuntimeError(f"maintenance: {count} visits but {created} requests")
    return created


def _requests_for_new_visits_pg(*, count, columns, values, params, content_type, actor,
                                now) -> int:
    """PostgreSQL: steps 2 and 3 as one statement. The requests' ids are drawn from their
    sequence up front, so the visits are linked by primary key: no join on the new requests,
    whose statistics the planner does not know yet inside this transaction (a join on them was
    planned as a nested loop, quadratic in the month's visits)."""
    V, P, C, M, PL, SR, E = (MaintenanceVisit, InstalledProduct, Customer, ProductModel,
                             MaintenancePlan, ServiceRequest, Event)
    sequence = f"pg_get_serial_sequence('{SR._meta.db_table}', '{SR._meta.pk.column}')"
    sql = (
        f"WITH v AS MATERIALIZED ("
        f"SELECT {_col(V, 'id')} AS id, {_col(V, 'installed_product')} AS installed_product_id, "
        f"{_col(V, 'due_on')} AS due_on, {_col(V, 'plan')} AS plan_id, "
        f"nextval({sequence}) AS rid, ROW_NUMBER() OVER (ORDER BY {_col(V, 'id')}) AS rn "
        f"FROM {_table(V)} WHERE {_col(V, 'request')} IS NULL), "
        f"ins AS (INSERT INTO {_table(SR)} ({_qn(SR._meta.pk.column)}, {', '.join(columns)}) "
        f"SELECT v.rid, {', '.join(values)} FROM v "
        f"JOIN {_table(P)} p ON p.{_col(P, 'id')} = v.installed_product_id "
        f"JOIN {_table(C)} c ON c.{_col(C, 'id')} = p.{_col(P, 'customer')} "
        f"JOIN {_table(M)} m ON m.{_col(M, 'id')} = p.{_col(P, 'model')} "
        f"JOIN {_table(PL)} pl ON pl.{_col(PL, 'id')} = v.plan_id "
        f"RETURNING {_qn(SR._meta.pk.column)} AS id), "
        f"link AS (UPDATE {_table(V)} SET {_col(V, 'request')} = v.rid FROM v "
        f"WHERE {_table(V)}.{_col(V, 'id')} = v.id "
        f"RETURNING {_table(V)}.{_col(V, 'id')} AS vid, v.rid AS rid) "
        f"INSERT INTO {_table(E)} ({_col(E, 'content_type')}, {_col(E, 'object_id')}, "
        f"{_col(E, 'action')}, {_col(E, 'from_state')}, {_col(E, 'to_state')}, {_col(E, 'actor')}, "
        f"{_col(E, 'at')}, {_col(E, 'note')}, {_col(E, 'data')}) "
        f"SELECT %s, link.rid, 'register', '', %s, CAST(%s AS bigint), %s, '', "
        f"jsonb_build_object('kind', CAST(%s AS text), 'generated', true, 'visit', link.vid) "
        f"FROM link JOIN ins ON ins.id = link.rid"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, content_type, Status.REGISTERED, getattr(actor, "pk", None),
                             now, Kind.MAINTENANCE])
        created = cursor.rowcount
    if created != count:  # a visit whose product or plan vanished: never half-made
        raise RuntimeError(f"maintenance: {count} visits but {created} requests")
    return created


def maintenance_visits_generate(*, actor=None, month: date | None = None) -> int:
    """Generate the due visits of ``month`` (default: next month) of every active time plan as
    service requests of kind maintenance; idempotent (returns how many it created)."""
    month = (month or next_month()).replace(day=1)
    with transaction.atomic():
        now = timezone.now()
        _insert_time_visits(month, now)
        return _requests_for_new_visits(actor=actor, now=now)


def _meter_due_on(product, reading: MeterReading, mark: int) -> date:
    """Reached: due the day of the reading; ahead: when the mark will be reached at the pace of
    the last readings (a month if it is not known yet)."""
    if reading.value >= mark:
        return reading.read_on
    earlier = (MeterReading.objects.filter(installed_product=product, read_on__lt=reading.read_on)
               .order_by("read_on", "id").first())
    days = METER_FALLBACK_DAYS
    if earlier is not None and reading.value > earlier.value:
        pace = (reading.value - earlier.value) / (reading.read_on - earlier.read_on).days
        days = max(1, min(365, round((mark - reading.value) / pace)))
    return reading.read_on + timedelta(days=days)


def meter_visits_generate(*, actor, product: InstalledProduct, reading: MeterReading) -> int:
    """A reading reached (or is within ``lead_meter`` of) a meter plan's next mark: that visit,
    once per plan and mark."""
    visits = []
    for plan in MaintenancePlan.objects.filter(product_model_id=product.model_id, active=True,
                                               basis=Basis.METER):
        mark = (reading.value + plan.lead_meter) // plan.interval_meter * plan.interval_meter
        if mark < plan.interval_meter:
            continue
        visits.append(MaintenanceVisit(plan=plan, installed_product=product, due_meter=mark,
                                       due_on=_meter_due_on(product, reading, mark)))
    if not visits:
        return 0
    with transaction.atomic():
        MaintenanceVisit.objects.bulk_create(visits, ignore_conflicts=True)
        return _requests_for_new_visits(actor=actor, now=timezone.now())
