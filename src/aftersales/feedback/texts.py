"""What the messages and call scripts say, in the customer's or the user's language."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.customers.selectors import message_language

from .choices import CallKind

LINK = "[[link]]"  # replaced by a fresh survey link at each delivery attempt


def _technician(survey) -> str:
    return str(survey.technician) if survey.technician_id else _("our technician")


def survey_invitation(survey, *, channel: str, reminder: bool = False) -> tuple[str, str]:
    """(subject, body) of a survey invitation or its reminder; the body holds ``LINK``."""
    with translation.override(message_language(survey.customer)):
        values = {
            "customer": survey.customer.name,
            "number": survey.request.number,
            "technician": _technician(survey),
            "link": LINK,
            "until": timezone.localtime(survey.expires_at).strftime("%Y-%m-%d"),
        }
        if channel == "sms":
            if reminder:
                body = _("%(customer)s, we would still like to hear how request %(number)s went. "
                         "One minute, four taps (until %(until)s): %(link)s") % values
            else:
                body = _("%(customer)s, thank you for choosing us. How did %(technician)s do on "
                         "request %(number)s? Rate us in one minute (until %(until)s): "
                         "%(link)s") % values
            return "", body
        subject = (_("Reminder: how did we do on request %(number)s?") if reminder
                   else _("How did we do on request %(number)s?")) % values
        body = _(
            "Dear %(customer)s,\n\n"
            "thank you for choosing our service. %(technician)s worked on your request "
            "%(number)s. Please tell us how it went: four short questions about attitude, skill, "
            "arrival time and keeping promises, and room for anything else.\n\n"
            "%(link)s\n\n"
            "The link works once, needs no sign-in and is valid until %(until)s.\n\n"
            "If anything is not right, tell us in the survey: the service department reads "
            "every answer and will call you back.\n"
        ) % values
        if reminder:
            body = _("We have not heard from you yet, so here is the link once more.\n\n") + body
        return subject, body


def case_outcome(case) -> tuple[str, str]:
    with translation.override(message_language(case.customer)):
        values = {"customer": case.customer.name, "number": case.request.number,
                  "outcome": case.outcome.strip()}
        subject = _("About your feedback on request %(number)s") % values
        body = _("%(customer)s, about your feedback on request %(number)s: %(outcome)s "
                 "Thank you for telling us.") % values
        return subject, body


def serious_alert(case) -> tuple[str, str]:
    values = {"number": case.number, "request": case.request.number,
              "customer": case.customer.name, "centre": case.service_centre.name,
              "summary": (case.summary or "")[:200],
              "link": settings.SITE_URL.rstrip("/") + f"/feedback/cases/{case.pk}/"}
    subject = _("Serious complaint %(number)s (%(centre)s)") % values
    body = _("Serious complaint %(number)s from %(customer)s on request %(request)s "
             "(%(centre)s): %(summary)s %(link)s") % values
    return subject, body


def call_script(kind: str, policy) -> str:
    """The short script (话术) an agent reads; the administrator may replace it."""
    custom = (policy.script_after_complaint if kind == CallKind.AFTER_COMPLAINT
              else policy.script_after_repair).strip()
    if custom:
        return custom
    if kind == CallKind.AFTER_COMPLAINT:
        return _(
            "Hello, this is {agent} from the after-sales service. You told us about a problem "
            "with request {number}; we have dealt with it and wrote to you about the outcome.\n"
            "1. Is the problem solved to your satisfaction now?\n"
            "2. Is there anything else we should do?\n"
            "Thank you for your patience — we are sorry for the trouble.")
    return _(
        "Hello, this is {agent} from the after-sales service, calling about request {number} "
        "({product}). It takes one minute.\n"
        "1. Is the product working well since the visit?\n"
        "2. Did {technician} arrive on time and explain what was done?\n"
        "3. Was the site left clean, and were the charges as agreed?\n"
        "4. Is there anything we could do better?\n"
        "Thank you for your time. If anything goes wrong, call our service hotline.")
