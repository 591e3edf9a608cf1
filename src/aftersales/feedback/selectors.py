"""Reads of satisfaction and follow-up that carry policy (house style rule 2)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.core.events import event_list
from aftersales.core.querysets import get_restricted
from aftersales.service.models import ServiceRequest

from . import texts
from .choices import RATING_ITEMS, Rating
from .models import FeedbackSettings, FollowUpCall, FollowUpCase, Survey, VisitTask


def item_labels() -> dict[str, str]:
    """The four items of FB-2 in the current language."""
    return {
        "attitude": pgettext("survey item", "Attitude"),
        "skill": pgettext("survey item", "Skill"),
        "punctuality": pgettext("survey item", "Arrival time"),
        "promise": pgettext("survey item", "Keeping promises"),
    }


def end_of_today(now=None) -> datetime:
    now = now or timezone.now()
    return datetime.combine(timezone.localdate(now) + timedelta(days=1), time(0),
                            timezone.get_current_timezone())


# --- calls ------------------------------------------------------------------------------------

CALL_RELATED = ("request__customer", "request__service_centre", "request__assigned_technician",
                "request__installed_product__model", "case", "called_by")


def call_list(*, user):
    """The call list, earliest due first: overdue calls, then today's, then later ones."""
    return (FollowUpCall.objects.restrict(user, "view").select_related(*CALL_RELATED)
            .order_by("due_at", "id"))


def call_get_for_page(*, user, pk: int) -> FollowUpCall:
    return get_restricted(FollowUpCall.objects.select_related(*CALL_RELATED), user, pk=pk)


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def call_script(call: FollowUpCall, user) -> str:
    """The script with the agent's, the job's and the technician's names filled in."""
    request = call.request
    product = request.installed_product
    values = _Blank(
        agent=user.get_full_name() or user.username,
        number=request.number,
        customer=request.customer.name,
        product=f"{product.model.name} {product.model.code}" if product else "—",
        technician=str(request.assigned_technician or _("our technician")),
    )
    return texts.call_script(call.kind, FeedbackSettings.load()).format_map(values)


def call_counts(*, user, now=None) -> dict:
    """Open calls due by tonight and overdue ones (for the list's heading and a dashboard)."""
    now = now or timezone.now()
    calls = FollowUpCall.objects.restrict(user, "view").open()
    return calls.aggregate(
        due_today=Count("pk", filter=Q(due_at__lt=end_of_today(now))),
        overdue=Count("pk", filter=Q(due_at__lt=now - timedelta(hours=1))),
    )


# --- surveys ----------------------------------------------------------------------------------

SURVEY_RELATED = ("request__service_centre", "customer", "technician")


def survey_list(*, user):
    return Survey.objects.restrict(user, "view").select_related(*SURVEY_RELATED)


@dataclass(frozen=True)
class ResponseRate:
    due: int
    sent: int
    answered: int
    expired: int

    @property
    def rate(self) -> float | None:
        """Answered ÷ surveys due, in % (every completed job counts: FB-1, no sampling)."""
        return round(self.answered / self.due * 100, 1) if self.due else None


def survey_response_rate(*, user=None, queryset=None, now=None) -> ResponseRate:
    """Response figures of the surveys due so far (one aggregate query)."""
    now = now or timezone.now()
    surveys = queryset if queryset is not None else Survey.objects.restrict(user, "view")
    figures = surveys.filter(due_at__lte=now).aggregate(
        due=Count("pk"),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        expired=Count("pk", filter=Q(answered_at__isnull=True, expires_at__lte=now)),
    )
    return ResponseRate(**figures)


def survey_answers(survey: Survey | None) -> list[dict]:
    """The four answers with their labels, for the call and case pages."""
    if survey is None or not survey.answered_at:
        return []
    labels = item_labels()
    return [{"item": item, "label": labels[item], "rating": getattr(survey, item),
             "text": Rating(getattr(survey, item)).label} for item in RATING_ITEMS]


