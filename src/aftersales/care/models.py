"""Key accounts and customer care (RP-6, FB-6, CR-1 … CR-4).

Care keeps its own rows next to the customer (a key account is a one-to-one to Customer):
customers knows nothing of care.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.choices import DESK_ROLES, Role
from aftersales.accounts.models import is_headquarters
from aftersales.core.ledger import AppendOnlyModel
from aftersales.core.models import BaseModel
from aftersales.core.querysets import RestrictedQuerySet

from . import defaults
from .choices import (
    CentreKind,
    ContactKind,
    GuestStatus,
    Language,
    MessageChannel,
    NoticeState,
    Occasion,
    ReferralStatus,
    SeminarKind,
    SeminarState,
    VisitKind,
    VisitorLevel,
)

CARE_EDITORS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
# a notice goes to every owner in the country: the service department writes and sends it
NOTICE_EDITORS = frozenset({Role.MANAGER, Role.ADMIN})


def may_write_notices(user) -> bool:
    """Product notices are written by the head office and by branch managers (a manager with a
    centre): may the user write one at all?"""
    return is_headquarters(user) or bool(user.role == Role.MANAGER and user.service_centre_id)


def may_notify(user, centre_id) -> bool:
    """May the user write and send a notice to the owners of ``centre_id`` (None: of every
    centre)? The head office any; a branch manager his own centre's only."""
    if is_headquarters(user):
        return True
    return bool(may_write_notices(user) and centre_id is not None
                and centre_id == user.service_centre_id)


def _desk_rule(queryset, user, action, own: str | None = None):
    """Desk staff (agents, supervisors, managers) see and keep care rows; any other staff user
    sees the rows that are his own (``own``: the field naming him: account manager, visitor)."""
    if user.is_superuser or user.role in DESK_ROLES:
        return queryset
    return queryset.filter(**{own: user}) if own else queryset.none()


