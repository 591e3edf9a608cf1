"""The fixed vocabularies of complaints (CP-1 … CP-16)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Walk-in visit")
    DEALER = "dealer", _("Through a dealer")
    ECOMMERCE = "ecommerce", _("Online shop")
    SURVEY = "survey", _("Survey")
    CALL = "call", _("Follow-up call")
    API = "api", _("Outside system")


class Kind(models.TextChoices):
    """CP-2: a quality fault of the product, or a non-quality one (human error)."""

    QUALITY = "quality", _("Quality")
    NON_QUALITY = "non_quality", _("Non-quality (human error)")


class Market(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    FOREIGN = "foreign", _("Foreign")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Waiting for the GM office")
    QA = "qa", _("Quality assurance")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    RND = "rnd", _("R&D")
    NEGOTIATION = "negotiation", _("Sales negotiates")
    REVIEW = "review", _("GM office review")
    APPROVAL = "approval", _("Waiting for approval")
    DECIDED = "decided", _("Decided — carry out")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = frozenset(set(Status.values) - {Status.CLOSED, Status.CANCELLED})


class StepCode(models.TextChoices):
    """CP-4: the route's steps, in order (the status a complaint has while the step runs)."""

    INTAKE = "registered", _("GM office accepts and registers")
    QA = "qa", _("QA finds the cause and the responsible department")
    MANUFACTURING = "manufacturing", _("Manufacturing analyses and sets countermeasures")
    RND = "rnd", _("R&D gives its opinion")
    NEGOTIATION = "negotiation", _("Sales negotiates with the customer")
    REVIEW = "review", _("GM office writes the combined opinion")
    APPROVAL = "approval", _("Approval by authority")


STEP_ORDER = [c.value for c in StepCode]


class DepartmentKind(models.TextChoices):
    GM_OFFICE = "gm_office", _("GM office (production control)")
    QA = "qa", _("Quality assurance")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    RND = "rnd", _("R&D")
    SALES = "sales", _("Sales")
    SERVICE = "service", _("Service department")
    FINANCE = "finance", _("Finance")
    WAREHOUSE = "warehouse", _("Finished-goods warehouse")
    OTHER = "other", pgettext_lazy("department", "Other")


class Cause(models.TextChoices):
    """CP-14: the fifteen listed causes (客戶投訴行政處分判定項目)."""

    DOCUMENTS = "documents", _("Wrong documents or samples")
    FINANCE = "finance", _("Financial error")
    SPEC = "spec", _("Materials not prepared or used to the specification")
    REJECTS_MIXED = "rejects_mixed", _("Rejects mixed into good stock")
    OVER_SHIPMENT = "over_shipment", _("Shipped beyond the accepted quantity")
    DATA_CUT = "data_cut", _("Production data reduced without approval")
    SPECIAL_REQ = "special_req", _("Special quality requirement not passed on")
    ORDER_ERROR = "order_error", _("Order written down wrongly")
    LATE = "late", _("Late delivery")
    WRONG_SHIPMENT = "wrong_shipment", _("Wrong shipment")
    DELIVERY_NOTE = "delivery_note", _("Wrong delivery note")
    STORAGE = "storage", _("Storage or transport")
    LABELLING = "labelling", _("Labelling does not match the specification")
    INSPECTION = "inspection", _("Inspection data wrong")
    OTHER = "other", pgettext_lazy("cause", "Other")


class OutcomeKind(models.TextChoices):
    """CP-10, CP-11."""

    ALLOWANCE = "allowance", _("Allowance (credit note)")
    RETURN = "return", _("Return")
    REWORK = "rework", _("Rework")
    NOT_UPHELD = "not_upheld", _("Not upheld — collect as normal")


class Grade(models.TextChoices):
    """CP-13: the administrative penalty of one responsible person."""

    NONE = "none", _("No administrative penalty")
    WARNING = "warning", pgettext_lazy("penalty", "Warning")
    MINOR = "minor", _("Minor demerit")
    MAJOR = "major", _("Major demerit")


class PenaltyKind(models.TextChoices):
    ECONOMIC = "economic", _("Share of the loss")
    WARNING = "warning", pgettext_lazy("penalty", "Warning")
    MINOR = "minor", _("Minor demerit")
    MAJOR = "major", _("Major demerit")


class AlertKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the deadline")
    URGE = "urge", _("Urge note (催办单)")
    CASE_REMINDER = "case_reminder", _("Whole-case reminder")
    CASE_URGE = "case_urge", _("Whole case overdue")


class StrikeConsequence(models.TextChoices):
    """CP-15: staff complained about — first a warning, second a penalty, third dismissal."""

    WARNING = "warning", pgettext_lazy("penalty", "Warning")
    PENALTY = "penalty", _("Penalty")
    DISMISSAL = "dismissal", _("Dismissal")


class ReplyChannel(models.TextChoices):
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone call")
    LETTER = "letter", _("Letter")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    ZH_HANT = "zh-hant", "繁體中文"
    EN = "en", "English"
