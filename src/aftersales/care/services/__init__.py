"""Every write of customer care (house style rule 1): keyword-only, ``actor=``, one transaction,
an event; bad input is a ValidationError naming the field. One module per area; each area's
public functions are re-exported here."""

from .accounts import (
    key_account_mark,
    key_account_update,
    plan_next_due,
    visit_plan_create,
    visit_record,
    visits_after_installation_ensure,
)
from .messages import (
    care_daily,
    care_items_due,
    care_items_due_by_hand,
    care_message_send,
    care_message_send_now,
    care_messages_send,
    message_address,
    message_render,
    text_render,
)
from .notices import (
    NOTICE_PLACEHOLDERS,
    NOTICE_PROGRESS_EVERY,
    NOTICE_START_BATCH,
    product_notice_deliver,
    product_notice_preview,
    product_notice_save,
    product_notice_schedule,
    product_notice_send,
    product_notice_start,
    product_notice_unschedule,
    product_notices_start_due,
)
from .referrals import (
    CENTRE_FIELDS,
    centre_contact_record,
    influence_centre_save,
    may_contact,
    referral_close,
    referral_create,
)
from .seminars import (
    INVITE_MAX,
    SEMINAR_FIELDS,
    guest_answer,
    guest_attendance_correct,
    invitations_sent,
    may_answer,
    may_host,
    may_invite,
    may_plan,
    may_plan_any,
    seminar_cancel,
    seminar_hold,
    seminar_invitations_send,
    seminar_invite,
    seminar_save,
    seminar_summary_save,
)

__all__ = [
    "key_account_mark", "key_account_update", "plan_next_due", "visit_plan_create",
    "visit_record", "visits_after_installation_ensure", "care_daily", "care_items_due",
    "care_items_due_by_hand", "care_message_send", "care_message_send_now",
    "care_messages_send", "message_address", "message_render", "text_render",
    "NOTICE_PLACEHOLDERS", "NOTICE_PROGRESS_EVERY", "NOTICE_START_BATCH",
    "product_notice_deliver", "product_notice_preview", "product_notice_save",
    "product_notice_schedule", "product_notice_send", "product_notice_start",
    "product_notice_unschedule", "product_notices_start_due", "CENTRE_FIELDS",
    "centre_contact_record", "influence_centre_save", "may_contact", "referral_close",
    "referral_create", "INVITE_MAX", "SEMINAR_FIELDS", "guest_answer",
    "guest_attendance_correct", "invitations_sent", "may_answer", "may_host", "may_invite",
    "may_plan", "may_plan_any", "seminar_cancel", "seminar_hold", "seminar_invitations_send",
    "seminar_invite", "seminar_save", "seminar_summary_save",
]
