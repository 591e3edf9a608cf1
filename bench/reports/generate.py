"""Fill bench_reports with N service requests, exactly E events and their work (run by main.py).

    python -m bench.reports.generate N E      (inside the bench's Django environment)

Reference data (eight service centres, each with a supervisor, a branch manager, two agents and
twenty technicians; the service department; the demo's product models and parts price list;
the deadline policies) goes through the ORM. The bulk is generated inside PostgreSQL with
``INSERT … SELECT … generate_series`` (not through the services: the bench measures reading):

- customers (N/5) and installed products (1.25 per customer), spread over eight centres, one of
  them in another time zone (Asia/Urumqi), so local days differ from Shanghai's;
- N requests over the last three years, more in recent months (a growing business), during
  working hours, fewer on Sundays; category A ≈ 30 %, B ≈ 5 %, C ≈ 62 %, D (internal) ≈ 3 %;
  statuses by age (old ones closed or cancelled; the last two days hold the open work), each on
  one of the centre's technicians — about 5–6 jobs per technician per working day;
- a visit per worked request (arrival 1–6 h after the call, 0.5–2.5 h on site), one in twenty
  rescheduled (an unfinished first visit, the job done the next day), carried-in repairs with
  bench hours the next day; hours per job; parts on 60 % of the jobs (charged for category A);
- an arrival deadline clock per customer request (met at the arrival, missed if late, running
  for open jobs, stopped for cancelled ones);
- events: every dispatch, completion, carry-in, cancellation, reschedule and closing (the
  transitions the reports read), and registrations — only the latest requests' registrations
  (the reports do not read them), so that there are exactly E events; departures are added if
  E asks for more;
- a survey for every completed job, sent the next morning, two in three answered within two days,
  ratings mostly 3–4 (only if the feedback app is installed).
"""

import json
import sys
import time

import django

from bench.bulk import indexes_drop, load_finish, run

GENERATOR_VERSION = 4
TECHS_PER_CENTRE = 20
CENTRES = [("PD", "浦东服务中心", "Asia/Shanghai"), ("SJ", "松江服务中心", "Asia/Shanghai"),
           ("MH", "闵行服务中心", "Asia/Shanghai"), ("JD", "嘉定服务中心", "Asia/Shanghai"),
           ("BS", "宝山服务中心", "Asia/Shanghai"), ("XH", "徐汇服务中心", "Asia/Shanghai"),
           ("HZ", "杭州服务中心", "Asia/Shanghai"), ("WL", "乌鲁木齐服务中心", "Asia/Urumqi")]
SIGNATURE = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
             "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
BULK_TABLES = ["customers_customer", "customers_installedproduct", "service_servicerequest",
               "core_event", "service_visit", "service_laborentry", "service_partusage",
               "dispatch_deadlineclock", "feedback_survey"]