class CareSettings(models.Model):
    """The service department's care policy: one row, edited in the admin (house style 11)."""

    check_in_days = models.PositiveSmallIntegerField(
        _("\"is it working well?\" after (days)"), default=defaults.CHECK_IN_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days after installation."))
    warranty_notice_days = models.PositiveSmallIntegerField(
        _("warranty reminder (days before)"), default=defaults.WARRANTY_NOTICE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(180)])
    contract_notice_days = models.PositiveSmallIntegerField(
        _("contract expiry shown (days before)"), default=defaults.CONTRACT_NOTICE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(180)])
    churn_months = models.PositiveSmallIntegerField(
        _("churn signal after (months without contact)"), default=defaults.CHURN_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(60)])
    visit_after_install_days = models.PositiveSmallIntegerField(
        _("key accounts visited within (days after installation)"),
        default=defaults.VISIT_AFTER_INSTALL_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(120)])
    language = models.CharField(_("language of messages"), max_length=10,
                                choices=Language.choices, default=Language.ZH_HANS)
    channel = models.CharField(_("send through"), max_length=10, choices=MessageChannel.choices,
                               default=MessageChannel.SMS,
                               help_text=_("E-mail only reaches customers with an address; "
                                           "the others get an SMS."))
    centre_contact_days = models.PositiveSmallIntegerField(
        _("influence centres contacted every (days)"), default=defaults.CENTRE_CONTACT_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)])
    holidays_to_all = models.BooleanField(
        _("holiday greetings to every customer"), default=False,
        help_text=_("Off: holiday greetings go to key accounts only."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("care settings")
        verbose_name_plural = _("care settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="care_settings_singleton")]

    def __str__(self) -> str:
        return str(_("Care settings"))

    @classmethod
    def load(cls) -> "CareSettings":
        row, _created = cls.objects.get_or_create(pk=1)
        return row


class MessageTemplate(BaseModel):
    """What a care message says, per occasion and language; placeholders {customer}
    {product} {date} {holiday} {company}."""

    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    body = models.TextField(_("text"))

    class Meta:
        ordering = ["occasion", "language"]
        verbose_name = _("care message template")
        verbose_name_plural = _("care message templates")
        constraints = [models.UniqueConstraint(fields=["occasion", "language"],
                                               name="care_template_per_language")]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} ({self.language})"


class KeyAccount(BaseModel):
    """A customer marked as a key account (大客户) with an account manager (RP-6)."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.PROTECT,
                                    related_name="key_account", verbose_name=_("customer"))
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="key_accounts", verbose_name=_("account manager"))
    since = models.DateField(_("key account since"))
    active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["customer__name", "id"]
        verbose_name = _("key account")
        verbose_name_plural = _("key accounts")

    def __str__(self) -> str:
        return str(self.customer)

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _desk_rule(queryset, user, action, own="manager")


class CareMessage(models.Model):
    """One care message sent to a customer: at most one per customer and occasion
    (``key`` names the occasion's instance: the year of a birthday, the holiday's date, the
    product). The unique constraint is what makes two schedulers send it once."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="care_messages", verbose_name=_("customer"))
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    key = models.CharField(_("occasion key"), max_length=40)
    channel = models.CharField(_("sent through"), max_length=10, choices=MessageChannel.choices)
    to = models.CharField(pgettext_lazy("recipient", "to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    text = models.TextField(_("text"))
    sent_at = models.DateTimeField(_("sent at"), db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("care message")
        verbose_name_plural = _("care messages")
        constraints = [models.UniqueConstraint(fields=["customer", "occasion", "key"],
                                               name="care_message_once")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.occasion} {self.key}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        if action != "view":
            return queryset.none()
        return _desk_rule(queryset, user, action)


class VisitPlan(BaseModel):
    """CR-2: who visits a customer regularly — senior staff every half year, staff monthly."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="visit_plans", verbose_name=_("customer"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="visit_plans", verbose_name=_("visitor"))
    level = models.CharField(_("level"), max_length=10, choices=VisitorLevel.choices)
    starts_on = models.DateField(_("first visit due"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["customer__name", "level"]
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        constraints = [models.UniqueConstraint(fields=["customer", "visitor"],
                                               name="care_plan_per_visitor")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.visitor}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _desk_rule(queryset, user, action, own="visitor")


class CareVisit(BaseModel):
    """A visit to a customer: a due item (``visited_on`` empty) or a recorded visit."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="care_visits", verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=20, choices=VisitKind.choices)
    plan = models.ForeignKey(VisitPlan, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="visits", verbose_name=_("visit plan"))
    product = models.ForeignKey("customers.InstalledProduct", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="care_visits",
                                verbose_name=_("installed product"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="care_visits",
                                verbose_name=_("visitor"))
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    visited_on = models.DateField(_("visited on"), null=True, blank=True, db_index=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-visited_on", "due_on", "-id"]
        verbose_name = _("customer visit")
        verbose_name_plural = _("customer visits")
        constraints = [
            # FB-6: one visit after each installation of a key account's product.
            models.UniqueConstraint(fields=["product"], name="care_visit_after_installation_once",
                                    condition=Q(kind="after_installation")),
            models.CheckConstraint(condition=Q(due_on__isnull=False) | Q(visited_on__isnull=False),
                                   name="care_visit_due_or_done"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.get_kind_display()}"

    @property
    def done(self) -> bool:
        return self.visited_on is not None

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _desk_rule(queryset, user, action, own="visitor")


class InfluenceCentre(BaseModel):
    """CR-3 影响力中心: someone whose word brings buyers — a property manager, a decorator, an
    installer, a community's head — kept in touch with by one member of staff; the referrals
    record which prospects a centre brought."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(pgettext_lazy("influence centre", "kind"), max_length=12,
                            choices=CentreKind.choices)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    customer = models.OneToOneField(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT,
        related_name="influence_centre", verbose_name=_("also our customer"))
    keeper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="influence_centres", verbose_name=_("kept by"))
    active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("influence centre")
        verbose_name_plural = _("influence centres")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _desk_rule(queryset, user, action, own="keeper")


class CentreContact(AppendOnlyModel):
    """A contact with an influence centre — a visit, a call, a gift or an event: when, by whom,
    what was said. Kept as it happened: a correction is a new row."""

    centre = models.ForeignKey(InfluenceCentre, on_delete=models.PROTECT,
                               related_name="contacts", verbose_name=_("influence centre"))
    kind = models.CharField(pgettext_lazy("contact", "kind"), max_length=10,
                            choices=ContactKind.choices, default=ContactKind.VISIT)
    contacted_on = models.DateField(_("contacted on"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                           related_name="+", verbose_name=_("contacted by"))
    note = models.TextField(_("what was said"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]
        verbose_name = _("influence centre contact")
        verbose_name_plural = _("influence centre contacts")

    def __str__(self) -> str:
        return f"{self.centre} {self.contacted_on}"


class Seminar(BaseModel):
    """CR-3 user seminars: a user forum (座谈会) or a product talk (讲座) to which customers are
    invited; their answers, who came, and what was said are kept."""

    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(pgettext_lazy("seminar", "kind"), max_length=10,
                            choices=SeminarKind.choices, default=SeminarKind.FORUM)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    place = models.CharField(_("place"), max_length=200)
    service_centre = models.ForeignKey(
        "accounts.ServiceCentre", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("held by centre"),
        help_text=_("Empty: the head office."))
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="seminars_hosted",
                             verbose_name=pgettext_lazy("seminar", "host"))
    capacity = models.PositiveSmallIntegerField(
        _("seats"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Empty: no limit. No more guests can be confirmed than there are seats."))
    agenda = models.TextField(_("what it is about"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=SeminarState.choices,
                             default=SeminarState.PLANNED)
    summary = models.TextField(_("what was said"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("planned by"))

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("user seminar")
        verbose_name_plural = _("user seminars")

    def __str__(self) -> str:
        return self.title

    @property
    def key(self) -> str:
        """CareMessage.key: one invitation (and one cancellation) per customer and seminar."""
        return f"seminar-{self.pk}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _desk_rule(queryset, user, action, own="host")


class SeminarGuest(BaseModel):
    """A customer invited to a seminar (or who came without an invitation)."""

    seminar = models.ForeignKey(Seminar, on_delete=models.PROTECT, related_name="guests",
                                verbose_name=_("user seminar"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="seminar_guests", verbose_name=_("customer"))
    status = models.CharField(_("status"), max_length=10, choices=GuestStatus.choices,
                              default=GuestStatus.INVITED)
    walk_in = models.BooleanField(_("came uninvited"), default=False)
    note = models.CharField(_("what he said"), max_length=300, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("invited by"))

    class Meta:
        ordering = ["customer__name", "id"]
        verbose_name = _("seminar guest")
        verbose_name_plural = _("seminar guests")
        constraints = [models.UniqueConstraint(fields=["seminar", "customer"],
                                               name="care_guest_once")]

    def __str__(self) -> str:
        return f"{self.seminar_id} · {self.customer}"

    @staticmethod
    def restrict_rule(queryset, user, action):
        if user.is_superuser or user.role in DESK_ROLES:
            return queryset
        return queryset.filter(seminar__host=user)


class Referral(BaseModel):
    """CR-3: who brought whom — a customer or an influence centre recommends a prospect, who
    may become a customer; a prospect met at a user seminar says so."""

    referrer = models.ForeignKey("customers.Customer", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="referrals_made",
                                 verbose_name=_("referred by"))
    centre = models.ForeignKey(InfluenceCentre, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="referrals", verbose_name=_("influence centre"))
    seminar = models.ForeignKey(Seminar, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="referrals", verbose_name=_("at user seminar"))
    prospect_name = models.CharField(_("prospect"), max_length=100)
    prospect_phone = models.CharField(_("prospect's phone"), max_length=20, blank=True)
    referred = models.OneToOneField("customers.Customer", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="referral",
                                    verbose_name=_("became customer"))
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices,
                              default=ReferralStatus.OPEN)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(condition=~Q(status="won") | Q(referred__isnull=False),
                                   name="care_won_has_customer"),
            models.CheckConstraint(
                condition=Q(referrer__isnull=False, centre__isnull=True)
                | Q(referrer__isnull=True, centre__isnull=False),
                name="care_referral_one_source"),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.prospect_name}"

    @property
    def source(self):
        """Who brought the prospect: the customer or the influence centre."""
        return self.referrer if self.referrer_id else self.centre

    @staticmethod
    def restrict_rule(queryset, user, action):
        return _desk_rule(queryset, user, action)


class ProductNotice(BaseModel):
    """CR-1 "product improvements": a notice to every owner of a product model (optionally
    those who bought it in a period) — one care message per customer, sent in the background.
    Its text takes the care placeholders {customer} {product} {serial} {company}."""

    product_model = models.ForeignKey("customers.ProductModel", on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("product model"))
    service_centre = models.ForeignKey(
        "accounts.ServiceCentre", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("owners of centre"),
        help_text=_("Empty: the owners of every centre."))
    purchased_from = models.DateField(_("bought from"), null=True, blank=True)
    purchased_to = models.DateField(_("bought until"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=120)
    text = models.TextField(_("text"), max_length=1000)
    state = models.CharField(_("state"), max_length=10, choices=NoticeState.choices,
                             default=NoticeState.DRAFT)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent = models.PositiveIntegerField(_("sent"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("written by"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=pgettext_lazy("notice", "sent by"))
    scheduled_for = models.DateTimeField(
        pgettext_lazy("notice", "scheduled for"), null=True, blank=True, db_index=True,
        help_text=_("While it is scheduled: when the sending starts by itself."))
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("scheduled by"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("product notice")
        verbose_name_plural = _("product notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(purchased_from__isnull=True) | Q(purchased_to__isnull=True)
                | Q(purchased_from__lte=models.F("purchased_to")),
                name="care_notice_period"),
            models.CheckConstraint(
                condition=~Q(state="scheduled")
                | Q(scheduled_for__isnull=False, scheduled_by__isnull=False),
                name="care_notice_scheduled_has_time"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def key(self) -> str:
        """CareMessage.key: one message per customer and notice."""
        return f"notice-{self.pk}"

    @property
    def progress(self) -> int:
        return 100 if not self.recipients else min(100, round(100 * self.sent / self.recipients))

    @staticmethod
    def restrict_rule(queryset, user, action):
        if action == "view":
            return _desk_rule(queryset, user, action)
        if is_headquarters(user):
            return queryset
        if may_write_notices(user):  # a branch manager: his centre's notices
            return queryset.filter(service_centre_id=user.service_centre_id)
        return queryset.none()