def survey_of(request: ServiceRequest) -> Survey | None:
    return Survey.objects.filter(request=request).first()


def survey_for_request_get(*, user, number: str) -> ServiceRequest:
    """The signed-in user's own request by number (the same 404 for anyone else's)."""
    return get_restricted(ServiceRequest.objects.select_related("customer"), user, number=number)


# --- cases ------------------------------------------------------------------------------------

CASE_RELATED = ("request", "customer", "service_centre", "survey", "handler")


def case_list(*, user):
    return FollowUpCase.objects.restrict(user, "view").select_related(*CASE_RELATED)


def case_get_for_page(*, user, pk: int) -> FollowUpCase:
    return get_restricted(FollowUpCase.objects.select_related(
        *CASE_RELATED, "request__assigned_technician", "request__installed_product__model",
        "call"), user, pk=pk)


def case_reasons(case: FollowUpCase) -> list[str]:
    """Why the case was opened, in words."""
    labels = item_labels()
    out = []
    for reason in case.reasons or []:
        kind = reason.get("kind")
        if kind == "rating":
            out.append(_("%(item)s rated “%(level)s”") % {
                "item": labels.get(reason.get("item"), reason.get("item")),
                "level": Rating(reason["rating"]).label})
        elif kind == "word":
            out.append(_("complaint word “%(word)s” in the comment") % {"word": reason["word"]})
        elif kind == "serious_word":
            out.append(_("serious word “%(word)s”") % {"word": reason["word"]})
        elif kind == "call":
            out.append(_("complaint heard on a follow-up call"))
    return out


def case_counts(*, user, now=None) -> dict:
    now = now or timezone.now()
    cases = FollowUpCase.objects.restrict(user, "view")
    return cases.aggregate(
        open=Count("pk", filter=~Q(status="closed")),
        reply_overdue=Count("pk", filter=Q(status="open", reply_due_at__lte=now)),
        serious_open=Count("pk", filter=Q(serious=True) & ~Q(status="closed")),
    )


def action_labels() -> dict[str, str]:
    return {
        "schedule": _("Planned"), "send": _("Sending"), "sent": _("Sent"),
        "no_contact": _("No mobile or e-mail"), "remind": _("Reminder"),
        "reminded": _("Reminder sent"), "answer": _("Answered"), "send_failed": _("Sending failed"),
        "open": _("Opened"), "take_up": _("Taken up, customer replied to"),
        "tell_customer": _("Customer told the outcome"), "close": _("Closed"),
        "reply_overdue": _("Reply deadline missed"), "reach": _("Reached"),
        "miss": _("Not reached"), "give_up": _("Not reached, given up"),
        "call_back": _("Call back later"), "create": _("Created"), "assign": _("Reassigned"),
        "complete": _("Visited"), "cancel": _("Cancelled"),
    }


def timeline(subject) -> list:
    """A case's, call's or visit's events with their actions in words."""
    labels = action_labels()
    events = list(event_list(subject))
    for event in events:
        event.label = labels.get(event.action, event.action)
    return events


# --- visits -----------------------------------------------------------------------------------

def visit_list(*, user):
    return (VisitTask.objects.restrict(user, "view")
            .select_related("case", "request", "customer", "service_centre", "assigned_to")
            .order_by(Case(When(status="open", then=Value(0)), default=Value(1),
                           output_field=IntegerField()), "due_on", "id"))


def visit_get(*, user, pk: int, action: str = "view") -> VisitTask:
    return get_restricted(VisitTask.objects.select_related("case", "customer"), user, action,
                          pk=pk)


def centre_supervisors(centres):
    """Active supervisors of one centre (or of a set of centre ids)."""
    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import User

    users = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk")
    if isinstance(centres, set | list | tuple):
        return users.filter(service_centre_id__in=centres)
    return users.filter(service_centre=centres)
