"""The documents' defaults for customer care (CR-1 … CR-4, FB-6); admin-editable in CareSettings."""

from django.utils.translation import gettext_lazy as _

CHECK_IN_DAYS = 30          # "is it working well?" a month after installation
WARRANTY_NOTICE_DAYS = 30   # the warranty ends in a month: tell the customer
CONTRACT_NOTICE_DAYS = 30   # shown on the calendar (the contracts area sends the notice)
CHURN_MONTHS = 6            # no request and no contact for this long: a churn signal
VISIT_AFTER_INSTALL_DAYS = 30  # FB-6: a key account is visited within a month
VALUE_TOP_SHARE = 80        # CR-4: the few customers who bring 80 % of the business
SEND_EARLY_DAYS = 1         # a message sent by hand from the calendar: today's, or a day early
NOTICE_SCHEDULE_MAX_DAYS = 90
CENTRE_CONTACT_DAYS = 30    # CR-3: an influence centre not contacted for this long is due  # a product notice is scheduled at most this far ahead

# (occasion, language) → (subject, body). Placeholders: {customer} {product} {date} {holiday}
# {company}. Administrators edit them as MessageTemplate rows; these are used when none exists.
TEMPLATES = {
    "birthday": {
        "zh-hans": ("生日快乐", "{customer}，祝您生日快乐！感谢您一直以来对我们的信任。——{company}"),
        "zh-hant": ("生日快樂", "{customer}，祝您生日快樂！感謝您一直以來對我們的信任。——{company}"),
        "en": ("Happy birthday", "{customer}, happy birthday! Thank you for your trust. — {company}"),
    },
    "holiday": {
        "zh-hans": ("节日问候", "{customer}，{holiday}快乐！祝您和家人节日愉快。——{company}"),
        "zh-hant": ("節日問候", "{customer}，{holiday}快樂！祝您和家人節日愉快。——{company}"),
        "en": ("Season's greetings", "{customer}, best wishes for {holiday}! — {company}"),
    },
    "warranty_expiry": {
        "zh-hans": ("保修即将到期", "{customer}，您的{product}保修期将于{date}到期。如需检查或续保，请致电服务热线。——{company}"),
        "zh-hant": ("保修即將到期", "{customer}，您的{product}保修期將於{date}到期。如需檢查或續保，請致電服務熱線。——{company}"),
        "en": ("Your warranty ends soon", "{customer}, the warranty of your {product} ends on {date}. Call our hotline for a check-up or an extended warranty. — {company}"),
    },
    "contract_expiry": {
        "zh-hans": ("保养合同即将到期", "{customer}，您的保养合同将于{date}到期。——{company}"),
        "zh-hant": ("保養合同即將到期", "{customer}，您的保養合同將於{date}到期。——{company}"),
        "en": ("Your maintenance contract ends soon", "{customer}, your maintenance contract ends on {date}. — {company}"),
    },
    "check_in": {
        "zh-hans": ("使用回访", "{customer}，您的{product}已安装一段时间，使用还好吗？有任何问题请随时致电服务热线。——{company}"),
        "zh-hant": ("使用回訪", "{customer}，您的{product}已安裝一段時間，使用還好嗎？有任何問題請隨時致電服務熱線。——{company}"),
        "en": ("Is it working well?", "{customer}, your {product} has been installed for a while. Is it working well? Call our hotline with any question. — {company}"),
    },
    # user seminars (CR-3): {seminar} {date} {place} besides {customer} and {company}
    "seminar": {
        "zh-hans": ("活动邀请", "{customer}，您好！诚邀您参加{seminar}，时间：{date}，地点：{place}。能否出席，请回复或致电服务热线。——{company}"),
        "zh-hant": ("活動邀請", "{customer}，您好！誠邀您參加{seminar}，時間：{date}，地點：{place}。能否出席，請回覆或致電服務熱線。——{company}"),
        "en": ("An invitation", "{customer}, you are invited to {seminar} on {date} at {place}. Please reply or call our hotline to say whether you can come. — {company}"),
    },
    "seminar_cancelled": {
        "zh-hans": ("活动取消", "{customer}，您好！原定于{date}举行的{seminar}已取消，敬请谅解。——{company}"),
        "zh-hant": ("活動取消", "{customer}，您好！原定於{date}舉行的{seminar}已取消，敬請諒解。——{company}"),
        "en": ("Cancelled", "{customer}, we are sorry: {seminar} on {date} has been cancelled. — {company}"),
    },
}
COMPANY = _("After-sales service")
