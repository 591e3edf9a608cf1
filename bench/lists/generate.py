"""Fill bench_lists with N service requests and their history, fast (run by main.py).

    python -m bench.lists.generate N      (inside the bench's Django environment)

Small reference data (six service centres and their staff, the demo's product models and parts
price list) goes through the ORM; the bulk — N/10 customers, 1.5 products each, N requests, their
events, visits, hours, parts and signatures — is generated inside PostgreSQL with
``INSERT … SELECT … generate_series`` (not through the services: the bench measures reading).

Spreads: customers by centre, urban/suburban and kind; purchases over eight years; each request
on a customer's product, reported between the purchase and now (so recent months are busier, as
a growing business is), a 80/20-ish skew towards some customers; status by age (older requests
are closed or cancelled, the last two weeks hold the open work); numbers ``SR`` + YYMM + serial
in order of the call within each month, and the document counters set to match, so the service
can go on numbering from there.
"""

import json
import sys
import time

import django

from bench.bulk import indexes_drop, load_finish, run

GENERATOR_VERSION = 4
CENTRES = [("PD", "上海浦东服务中心"), ("SJ", "松江服务中心"), ("MH", "闵行服务中心"),
           ("JD", "嘉定服务中心"), ("BS", "宝山服务中心"), ("XH", "徐汇服务中心")]
DISTRICTS = ["浦东新区", "松江区", "闵行区", "嘉定区", "宝山区", "徐汇区"]
ROADS = ["张杨路", "锦绣路", "荣乐东路", "七莘路", "沪太路", "漕溪北路", "人民北路", "博乐路",
         "牡丹江路", "虹梅路", "金桥路", "祖冲之路"]
ESTATES = ["锦绣华城", "联洋年华", "泰晤士小镇", "春申景城", "嘉宝梦之湾", "康健新村", "金桥新村",
           "东方丽景", "古美新村", "宝钢新村"]
SIGNATURE = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
             "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")



def reference_data() -> dict:
    """Centres, staff, models and parts through the ORM; returns their ids for the SQL."""
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password

    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import ServiceCentre, User
    from aftersales.customers.models import ProductModel
    from aftersales.demo import catalogue
    from aftersales.parts.models import Part

    password = make_password("bench-pass-1234")
    ids = {"centres": [], "agents": [], "supervisors": [], "technicians": []}
    for code, name in CENTRES:
        centre = ServiceCentre.objects.create(code=code, name=name)
        ids["centres"].append(centre.pk)
        low = code.lower()
        for n in (1, 2):
            ids["agents"].append(User.objects.create(
                username=f"{low}.agent{n}", password=password, role=Role.AGENT,
                service_centre=centre, first_name=f"{name[:2]}客服{n}").pk)
        ids["supervisors"].append(User.objects.create(
            username=f"{low}.supervisor", password=password, role=Role.SUPERVISOR,
            service_centre=centre, first_name=f"{name[:2]}主任").pk)
        for n in range(1, 5):
            ids["technicians"].append(User.objects.create(
                username=f"{low}.tech{n}", password=password, role=Role.TECHNICIAN,
                service_centre=centre, first_name=f"{name[:2]}技术员{n}").pk)
    User.objects.create(username="manager", password=password, role=Role.MANAGER,
                        first_name="服务部经理")
    models = [ProductModel.objects.create(code=code, name=name, category=cat,
                                          warranty_months=months, service_fee=Decimal(fee))
              for code, name, cat, months, fee, _prefix in catalogue.PRODUCT_MODELS]
    ids["models"] = [m.pk for m in models]
    ids["model_months"] = [m.warranty_months for m in models]
    ids["model_fees"] = [str(m.service_fee) for m in models]
    ids["model_categories"] = [m.category for m in models]
    parts = [Part.objects.create(code=code, name=name, unit_price=Decimal(price), category=cat)
             for code, name, price, cat in catalogue.PARTS]
    ids["parts"] = [p.pk for p in parts]
    ids["part_prices"] = [str(p.unit_price) for p in parts]
    problems = [p for group in catalogue.PROBLEMS.values() for p in group]
    ids["problems"] = [[p.description, p.fault_found, p.fault_cause, p.action_taken]
                       for p in problems]
    return ids