def reference_data() -> dict:
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password

    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import ServiceCentre, User
    from aftersales.customers.models import ProductModel
    from aftersales.demo import catalogue
    from aftersales.demo.people import GIVEN, SURNAMES
    from aftersales.dispatch.defaults import ensure_default_policies
    from aftersales.dispatch.models import DeadlinePolicy
    from aftersales.parts.models import Part

    password = make_password("bench-pass-1234")
    ids = {"centres": [], "agents": [], "supervisors": [], "technicians": [], "tz": []}
    people = iter((s, g) for g in GIVEN for s in SURNAMES)
    for code, name, tz in CENTRES:
        centre = ServiceCentre.objects.create(code=code, name=name, time_zone=tz)
        ids["centres"].append(centre.pk)
        ids["tz"].append(tz)
        low = code.lower()
        for n in (1, 2):
            ids["agents"].append(User.objects.create(
                username=f"{low}.agent{n}", password=password, role=Role.AGENT,
                service_centre=centre, first_name=f"客服{n}", last_name=name[:2]).pk)
        ids["supervisors"].append(User.objects.create(
            username=f"{low}.supervisor", password=password, role=Role.SUPERVISOR,
            service_centre=centre, first_name="主任", last_name=name[:2]).pk)
        User.objects.create(username=f"{low}.manager", password=password, role=Role.MANAGER,
                            service_centre=centre, first_name="经理", last_name=name[:2])
        for n in range(1, TECHS_PER_CENTRE + 1):
            surname, given = next(people)
            ids["technicians"].append(User.objects.create(
                username=f"{low}.tech{n}", password=password, role=Role.TECHNICIAN,
                service_centre=centre, first_name=given, last_name=surname).pk)
    User.objects.create(username="manager", password=password, role=Role.MANAGER,
                        first_name="经理", last_name="服务部")
    models = [ProductModel.objects.create(code=code, name=name, category=cat,
                                          warranty_months=months, service_fee=Decimal(fee))
              for code, name, cat, months, fee, _prefix in catalogue.PRODUCT_MODELS]
    ids["models"] = [m.pk for m in models]
    ids["model_months"] = [m.warranty_months for m in models]
    parts = [Part.objects.create(code=code, name=name, unit_price=Decimal(price), category=cat)
             for code, name, price, cat in catalogue.PARTS]
    ids["parts"] = [p.pk for p in parts]
    ids["part_prices"] = [str(p.unit_price) for p in parts]
    ensure_default_policies()
    ids["arrival_urban"] = DeadlinePolicy.objects.get(kind="arrival", region_kind="urban").pk
    ids["arrival_suburban"] = DeadlinePolicy.objects.get(kind="arrival", region_kind="suburban").pk
    return ids






