"""Every write on complaints (house style rule 1): keyword-only, ``actor=``, one transaction."""

from .intake import complaint_from_case, complaint_register, complaint_reopen, internal_note_add
from .outcome import complaint_close
from .penalties import responsibility_set
from .route import (
    complaint_cancel,
    inquiry_answer,
    qa_report_record,
    step_alert_fire,
    step_complete,
)
from .stats import monthly_report_produce

__all__ = [
    "complaint_cancel", "complaint_close", "complaint_from_case", "complaint_register",
    "complaint_reopen", "inquiry_answer", "internal_note_add", "monthly_report_produce",
    "qa_report_record", "responsibility_set", "step_alert_fire", "step_complete",
]