BULK_TABLES = ["customers_customer", "customers_installedproduct", "service_servicerequest",
               "core_event", "service_visit", "service_laborentry", "service_partusage",
               "service_signature"]






def generate(n_requests: int) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from aftersales.demo import people
    from aftersales.service.models import ServiceRequest

    started = time.monotonic()
    n_customers = max(1000, n_requests // 10)
    with transaction.atomic():
        ids = reference_data()
    ct = ContentType.objects.get_for_model(ServiceRequest).pk
    surnames = list(people.SURNAMES)
    problems = ids["problems"]
    p = {
        "n": n_requests, "c": n_customers, "centres": ids["centres"], "agents": ids["agents"],
        "sups": ids["supervisors"], "techs": ids["technicians"], "models": ids["models"],
        "months": ids["model_months"], "fees": ids["model_fees"], "parts": ids["parts"],
        "prices": ids["part_prices"], "surnames": surnames, "given": people.GIVEN,
        "prefixes": list(people.MOBILE_PREFIXES), "districts": DISTRICTS, "roads": ROADS,
        "estates": ESTATES, "words": list(people.COMPANY_WORDS),
        "kinds": list(people.COMPANY_KINDS), "descr": [x[0] for x in problems],
        "found": [x[1] for x in problems], "causes": [x[2] for x in problems],
        "actions": [x[3] for x in problems], "ct": ct, "sig": SIGNATURE,
    }
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.42)")
        cur.execute("SET synchronous_commit = off")  # a bench fixture: no need to wait for disk
        cur.execute("SET maintenance_work_mem = '256MB'")
        indexes = indexes_drop(cur, BULK_TABLES)
        run(cur, """
            CREATE TEMP TABLE gen_customer AS
            SELECT g, now() - interval '8 years' + (g::float / %(c)s) * interval '7.9 years'
                      - random() * interval '20 days' AS since,
                   random() AS r1, random() AS r2, random() AS r3
            FROM generate_series(1, %(c)s) g""", p)
        run(cur, """
            INSERT INTO customers_customer (created_at, updated_at, version, name, phone,
                phone_alt, email, address, region_kind, kind, birthday, referred_by_id,
                service_centre_id, user_id)
            SELECT since, since, 1,
                CASE WHEN g %% 12 = 0
                     THEN '上海' || (%(words)s::text[])[1 + g %% 20] || (%(kinds)s::text[])[1 + (g / 20) %% 10]
                          || CASE WHEN g > 2400 THEN (g / 2400)::text || '号店' ELSE '' END
                     ELSE (%(surnames)s::text[])[1 + floor(power(r1, 2.2) * %(nsur)s)::int]
                          || (%(given)s::text[])[1 + floor(r2 * %(ngiv)s)::int] END,
                '+86' || (%(prefixes)s::text[])[1 + g %% %(npre)s]
                      || lpad(((g::bigint * 48271) %% 100000000)::text, 8, '0'),
                '', CASE WHEN r3 < 0.3 THEN 'c' || g || '@163.com' ELSE '' END,
                '上海市' || (%(districts)s::text[])[1 + g %% 6] || (%(roads)s::text[])[1 + g %% 12]
                    || (100 + g %% 2400) || '弄' || (%(estates)s::text[])[1 + g %% 10]
                    || (1 + g %% 60) || '号' || (1 + g %% 30) || '0' || (1 + g %% 4) || '室',
                CASE WHEN g %% 4 = 0 THEN 'suburban' ELSE 'urban' END,
                CASE WHEN g %% 12 = 0 THEN (CASE WHEN g %% 36 = 0 THEN 'key_account' ELSE 'company' END)
                     ELSE 'individual' END,
                NULL, NULL, (%(centres)s::bigint[])[1 + g %% 6], NULL
            FROM gen_customer ORDER BY g""",
            p | {"nsur": len(surnames), "ngiv": len(people.GIVEN),
                 "npre": len(people.MOBILE_PREFIXES)}, "customers")
        cur.execute("SELECT min(id) FROM customers_customer")
        c0 = cur.fetchone()[0]
        p["c0"] = c0
        # One product per customer (ids in customer order), a second one for every other customer.
        for k, where in ((1, "TRUE"), (2, "g % 2 = 0")):
            run(cur, f"""
                INSERT INTO customers_installedproduct (created_at, updated_at, version, serial,
                    purchased_on, installed_on, warranty_ends_on, address, region_kind, customer_id,
                    dealer_id, model_id)
                SELECT since, since, 1, 'L{k}' || lpad(g::text, 9, '0'), bought, bought + 2,
                       (bought + make_interval(months => (%(months)s::int[])[m]) - interval '1 day')::date,
                       '', '', %(c0)s + g - 1, NULL, (%(models)s::bigint[])[m]
                FROM (SELECT g, since,
                             least(since + ({k} - 1) * interval '1 year',
                                   now() - interval '30 days')::date AS bought,
                             1 + (g * 7 + {k} * 3) %% {len(ids['models'])} AS m
                      FROM gen_customer WHERE {where.replace('%', '%%')}) s
                ORDER BY g""", p, f"installed products ({k})")
            cur.execute("SELECT min(id) FROM customers_installedproduct WHERE serial LIKE %s",
                        [f"L{k}%"])
            p[f"p{k}"] = cur.fetchone()[0]
        # The requests: who, when, then the status their age makes likely.
        run(cur, """
            CREATE TEMP TABLE gen_request AS
            SELECT g, cidx, centre_idx, prod_id,
                   CASE WHEN prod_id IS NULL THEN t
                        ELSE greatest(t, bought + interval '1 day' + rx * interval '20 hours') END
                       AS reported_at,
                   random() AS rs, random() AS rc, random() AS ru, rx
            FROM (
                SELECT g, t, cidx, rx, 1 + cidx %% 6 AS centre_idx,
                       CASE WHEN internal_roll < 0.03 THEN NULL
                            WHEN cidx %% 2 = 0 AND second_roll < 0.4
                                 AND t > now() - interval '7 years' + (cidx::float / %(c)s) * interval '7.9 years'
                                 THEN %(p2)s + cidx / 2 - 1
                            ELSE %(p1)s + cidx - 1 END AS prod_id
                FROM (SELECT g, t, rx, internal_roll, second_roll,
                             1 + floor(least(%(c)s - 1, %(c)s * extract(epoch FROM t - (now() - interval '8 years'))
                                                    / extract(epoch FROM interval '7.9 years'))
                                       * power(random(), 1.3))::int AS cidx
                      FROM (SELECT g, now() - power(random(), 1.25) * interval '6 years' AS t,
                                   random() AS rx, random() AS internal_roll, random() AS second_roll
                            FROM generate_series(1, %(n)s) g) a0) a
            ) b LEFT JOIN LATERAL (
                SELECT purchased_on::timestamptz AS bought FROM customers_installedproduct
                WHERE id = b.prod_id) ip ON TRUE""", p, "request plan")
        run(cur, """
            ALTER TABLE gen_request ADD COLUMN status text, ADD COLUMN number text,
                ADD COLUMN in_warranty boolean, ADD COLUMN fee numeric, ADD COLUMN model_idx int""")
        run(cur, """
            UPDATE gen_request SET status = CASE
                WHEN now() - reported_at > interval '14 days' THEN
                    CASE WHEN rs < 0.93 THEN 'closed' WHEN rs < 0.98 THEN 'cancelled'
                         WHEN rs < 0.985 THEN 'completed' ELSE 'closed' END
                WHEN now() - reported_at > interval '2 days' THEN
                    CASE WHEN rs < 0.60 THEN 'closed' WHEN rs < 0.75 THEN 'completed'
                         WHEN rs < 0.81 THEN 'cancelled' WHEN rs < 0.87 THEN 'carried_in'
                         WHEN rs < 0.91 THEN 'repaired' WHEN rs < 0.94 THEN 'inspected'
                         WHEN rs < 0.98 THEN 'assigned' ELSE 'registered' END
                ELSE CASE WHEN rs < 0.25 THEN 'registered' WHEN rs < 0.33 THEN 'awaiting_agreement'
                          WHEN rs < 0.63 THEN 'assigned' WHEN rs < 0.70 THEN 'en_route'
                          WHEN rs < 0.80 THEN 'on_site' WHEN rs < 0.90 THEN 'completed'
                          WHEN rs < 0.95 THEN 'cancelled' ELSE 'carried_in' END END""", None,
            "statuses")
        run(cur, """
            UPDATE gen_request r SET number = 'SR' || period ||
                   CASE WHEN rn < 10000 THEN lpad(rn::text, 4, '0') ELSE rn::text END
            FROM (SELECT g, to_char(reported_at AT TIME ZONE 'Asia/Shanghai', 'YYMM') AS period,
                         row_number() OVER (PARTITION BY to_char(reported_at AT TIME ZONE
                             'Asia/Shanghai', 'YYMM') ORDER BY reported_at, g) AS rn
                  FROM gen_request) s
            WHERE s.g = r.g""", None, "numbers")
        run(cur, """
            UPDATE gen_request r SET
                in_warranty = (r.reported_at AT TIME ZONE 'Asia/Shanghai')::date
                              BETWEEN ip.purchased_on AND ip.warranty_ends_on,
                model_idx = array_position(%(models)s::bigint[], ip.model_id)
            FROM customers_installedproduct ip WHERE ip.id = r.prod_id""", p, "warranty")
        run(cur, "UPDATE gen_request SET in_warranty = false WHERE in_warranty IS NULL")
        run(cur, """
            INSERT INTO service_servicerequest (created_at, updated_at, version, number, channel,
                description, urgency, reported_at, internal, cause, in_warranty, chargeable,
                category, estimated_charge, customer_agreed_at, status, appointment_at,
                arrive_by, fault_found, fault_cause, action_taken, completed_at, closed_at,
                assigned_technician_id, created_by_id, customer_id, installed_product_id,
                service_centre_id)
            SELECT reported_at, coalesce(closed, done, reported_at), 1 + (rs * 8)::int, number,
                CASE WHEN rc < 0.55 THEN 'phone' WHEN rc < 0.65 THEN 'web' WHEN rc < 0.75 THEN 'platform'
                     WHEN rc < 0.83 THEN 'dealer' WHEN rc < 0.89 THEN 'chat' WHEN rc < 0.93 THEN 'sms'
                     WHEN rc < 0.97 THEN 'email' ELSE 'letter' END,
                CASE WHEN internal THEN '门店样机巡检'
                     ELSE (%(descr)s::text[])[prob] END,
                CASE WHEN ru < 0.85 THEN 'normal' WHEN ru < 0.97 THEN 'urgent' ELSE 'emergency' END,
                reported_at, internal, CASE WHEN worked AND NOT internal THEN cause ELSE '' END,
                in_warranty, charge, CASE WHEN internal THEN 'D' WHEN charge THEN 'A'
                     WHEN rx < 0.05 THEN 'B' ELSE 'C' END,
                CASE WHEN charge AND model_idx IS NOT NULL
                     THEN (%(fees)s::numeric[])[model_idx] ELSE 0 END,
                CASE WHEN charge AND status <> 'awaiting_agreement' THEN reported_at + interval '10 minutes' END,
                CASE WHEN status = 'awaiting_agreement' AND NOT charge THEN 'registered'
                     ELSE status END,
                CASE WHEN status = 'assigned' THEN reported_at + interval '1 day' END,
                reported_at + interval '6 hours',
                CASE WHEN worked THEN (%(found)s::text[])[prob] ELSE '' END,
                CASE WHEN worked THEN (%(causes)s::text[])[prob] ELSE '' END,
                CASE WHEN worked THEN (%(actions)s::text[])[prob] ELSE '' END,
                done, closed,
                CASE WHEN status IN ('registered', 'awaiting_agreement') THEN NULL
                     WHEN status = 'cancelled' AND rx < 0.5 THEN NULL
                     ELSE (%(techs)s::bigint[])[(centre_idx - 1) * 4 + 1 + g %% 4] END,
                (%(agents)s::bigint[])[(centre_idx - 1) * 2 + 1 + g %% 2],
                %(c0)s + cidx - 1, prod_id, (%(centres)s::bigint[])[centre_idx]
            FROM (SELECT *, 1 + g %% %(nprob)s AS prob, prod_id IS NULL AND rx > 0.5 AS internal,
                         status IN ('completed', 'closed', 'repaired', 'inspected') AS worked,
                         CASE WHEN rx < 0.12 THEN 'misuse' ELSE 'product_fault' END AS cause,
                         CASE WHEN status IN ('completed', 'closed', 'inspected')
                              THEN reported_at + least((1 + rx * 2) * interval '1 day',
                                                       (now() - reported_at) * 0.7) END AS done,
                         CASE WHEN status = 'closed'
                              THEN reported_at + least((2 + rx * 2) * interval '1 day',
                                                       (now() - reported_at) * 0.9) END AS closed,
                         NOT (prod_id IS NULL AND rx > 0.5) AND (NOT in_warranty OR rx < 0.12) AS charge
                  FROM gen_request) s
            ORDER BY reported_at, g""", p | {"nprob": len(problems)}, "service requests")
        # Timelines: the events each status's usual path leaves behind (minutes after the call).
        run(cur, """
            CREATE TEMP TABLE gen_path (status text, action text, from_state text,
                                        to_state text, who text, minutes int)""")
        paths = {
            "awaiting_agreement": [],
            "registered": [],
            "assigned": [("assign", "registered", "assigned", "sup", 60)],
            "en_route": [("assign", "registered", "assigned", "sup", 60),
                         ("depart", "assigned", "en_route", "tech", 180)],
            "on_site": [("assign", "registered", "assigned", "sup", 60),
                        ("depart", "assigned", "en_route", "tech", 180),
                        ("arrive", "en_route", "on_site", "tech", 230)],
            "cancelled": [("cancel", "registered", "cancelled", "agent", 120)],
        }
        site = paths["on_site"]
        paths["completed"] = [*site, ("record_work", "", "", "tech", 280),
                              ("complete", "on_site", "completed", "tech", 300)]
        paths["closed"] = [*paths["completed"], ("close", "completed", "closed", "agent", 1800)]
        paths["carried_in"] = [*site, ("carry_in", "on_site", "carried_in", "tech", 290)]
        paths["repaired"] = [*paths["carried_in"], ("record_work", "", "", "tech", 2000),
                             ("finish_repair", "carried_in", "repaired", "tech", 2100)]
        paths["inspected"] = [*paths["repaired"],
                              ("inspect_pass", "repaired", "inspected", "sup", 2400)]
        rows = [(status, *step) for status, steps in paths.items() for step in steps]
        rows += [(status, "register", "", status if status in ("awaiting_agreement",) else
                  "registered", "agent", 0) for status in paths]
        cur.executemany("INSERT INTO gen_path VALUES (%s, %s, %s, %s, %s, %s)", rows)
        run(cur, """
            INSERT INTO core_event (content_type_id, object_id, action, from_state, to_state,
                actor_id, at, note, data)
            SELECT %(ct)s, r.id, s.action, s.from_state, s.to_state,
                CASE s.who WHEN 'tech' THEN r.assigned_technician_id
                           WHEN 'sup' THEN (%(sups)s::bigint[])[array_position(%(centres)s::bigint[], r.service_centre_id)]
                           ELSE r.created_by_id END,
                r.reported_at + s.minutes * interval '1 minute',
                CASE s.action WHEN 'cancel' THEN '客户已自行解决' WHEN 'close' THEN '服务凭证已归档' ELSE '' END,
                '{}'::jsonb
            FROM service_servicerequest r JOIN gen_path s ON s.status = r.status
            WHERE s.who <> 'tech' OR r.assigned_technician_id IS NOT NULL""", p, "events")
        run(cur, """
            INSERT INTO service_visit (created_at, updated_at, version, scheduled_for, departed_at,
                arrived_at, left_at, outcome, reason, request_id, technician_id)
            SELECT reported_at + interval '1 hour', reported_at + interval '5 hours', 2, NULL,
                CASE WHEN status <> 'assigned' THEN reported_at + interval '3 hours' END,
                CASE WHEN status NOT IN ('assigned', 'en_route') THEN reported_at + interval '230 minutes' END,
                CASE WHEN status NOT IN ('assigned', 'en_route', 'on_site') THEN reported_at + interval '5 hours' END,
                CASE WHEN status IN ('completed', 'closed') THEN 'completed'
                     WHEN status IN ('carried_in', 'repaired', 'inspected') THEN 'carried_in'
                     ELSE 'pending' END, '', id, assigned_technician_id
            FROM service_servicerequest
            WHERE assigned_technician_id IS NOT NULL AND status <> 'cancelled' ORDER BY id""",
            p, "visits")
        run(cur, """
            INSERT INTO service_laborentry (created_at, updated_at, version, hours, at_bench, note,
                technician_id, request_id)
            SELECT completed_at, completed_at, 1, 0.5 + (id %% 6) * 0.5, false, '',
                   assigned_technician_id, id
            FROM service_servicerequest
            WHERE status IN ('completed', 'closed') AND assigned_technician_id IS NOT NULL
            ORDER BY id""", p, "hours")
        run(cur, """
            INSERT INTO service_partusage (created_at, updated_at, version, quantity, unit_price,
                charged, at_bench, part_id, recorded_by_id, request_id)
            SELECT completed_at, completed_at, 1, 1, (%(prices)s::numeric[])[k],
                   chargeable, false, (%(parts)s::bigint[])[k], assigned_technician_id, id
            FROM (SELECT *, 1 + (id * 13) %% %(nparts)s AS k FROM service_servicerequest
                  WHERE status IN ('completed', 'closed') AND assigned_technician_id IS NOT NULL
                    AND id %% 5 < 3) s
            ORDER BY id""", p | {"nparts": len(ids["parts"])}, "parts used")
        run(cur, """
            INSERT INTO service_signature (created_at, updated_at, version, kind, signer_name,
                opinion, image, signed_at, request_id)
            SELECT r.completed_at, r.completed_at, 1, 'completion', c.name, '满意', %(sig)s,
                   r.completed_at, r.id
            FROM service_servicerequest r JOIN customers_customer c ON c.id = r.customer_id
            WHERE r.status IN ('completed', 'closed') AND r.assigned_technician_id IS NOT NULL
            ORDER BY r.id""", p, "signatures")
        load_finish(cur, indexes)
        run(cur, """
            CREATE TABLE IF NOT EXISTS bench_lists_meta (rows integer, generator integer,
                generated_at timestamptz, seconds real)""")
        run(cur, "DELETE FROM bench_lists_meta")
        run(cur, "INSERT INTO bench_lists_meta VALUES (%s, %s, now(), %s)",
            [n_requests, GENERATOR_VERSION, time.monotonic() - started])
    return {"requests": n_requests, "customers": n_customers,
            "seconds": round(time.monotonic() - started, 1)}


def main() -> None:
    django.setup()
    n = int(sys.argv[1])
    result = generate(n)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
