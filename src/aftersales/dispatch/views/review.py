"""What the plan's review page shows: one timeline per technician (travel, waiting and work on a
day axis), each stop with its explanation in words, the deferred jobs with their reasons, and
who is not working. Presentation only: the figures come from the stored plan."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aftersales.accounts.models import User

from ..planning import minutes_from_midnight
from ..plans import DEFER_BY_HAND, WHY_BY_HAND, plan_changes
from ..problem import absent_reason_label
from ..technicians import skill_names


def duration_text(minutes: float) -> str:
    minutes = int(round(abs(minutes)))
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": rest}


def why_text(item, skills: list[str]) -> str:
    e = item.explanation or {}
    why = item.reason or e.get("why", "")
    n = e.get("qualified", 0)
    if item.pinned:
        return _("Work already started: it stays with him.")
    if why == "pinned":
        return _("Already assigned to him: kept with him, the order may change.")
    if why == WHY_BY_HAND:
        return _("Moved here by hand.")
    if why == "only_qualified":
        return _("The only technician on duty with the skill (%(skills)s).") % {
            "skills": "、".join(skills) or "—"}
    if why == "nearest_qualified":
        return ngettext("The nearest of %(n)d qualified technician.",
                        "The nearest of %(n)d qualified technicians.", n) % {"n": n}
    if why == "fits_route":
        nearer = e.get("nearer", 0)
        return ngettext(
            "On his way: %(nearer)d of the %(n)d qualified lives nearer, but this plan travels "
            "least overall.",
            "On his way: %(nearer)d of the %(n)d qualified live nearer, but this plan travels "
            "least overall.", nearer) % {"nearer": nearer, "n": n}
    if why == "rotation_turn":
        return _("His turn in the rotation.")
    return why


def deadline_text(item, tz) -> tuple[str, str]:
    """(text, css class) of the expected arrival against the deadline."""
    if item.deadline is None:
        return _("No arrival deadline."), ""
    due = timezone.localtime(item.deadline, tz)
    if item.technician_id is None:
        return _("Deadline %(due)s.") % {"due": due.strftime("%m-%d %H:%M")}, ""
    slack = (item.explanation or {}).get("slack_min")
    if item.late:
        return _("Late by %(late)s: deadline %(due)s.") % {
            "late": duration_text(-(slack or 0)), "due": due.strftime("%m-%d %H:%M")}, "bad"
    left = duration_text(slack) if slack is not None else ""
    css = "warn" if slack is not None and slack < 30 else "ok"
    return _("On time: deadline %(due)s, %(left)s to spare.") % {
        "due": due.strftime("%m-%d %H:%M"), "left": left}, css


DEFER_TEXT = {
    "no_qualified_technician": lambda s: _(
        "No technician on duty has the skill (%(skills)s).") % {"skills": s},
    "no_qualified_technician_in_window": lambda s: _(
        "No qualified technician is free within the customer's window or his shift."),
    "no_room_today": lambda s: _("No room left in today's routes."),
    "pinned_technician_cannot_fit": lambda s: _("His technician cannot fit it in today."),
    DEFER_BY_HAND: lambda s: _("Deferred by hand."),
}


def room_text(job: dict, techs: list[dict], load: dict[str, int], tech_meta: dict) -> str | None:
    """Why there was no room for ``job``: the qualified technicians' daily capacity, the time
    left in their shifts, or some of each (None: nobody qualified, the reason says so)."""
    pinned = job.get("pinned_technician")
    need = set(job.get("required_skills", []))
    qualified = [t for t in techs if (t["id"] == pinned if pinned else need <= set(t["skills"]))]
    if not qualified:
        return None
    full = [t for t in qualified if load.get(t["id"], 0) >= t["capacity"]]
    if not full:
        if pinned:
            return _("His technician has no time left in his shift today.")
        return _("No time left in the qualified technicians' shifts today.")
    daily = sorted({t["capacity"] + tech_meta.get(t["id"], {}).get("finished_today", 0)
                    for t in full})
    n = str(daily[0]) if len(daily) == 1 else f"{daily[0]}–{daily[-1]}"
    capacity = ngettext("%(n)s job", "%(n)s jobs", daily[-1]) % {"n": n}
    if pinned:
        return _("His technician has reached his daily capacity (%(capacity)s).") % {
            "capacity": capacity}
    if len(full) == len(qualified):
        return _("Every qualified technician has reached his daily capacity (%(capacity)s).") % {
            "capacity": capacity}
    names = "、".join(tech_meta.get(t["id"], {}).get("name", t["id"]) for t in full)
    return _("%(names)s reached the daily capacity (%(capacity)s); the other qualified "
             "technicians have no time left in their shifts.") % {
        "names": names, "capacity": capacity}


ROOM_REASONS = {"no_room_today", "pinned_technician_cannot_fit"}


def defer_text(item, skills: list[str], room: str | None = None) -> str:
    text = DEFER_TEXT.get(item.reason)
    if room and item.reason in ROOM_REASONS:
        reason = room
    else:
        reason = text("、".join(skills) or "—") if text else item.reason
    return f"{reason} " + _("Goes first tomorrow.")


def outcome_label(code: str) -> str:
    return {
        "assigned": _("assigned"), "unchanged": _("already as planned"),
        "rescheduled": _("same technician, new time"),
        "kept": _("under way"), "skipped": _("skipped"),
        "returned": _("back to the queue"), "deferred": _("stays in the queue"),
    }.get(code, code)


def location_note(item) -> str:
    source = (item.explanation or {}).get("location")
    if source == "centre":
        return _("Address not located: travel counted from the service centre.")
    if source == "fallback":
        return _("Address not located: travel is a rough guess.")
    return ""


@dataclass
class Segment:
    kind: str  # travel, wait, work, home
    left: float
    width: float
    label: str = ""
    title: str = ""
    css: str = ""


@dataclass
class Stop:
    item: object
    why: str
    deadline: str
    deadline_css: str
    travel: str
    location: str
    skills: list[str]
    unqualified: set = field(default_factory=set)  # technician pks lacking a skill
    outcome: str = ""


@dataclass
class Row:
    technician: User
    tech_id: str
    stops: list[Stop]
    segments: list[Segment]
    shift: Segment
    route: dict
    skills: list[str]
    summary: str
    overtime: bool = False


@dataclass
class Review:
    rows: list[Row]
    deferred: list[Stop]
    absent: list[dict]
    hours: list[tuple[str, float]]
    now_left: float | None
    technicians: list[User]
    changes: dict
    unlocated: int


def build_review(plan, items) -> Review:
    tz = ZoneInfo(plan.service_centre.time_zone)
    problem = plan.problem or {}
    techs = problem.get("technicians", [])
    jobs = {j["id"]: j for j in problem.get("jobs", [])}
    routes = plan.routes or {}
    users = {str(u.pk): u for u in User.objects.filter(pk__in=[int(t["id"]) for t in techs])}
    tech_skills = {t["id"]: set(t["skills"]) for t in techs}
    codes = {c for t in techs for c in t["skills"]} | {
        c for j in jobs.values() for c in j["required_skills"]}
    names = skill_names(codes)
    tech_meta = problem.get("tech_meta", {})
    load: dict[str, int] = {}
    for item in items:
        if item.technician_id is not None:
            job = jobs.get(str(item.request_id), {})
            load[str(item.technician_id)] = load.get(str(item.technician_id), 0) + job.get("load", 1)

    def minutes(moment):
        return minutes_from_midnight(moment, plan.day, tz) if moment else None

    lo = min([t["shift_start"] for t in techs] + [r["depart"] for r in routes.values()
                                                  if r.get("depart") is not None] or [480])
    hi = max([t["shift_end"] for t in techs] + [r["back"] for r in routes.values()
                                                if r.get("back") is not None] or [1080])
    for item in items:
        if item.expected_start is not None:
            lo = min(lo, minutes(item.expected_arrival))
            hi = max(hi, minutes(item.expected_end))
    lo, hi = math.floor(lo / 60) * 60, math.ceil(hi / 60) * 60
    span = max(hi - lo, 60)

    def pos(m):
        return round((m - lo) / span * 100, 3)

    def stop_of(item) -> Stop:
        job = jobs.get(str(item.request_id), {})
        codes = job.get("required_skills", [])
        skills = [names.get(c, c) for c in codes]
        text, css = deadline_text(item, tz)
        e = item.explanation or {}
        travel = ""
        if item.technician_id is not None and e.get("travel_km") is not None:
            travel = _("%(km)s km, %(min)s from the previous stop") % {
                "km": f"{e['travel_km']:.1f}", "min": duration_text(e.get("travel_min", 0))}
        return Stop(
            item=item, why=why_text(item, skills) if item.technician_id else defer_text(
                item, skills, room_text(job, techs, load, tech_meta)
                if item.reason in ROOM_REASONS else None),
            deadline=text, deadline_css=css, travel=travel, location=location_note(item),
            skills=skills,
            unqualified={int(t) for t, held in tech_skills.items() if not set(codes) <= held},
            outcome=outcome_label(item.outcome) if item.outcome else "")

    rows = []
    by_tech: dict[str, list] = {}
    for item in items:
        if item.technician_id is not None:
            by_tech.setdefault(str(item.technician_id), []).append(item)
    for t in techs:
        tid = t["id"]
        mine = sorted(by_tech.get(tid, []), key=lambda i: i.sequence)
        segments = []
        for item in mine:
            arrival, start, end = (minutes(item.expected_arrival), minutes(item.expected_start),
                                   minutes(item.expected_end))
            leg = (item.explanation or {}).get("travel_min", 0) or 0
            if leg > 0:
                segments.append(Segment("travel", pos(arrival - leg), pos(arrival) - pos(arrival - leg),
                                        title=_("Travel %(min)s") % {"min": duration_text(leg)}))
            if start - arrival > 1:
                segments.append(Segment("wait", pos(arrival), pos(start) - pos(arrival),
                                        title=_("Waiting %(min)s") % {
                                            "min": duration_text(start - arrival)}))
            css = "late" if item.late else ("pinned" if item.pinned else "")
            segments.append(Segment(
                "work", pos(start), pos(end) - pos(start), label=str(item.sequence),
                title=f"{item.sequence}. {item.request.number} {item.request.customer.name} "
                      f"{timezone.localtime(item.expected_start, tz):%H:%M}–"
                      f"{timezone.localtime(item.expected_end, tz):%H:%M}", css=css))
        route = routes.get(tid, {})
        if mine and route.get("back") is not None:
            last_end = minutes(mine[-1].expected_end)
            segments.append(Segment("travel", pos(last_end), pos(route["back"]) - pos(last_end),
                                    title=_("Home at %(time)s") % {
                                        "time": _clock(route["back"])}))
        shift = Segment("shift", pos(t["shift_start"]), pos(t["shift_end"]) - pos(t["shift_start"]),
                        title=_("Shift %(start)s–%(end)s") % {
                            "start": _clock(t["shift_start"]), "end": _clock(t["shift_end"])})
        overtime = bool(route.get("back") and route["back"] > t["shift_end"] + 1e-6)
        if mine:
            summary = ngettext("%(n)d job", "%(n)d jobs", len(mine)) % {"n": len(mine)} + " · " + _(
                "%(km)s km, %(time)s driving · home %(back)s") % {
                "km": f"{route.get('km', 0):.1f}", "time": duration_text(route.get("minutes", 0)),
                "back": _clock(route["back"]) if route.get("back") is not None else "—"}
        else:
            summary = _("No jobs in this plan.")
        rows.append(Row(technician=users.get(tid), tech_id=tid,
                        stops=[stop_of(i) for i in mine], segments=segments, shift=shift,
                        route=route, skills=sorted(names.get(c, c) for c in t["skills"]),
                        summary=summary,
                        overtime=overtime))
    deferred = [stop_of(i) for i in sorted((i for i in items if i.technician_id is None),
                                           key=lambda i: i.sequence)]
    hours = [(_clock(m), pos(m)) for m in range(lo, hi + 1, 60)]
    now = problem.get("now")
    absent = [{**a, "label": absent_reason_label(a["reason"])} for a in problem.get("absent", [])]
    return Review(
        rows=rows, deferred=deferred, absent=absent, hours=hours,
        now_left=pos(now) if now is not None and lo <= now <= hi else None,
        technicians=[users[t["id"]] for t in techs if t["id"] in users],
        changes=plan_changes(plan, items),
        unlocated=sum(1 for i in items if (i.explanation or {}).get("location") not in
                      (None, "customer")),
    )


def _clock(minutes: float) -> str:
    minutes = int(round(minutes))
    day, rest = divmod(minutes, 1440)
    text = f"{rest // 60:02d}:{rest % 60:02d}"
    return text if day == 0 else f"{text} (+{day})"