def generate(n_requests: int, n_events: int) -> dict:
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from aftersales.service.models import ServiceRequest

    started = time.monotonic()
    n_customers = max(1000, n_requests // 5)
    with transaction.atomic():
        ids = reference_data()
    surveys = apps.is_installed("aftersales.feedback")
    p = {
        "n": n_requests, "c": n_customers, "centres": ids["centres"], "tzs": ids["tz"],
        "agents": ids["agents"], "sups": ids["supervisors"], "techs": ids["technicians"],
        "tpc": TECHS_PER_CENTRE, "models": ids["models"], "months": ids["model_months"],
        "parts": ids["parts"], "prices": ids["part_prices"], "nparts": len(ids["parts"]),
        "nmodels": len(ids["models"]), "ct": ContentType.objects.get_for_model(ServiceRequest).pk,
        "urban": ids["arrival_urban"], "suburban": ids["arrival_suburban"], "sig": SIGNATURE,
        "e": n_events,
    }
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.17)")
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SET work_mem = '64MB'")
        indexes = indexes_drop(cur, BULK_TABLES)
        run(cur, """
            INSERT INTO customers_customer (created_at, updated_at, version, name, phone,
                phone_alt, email, address, region_kind, kind, birthday, referred_by_id,
                service_centre_id, user_id)
            SELECT now() - interval '4 years', now() - interval '4 years', 1, '客户' || g,
                   '+86139' || lpad(g::text, 8, '0'), '', '', '上海市测试路' || g || '号',
                   CASE WHEN g %% 4 = 0 THEN 'suburban' ELSE 'urban' END,
                   CASE WHEN g %% 20 = 0 THEN 'company' ELSE 'individual' END, NULL, NULL,
                   (%(centres)s::bigint[])[1 + g %% 8], NULL
            FROM generate_series(1, %(c)s) g ORDER BY g""", p, "customers")
        cur.execute("SELECT min(id) FROM customers_customer")
        p["c0"] = cur.fetchone()[0]
        run(cur, """
            INSERT INTO customers_installedproduct (created_at, updated_at, version, serial,
                purchased_on, installed_on, warranty_ends_on, address, region_kind, customer_id,
                dealer_id, model_id)
            SELECT now() - interval '4 years', now() - interval '4 years', 1,
                   'B' || lpad(g::text, 9, '0'), bought, bought + 2,
                   (bought + make_interval(months => (%(months)s::int[])[m]) - interval '1 day')::date,
                   '', '', %(c0)s + (g - 1) %% %(c)s, NULL, (%(models)s::bigint[])[m]
            FROM (SELECT g, 1 + g %% %(nmodels)s AS m,
                         (now() - interval '5 years' + random() * interval '4 years')::date AS bought
                  FROM generate_series(1, %(c)s + %(c)s / 4) g) s ORDER BY g""", p,
            "installed products")
        cur.execute("SELECT min(id) FROM customers_installedproduct")
        p["p0"] = cur.fetchone()[0]

        # --- the plan of every request: who, when, what happened -------------------------------
        run(cur, """
            CREATE TEMP TABLE gen AS
            SELECT g, cidx, 1 + cidx %% 8 AS ci, day, r1, r2, r3, r4, r5,
                   (day + interval '8 hours' + r1 * interval '10 hours') AS local_at
            FROM (SELECT g,
                         floor(power(random(), 1.2) * %(c)s)::int AS cidx,
                         date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai'
                                    - power(random(), 0.8) * interval '3 years') AS day,
                         random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                         random() AS r5
                  FROM generate_series(1, %(n)s) g) a""", p, "plan")
        # Fewer calls on Sundays: move half of them to the Monday after (if that has come).
        run(cur, """
            UPDATE gen SET day = day + interval '1 day', local_at = local_at + interval '1 day'
            WHERE extract(isodow FROM day) = 7 AND r5 < 0.5
              AND day + interval '1 day' < date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai')""")
        run(cur, """
            ALTER TABLE gen ADD COLUMN reported timestamptz, ADD COLUMN status text,
                ADD COLUMN category text, ADD COLUMN internal boolean, ADD COLUMN tech bigint,
                ADD COLUMN arrive timestamptz, ADD COLUMN leave timestamptz,
                ADD COLUMN rescheduled boolean, ADD COLUMN completed timestamptz,
                ADD COLUMN closed timestamptz, ADD COLUMN prod bigint, ADD COLUMN number text,
                ADD COLUMN suburban boolean""")
        run(cur, """
            UPDATE gen SET
                reported = local_at AT TIME ZONE (%(tzs)s::text[])[ci],
                internal = r4 < 0.03,
                suburban = cidx %% 4 = 3,
                prod = CASE WHEN r4 < 0.03 THEN NULL
                            ELSE %(p0)s + cidx + CASE WHEN r5 < 0.2 THEN %(c)s ELSE 0 END END""",
            p, "when and where")
        run(cur, """
            UPDATE gen SET prod = %(p0)s + cidx
            WHERE prod IS NOT NULL AND prod >= %(p0)s + %(c)s + %(c)s / 4""", p)
        run(cur, """
            UPDATE gen SET
                category = CASE WHEN internal THEN 'D' WHEN r3 < 0.30 THEN 'A'
                                WHEN r3 < 0.35 THEN 'B' ELSE 'C' END,
                status = CASE
                    WHEN now() - reported > interval '14 days' THEN
                        CASE WHEN r2 < 0.93 THEN 'closed' WHEN r2 < 0.97 THEN 'cancelled'
                             ELSE 'completed' END
                    WHEN now() - reported > interval '2 days' THEN
                        CASE WHEN r2 < 0.55 THEN 'closed' WHEN r2 < 0.78 THEN 'completed'
                             WHEN r2 < 0.82 THEN 'cancelled' WHEN r2 < 0.86 THEN 'carried_in'
                             WHEN r2 < 0.89 THEN 'repaired' WHEN r2 < 0.91 THEN 'inspected'
                             WHEN r2 < 0.97 THEN 'assigned' ELSE 'registered' END
                    ELSE CASE WHEN r2 < 0.20 THEN 'registered' WHEN r2 < 0.25 THEN 'awaiting_agreement'
                              WHEN r2 < 0.50 THEN 'assigned' WHEN r2 < 0.58 THEN 'en_route'
                              WHEN r2 < 0.70 THEN 'on_site' WHEN r2 < 0.93 THEN 'completed'
                              WHEN r2 < 0.97 THEN 'cancelled' ELSE 'carried_in' END END,
                rescheduled = g %% 20 = 0""", p, "categories and statuses")
        run(cur, """
            UPDATE gen SET
                tech = CASE WHEN status IN ('registered', 'awaiting_agreement') THEN NULL
                            WHEN status = 'cancelled' AND r5 < 0.5 THEN NULL
                            ELSE (%(techs)s::bigint[])[(ci - 1) * %(tpc)s + 1 + g %% %(tpc)s] END,
                arrive = reported + (1 + r5 * 5) * interval '1 hour'
                         + CASE WHEN rescheduled THEN interval '1 day' ELSE interval '0' END""", p,
            "technicians")
        run(cur, """
            UPDATE gen SET
                arrive = CASE WHEN status IN ('registered', 'awaiting_agreement', 'assigned',
                                              'en_route', 'cancelled') OR arrive > now()
                              THEN NULL ELSE arrive END""")
        run(cur, """
            UPDATE gen SET
                leave = CASE WHEN arrive IS NOT NULL AND status <> 'on_site'
                             THEN least(arrive + (0.5 + r1 * 2) * interval '1 hour', now()) END""")
        run(cur, """
            UPDATE gen SET
                completed = CASE WHEN status IN ('completed', 'closed') THEN leave
                                 WHEN status = 'inspected' THEN NULL END,
                closed = CASE WHEN status = 'closed' AND leave IS NOT NULL
                              THEN least(leave + (1 + r3 * 3) * interval '1 day', now()) END""")
        run(cur, """
            UPDATE gen SET status = 'on_site' WHERE status IN ('completed', 'closed', 'carried_in',
                'repaired', 'inspected') AND leave IS NULL AND arrive IS NOT NULL""")
        run(cur, """
            UPDATE gen SET status = 'assigned' WHERE status IN ('completed', 'closed', 'carried_in',
                'repaired', 'inspected', 'on_site') AND arrive IS NULL""")
        run(cur, """
            UPDATE gen g SET number = 'SR' || s.period ||
                   CASE WHEN rn < 10000 THEN lpad(rn::text, 4, '0') ELSE rn::text END
            FROM (SELECT g, to_char(reported AT TIME ZONE 'Asia/Shanghai', 'YYMM') AS period,
                         row_number() OVER (PARTITION BY to_char(reported AT TIME ZONE
                             'Asia/Shanghai', 'YYMM') ORDER BY reported, g) AS rn
                  FROM gen) s
            WHERE s.g = g.g""", None, "numbers")
        run(cur, "CREATE INDEX ON gen (g)")
        run(cur, "ANALYZE gen")

        run(cur, """
            INSERT INTO service_servicerequest (created_at, updated_at, version, number, channel,
                description, urgency, reported_at, internal, cause, in_warranty, chargeable,
                category, estimated_charge, customer_agreed_at, status, appointment_at,
                arrive_by, fault_found, fault_cause, action_taken, completed_at, closed_at,
                assigned_technician_id, created_by_id, customer_id, installed_product_id,
                service_centre_id)
            SELECT reported, coalesce(closed, completed, reported), 1, number,
                   CASE WHEN r4 < 0.6 THEN 'phone' WHEN r4 < 0.75 THEN 'web' ELSE 'dealer' END,
                   CASE WHEN internal THEN '门店样机巡检' ELSE '热水器不点火' END,
                   CASE WHEN r1 < 0.9 THEN 'normal' ELSE 'urgent' END, reported, internal, '',
                   category = 'C', category = 'A', category,
                   CASE WHEN category = 'A' THEN 80 ELSE 0 END,
                   CASE WHEN category = 'A' AND status <> 'awaiting_agreement'
                        THEN reported + interval '10 minutes' END,
                   status, NULL,
                   reported + CASE WHEN suburban THEN interval '7 hours' ELSE interval '6 hours' END,
                   CASE WHEN leave IS NOT NULL THEN '不点火' ELSE '' END,
                   CASE WHEN leave IS NOT NULL THEN '点火针积碳' ELSE '' END,
                   CASE WHEN leave IS NOT NULL THEN '更换点火针' ELSE '' END,
                   completed, closed, tech,
                   (%(agents)s::bigint[])[(ci - 1) * 2 + 1 + g %% 2],
                   %(c0)s + cidx, prod, (%(centres)s::bigint[])[ci]
            FROM gen ORDER BY reported, g""", p, "service requests")
        run(cur, """
            CREATE TEMP TABLE req AS
            SELECT r.id, gen.* FROM service_servicerequest r JOIN gen ON gen.number = r.number""",
            None, "request ids")
        run(cur, "CREATE INDEX ON req (id)")
        run(cur, "ANALYZE req")

        # --- the work ---------------------------------------------------------------------------
        run(cur, """
            INSERT INTO service_visit (created_at, updated_at, version, scheduled_for, departed_at,
                arrived_at, left_at, outcome, reason, request_id, technician_id)
            SELECT reported + interval '30 minutes', coalesce(leave, arrive, reported), 1, NULL,
                   arrive - interval '40 minutes', arrive, leave,
                   CASE WHEN status IN ('completed', 'closed') THEN 'completed'
                        WHEN status IN ('carried_in', 'repaired', 'inspected') THEN 'carried_in'
                        ELSE 'pending' END, '', id, tech
            FROM req WHERE tech IS NOT NULL AND status <> 'cancelled' ORDER BY id""", p, "visits")
        run(cur, """
            INSERT INTO service_visit (created_at, updated_at, version, scheduled_for, departed_at,
                arrived_at, left_at, outcome, reason, request_id, technician_id)
            SELECT reported + interval '30 minutes', reported + interval '3 hours', 1, NULL,
                   reported + interval '80 minutes', reported + interval '2 hours',
                   reported + interval '150 minutes', 'unfinished', '缺配件，约次日再来', id, tech
            FROM req WHERE rescheduled AND arrive IS NOT NULL ORDER BY id""", p,
            "unfinished first visits")
        run(cur, """
            INSERT INTO service_laborentry (created_at, updated_at, version, hours, at_bench, note,
                technician_id, request_id)
            SELECT leave, leave, 1,
                   greatest(0.5, round((extract(epoch FROM leave - arrive) / 3600 * 4)::numeric) / 4),
                   false, '', tech, id
            FROM req WHERE leave IS NOT NULL ORDER BY id""", p, "hours on site")
        run(cur, """
            INSERT INTO service_laborentry (created_at, updated_at, version, hours, at_bench, note,
                technician_id, request_id)
            SELECT least(leave + interval '1 day', now()), least(leave + interval '1 day', now()), 1,
                   1 + round((r4 * 3)::numeric, 1), true, '', tech, id
            FROM req WHERE status IN ('repaired', 'inspected', 'carried_in') AND leave IS NOT NULL
                AND r4 < 0.8
            ORDER BY id""", p, "bench hours")
        run(cur, """
            INSERT INTO service_partusage (created_at, updated_at, version, quantity, unit_price,
                charged, at_bench, part_id, recorded_by_id, request_id)
            SELECT leave - interval '10 minutes', leave, 1, 1 + (g %% 5 = 0)::int,
                   (%(prices)s::numeric[])[k], category = 'A', false,
                   (%(parts)s::bigint[])[k], tech, id
            FROM (SELECT *, 1 + (g * 13) %% %(nparts)s AS k FROM req
                  WHERE leave IS NOT NULL AND r5 < 0.6) s
            ORDER BY id""", p, "parts used")
        run(cur, """
            INSERT INTO dispatch_deadlineclock (created_at, updated_at, version, kind, working_time,
                budget_seconds, warn_at_percent, started_at, resumed_at, consumed_seconds, state,
                warn_at, due_at, met_at, breached, extension_reason, policy_id, request_id)
            SELECT reported, coalesce(arrive, reported), 1, 'arrival', true,
                   CASE WHEN suburban THEN 25200 ELSE 21600 END, 75, reported,
                   CASE WHEN state = 'running' THEN reported END, 0, state,
                   reported + CASE WHEN suburban THEN interval '315 minutes' ELSE interval '270 minutes' END,
                   due, CASE WHEN state = 'met' THEN arrive END,
                   (state = 'met' AND arrive > due) OR (state = 'running' AND due < now()), '',
                   CASE WHEN suburban THEN %(suburban)s ELSE %(urban)s END, id
            FROM (SELECT *, reported + CASE WHEN suburban THEN interval '7 hours'
                                            ELSE interval '6 hours' END AS due,
                         CASE WHEN status IN ('cancelled', 'awaiting_agreement') THEN 'stopped'
                              WHEN arrive IS NOT NULL THEN 'met' ELSE 'running' END AS state
                  FROM req WHERE NOT internal) s
            ORDER BY id""", p, "arrival deadline clocks")

        # --- events: the timeline, exactly E rows -------------------------------------------------
        run(cur, """
            CREATE TEMP TABLE ev AS
            SELECT id, 'register' AS action, '' AS f, CASE WHEN status = 'awaiting_agreement'
                   THEN 'awaiting_agreement' ELSE 'registered' END AS t,
                   (%(agents)s::bigint[])[(ci - 1) * 2 + 1 + g %% 2] AS actor, reported AS at, 1 AS o
            FROM req
            UNION ALL
            SELECT id, 'assign', 'registered', 'assigned',
                   (%(sups)s::bigint[])[ci], reported + (20 + r3 * 60) * interval '1 minute', 2
            FROM req WHERE tech IS NOT NULL
            UNION ALL
            SELECT id, 'reschedule', 'on_site', 'assigned', tech,
                   reported + interval '150 minutes', 3
            FROM req WHERE rescheduled AND arrive IS NOT NULL
            UNION ALL
            SELECT id, CASE WHEN status IN ('completed', 'closed') THEN 'complete' ELSE 'carry_in' END,
                   'on_site', CASE WHEN status IN ('completed', 'closed') THEN 'completed'
                   ELSE 'carried_in' END, tech, leave, 4
            FROM req WHERE leave IS NOT NULL
            UNION ALL
            SELECT id, 'cancel', 'registered', 'cancelled',
                   (%(agents)s::bigint[])[(ci - 1) * 2 + 1], reported + interval '2 hours', 5
            FROM req WHERE status = 'cancelled'
            UNION ALL
            SELECT id, 'close', 'completed', 'closed',
                   (%(agents)s::bigint[])[(ci - 1) * 2 + 2], closed, 6
            FROM req WHERE status = 'closed' AND closed IS NOT NULL""", p, "timeline plan")
        cur.execute("SELECT count(*) FROM ev")
        planned = cur.fetchone()[0]
        # More planned than wanted: the oldest requests lose their registration events.
        run(cur, """
            DELETE FROM ev WHERE ctid IN (SELECT ctid FROM ev WHERE action = 'register'
                                          ORDER BY at LIMIT %(surplus)s)""",
            {"surplus": max(0, planned - n_events)}, "registrations left out")
        run(cur, """
            INSERT INTO ev SELECT id, 'depart', 'assigned', 'en_route', tech,
                   arrive - interval '40 minutes', 3
            FROM req WHERE arrive IS NOT NULL ORDER BY id DESC LIMIT %(deficit)s""",
            {"deficit": max(0, n_events - planned)}, "departures added")
        run(cur, """
            INSERT INTO core_event (content_type_id, object_id, action, from_state, to_state,
                actor_id, at, note, data)
            SELECT %(ct)s, id, action, f, t, actor, at,
                   CASE action WHEN 'reschedule' THEN '缺配件，约次日再来' ELSE '' END, '{}'::jsonb
            FROM ev ORDER BY at, id, o""", p, "events")

        if surveys:
            run(cur, """
                INSERT INTO feedback_survey (created_at, updated_at, version, channel, due_at,
                    sent_at, reminded_at, answered_at, answered_via, expires_at, attitude, skill,
                    punctuality, promise, comment, may_call, customer_id, request_id,
                    technician_id)
                SELECT due, coalesce(answered, due), 1, 'sms', due,
                       CASE WHEN due <= now() THEN due END, NULL,
                       CASE WHEN answered <= now() THEN answered END,
                       CASE WHEN answered <= now() THEN 'sms' ELSE '' END,
                       due + interval '14 days',
                       CASE WHEN answered <= now() THEN lv(r1) END,
                       CASE WHEN answered <= now() THEN lv(r2) END,
                       CASE WHEN answered <= now() THEN lv((r1 + r5) / 2) END,
                       CASE WHEN answered <= now() THEN lv((r2 + r3) / 2) END,
                       '', r4 < 0.5, %(c0)s + cidx, id, tech
                FROM (SELECT req.*,
                             ((date_trunc('day', completed AT TIME ZONE (%(tzs)s::text[])[ci])
                               + interval '1 day 9 hours') AT TIME ZONE (%(tzs)s::text[])[ci]) AS due,
                             CASE WHEN r3 < 0.66 THEN
                                 (date_trunc('day', completed AT TIME ZONE (%(tzs)s::text[])[ci])
                                  + interval '1 day 9 hours') AT TIME ZONE (%(tzs)s::text[])[ci]
                                 + r4 * interval '2 days' END AS answered
                      FROM req WHERE completed IS NOT NULL AND tech IS NOT NULL) s
                ORDER BY due, id""".replace("lv(", "pg_temp.level("),
                p, "surveys")

        load_finish(cur, indexes)
        counts = {}
        for table in ("service_servicerequest", "core_event", "service_visit",
                      "service_laborentry", "service_partusage", "dispatch_deadlineclock",
                      *(["feedback_survey"] if surveys else [])):
            cur.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cur.fetchone()[0]
        run(cur, """
            CREATE TABLE IF NOT EXISTS bench_reports_meta (rows integer, events integer,
                generator integer, generated_at timestamptz, seconds real, counts jsonb)""")
        run(cur, "DELETE FROM bench_reports_meta")
        run(cur, "INSERT INTO bench_reports_meta VALUES (%s, %s, %s, now(), %s, %s)",
            [n_requests, n_events, GENERATOR_VERSION, time.monotonic() - started,
             json.dumps(counts)])
    return {"requests": n_requests, "events": n_events, "customers": n_customers,
            "counts": counts, "seconds": round(time.monotonic() - started, 1)}


LEVEL_FUNCTION = """
    CREATE FUNCTION pg_temp.level(x double precision) RETURNS smallint LANGUAGE sql IMMUTABLE AS
    $$ SELECT CASE WHEN x < 0.05 THEN 1 WHEN x < 0.15 THEN 2 WHEN x < 0.45 THEN 3 ELSE 4 END::smallint $$
"""


def main() -> None:
    django.setup()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(LEVEL_FUNCTION)  # the survey rating spread: 4 55 %, 3 30 %, 2 10 %, 1 5 %
    result = generate(int(sys.argv[1]), int(sys.argv[2]))
    json.dump(result, sys.stdout, default=str)


if __name__ == "__main__":
    main()
