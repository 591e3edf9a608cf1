"""Every write of satisfaction and follow-up (house style rule 1): FB-1 … FB-5, CP-15 reply.

- ``survey_schedule_for(request)`` is what a completed job sets off: the survey for the next
  morning (FB-1) and the follow-up call (FB-5). service_request_complete/hand_back call it inside
  their transaction; the daily ``surveys_schedule_missing`` catches any that were missed.
- Surveys, reminders and outcome messages go out through ``OutboundMessage`` rows, each delivered
  by a background task after commit and retried with a growing delay when sending fails.
- An answer is routed by ``rules.assess``: a low score or a complaint opens a follow-up case with
  a reply deadline (CP-15); a serious one alerts the vice-president at once; a complaining customer
  gets a supervisor's visit.
"""

from .common import (
    SYSTEM,
    SurveyUnavailable,
    customer_destinations,
    customer_mobile,
    survey_due_at,
    token_hash,
    working_day_start,
)
from .followup import (
    case_close,
    case_reply_check,
    case_take_up,
    case_tell_customer,
    follow_up_call_close,
    follow_up_call_record,
    follow_up_call_schedule,
    visit_task_assign,
    visit_task_cancel,
    visit_task_complete,
    visit_task_create,
)
from .surveys import (
    message_deliver,
    survey_answer,
    survey_link_for_customer,
    survey_link_issue,
    survey_link_open,
    survey_remind,
    survey_schedule_for,
    survey_send,
    survey_url,
    surveys_schedule_missing,
)

__all__ = [
    "SYSTEM", "SurveyUnavailable", "case_close", "case_reply_check", "case_take_up",
    "case_tell_customer", "customer_destinations", "customer_mobile", "follow_up_call_close",
    "follow_up_call_record", "follow_up_call_schedule", "message_deliver", "survey_answer",
    "survey_due_at", "survey_link_for_customer", "survey_link_issue", "survey_link_open",
    "survey_remind", "survey_schedule_for", "survey_send", "survey_url",
    "surveys_schedule_missing", "token_hash", "visit_task_assign", "visit_task_cancel",
    "visit_task_complete", "visit_task_create", "working_day_start",
]
