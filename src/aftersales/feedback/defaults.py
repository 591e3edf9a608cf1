"""The documents' defaults for satisfaction and follow-up (FB-1 … FB-5, CP-15).

They are the initial values of the admin-editable ``FeedbackSettings`` (house style rule 11).
Words are matched in the survey comment without regard to case; simplified and traditional
forms are both listed, since the survey speaks both.
"""

from datetime import time

SURVEY_HOUR = time(9, 0)          # FB-1: the next morning, centre's time zone
SURVEY_VALID_DAYS = 14
REMINDER_AFTER_DAYS = 3
LOW_SCORE_MAX = 2                 # FB-4: any item at or below → a follow-up case
SERIOUS_SCORE_MAX = 1             # any item at the lowest level → serious
COMPLAINT_WORDS = "\n".join([
    "投诉", "不满意", "很差", "太差", "差劲", "态度恶劣", "态度差", "乱收费", "没修好", "又坏了",
    "投訴", "不滿意", "態度惡劣", "態度差", "亂收費", "沒修好", "又壞了",
    "complaint", "complain", "unhappy", "rude", "terrible",
])
SERIOUS_WORDS = "\n".join([
    "态度恶劣", "曝光", "12315", "消协", "律师", "起诉", "媒体", "退货",
    "態度惡劣", "消協", "律師", "媒體", "退貨",
    "lawyer", "media", "refund",
])
VISIT_DUE_DAYS = 3                # a supervisor visits a complaining customer (FB-4)
CALL_DELAY_DAYS = 1               # FB-5: working days after the job
CALL_MAX_ATTEMPTS = 3
SEND_MAX_ATTEMPTS = 5
RETRY_MINUTES = 5                 # first retry after 5 min, then 10, 20, 40 …
