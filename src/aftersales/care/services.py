"""Every write of customer care (house style rule 1): keyword-only, ``actor=``, one transaction,
an event; bad input is a ValidationError naming the field."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.accounts.choices import DESK_ROLES, STAFF_ROLES
from aftersales.core.changelog import change_log, snapshot
from aftersales.core.dates import add_months, local_today
from aftersales.core.events import event_append
from aftersales.core.exceptions import IllegalTransition
from aftersales.core.messaging import mail_send_after_commit, sms_send_after_commit
from aftersales.core.models import Notification
from aftersales.core.tasks import enqueue
from aftersales.core.workflow import transition_apply, version_bump
from aftersales.customers import services as customer_services
from aftersales.customers.models import Customer, InstalledProduct
from aftersales.customers.selectors import message_language

from . import defaults, occasions
from .audience import notice_customers, notice_units
from .choices import (
    LEVEL_MONTHS,
    SENT_OCCASIONS,
    MessageChannel,
    NoticeState,
    Occasion,
    ReferralStatus,
    VisitKind,
)
from .models import (
    CARE_EDITORS,
    CareMessage,
    CareSettings,
    CareVisit,
    KeyAccount,
    MessageTemplate,
    ProductNotice,
    Referral,
    VisitPlan,
    may_notify,
)
from .workflow import product_notice_workflow


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


def _is_desk(user) -> bool:
    return user.is_superuser or user.role in DESK_ROLES


def _staff_user(user, field: str) -> None:
    if user is None or not user.is_active or not (user.is_superuser or user.role in STAFF_ROLES):
        raise ValidationError({field: [_("Choose an active member of staff.")]})


# --- key accounts (RP-6, FB-6) ------------------------------------------------------------------


def key_account_mark(*, actor, customer: Customer, manager, since: date | None = None,
                     note: str = "") -> KeyAccount:
    """Make ``customer`` a key account with ``manager`` as account manager (again, if it was
    one before)."""
    _require(actor.is_superuser or actor.role in CARE_EDITORS)
    _staff_user(manager, "manager")
    since = since or local_today()
    with transaction.atomic():
        account = KeyAccount.objects.select_for_update().filter(customer=customer).first()
        if account is not None and account.active:
            raise ValidationError({"customer": [_("This customer is already a key account.")]})
        if account is None:
            try:
                with transaction.atomic():
                    account = KeyAccount.objects.create(customer=customer, manager=manager,
                                                        since=since, note=note)
            except IntegrityError:
                raise ValidationError(
                    {"customer": [_("This customer is already a key account.")]}) from None
            change_log(actor=actor, instance=account, action="create")
        else:
            before = snapshot(account)
            account.manager, account.since, account.note, account.active = manager, since, note, True
            version_bump(instance=account, expected_version=None,
                         fields=["manager", "since", "note", "active"])
            change_log(actor=actor, instance=account, action="update", before=before)
        event_append(subject=account, action="key_account_mark", actor=actor,
                     data={"manager": manager.pk})
        visits_after_installation_ensure(customer=customer)
    return account


def key_account_update(*, actor, key_account: KeyAccount, expected_version: int | None = None,
                       **data) -> KeyAccount:
    """Change the account manager, the note, or end the key account (``active=False``)."""
    _require(actor.is_superuser or actor.role in CARE_EDITORS)
    fields = [f for f in ("manager", "note", "active") if f in data]
    if "manager" in data:
        _staff_user(data["manager"], "manager")
    with transaction.atomic():
        before = snapshot(key_account)
        for name in fields:
            setattr(key_account, name, data[name])
        if fields:
            version_bump(instance=key_account, expected_version=expected_version, fields=fields)
            change_log(actor=actor, instance=key_account, action="update", before=before)
            event_append(subject=key_account, action="key_account_update", actor=actor,
                         data={f: getattr(data[f], "pk", data[f]) for f in fields})
    return key_account


def visits_after_installation_ensure(*, customer: Customer | None = None,
                                     today: date | None = None) -> int:
    """FB-6: each key account's product installed in the last ``visit_after_install_days``
    gets one visit due within that time after installation — exactly once (a partial unique
    constraint), whether a handler, the daily scan or both find it. Returns how many were made."""
    policy = CareSettings.load()
    today = today or local_today()
    window = policy.visit_after_install_days
    products = (InstalledProduct.objects
                .filter(customer__key_account__active=True, installed_on__isnull=False,
                        installed_on__gte=today - timedelta(days=window))
                .exclude(care_visits__kind=VisitKind.AFTER_INSTALLATION)
                .select_related("customer__key_account"))
    if customer is not None:
        products = products.filter(customer=customer)
    made = 0
    for product in products:
        try:
            with transaction.atomic():
                visit = CareVisit.objects.create(
                    customer=product.customer, kind=VisitKind.AFTER_INSTALLATION, product=product,
                    visitor=product.customer.key_account.manager,
                    due_on=product.installed_on + timedelta(days=window))
                event_append(subject=visit, action="visit_due", data={"product": product.pk})
            made += 1
        except IntegrityError:
            continue  # another scheduler made it first
    return made


# --- visit plans and visits (CR-2) --------------------------------------------------------------


def visit_plan_create(*, actor, customer: Customer, visitor, level: str,
                      starts_on: date | None = None) -> VisitPlan:
    _require(_is_desk(actor))
    _staff_user(visitor, "visitor")
    if level not in LEVEL_MONTHS:
        raise ValidationError({"level": [_("Choose senior staff or staff.")]})
    with transaction.atomic():
        try:
            with transaction.atomic():
                plan = VisitPlan.objects.create(customer=customer, visitor=visitor, level=level,
                                                starts_on=starts_on or local_today())
        except IntegrityError:
            raise ValidationError(
                {"visitor": [_("This person already has a visit plan for this customer.")]}
            ) from None
        change_log(actor=actor, instance=plan, action="create")
        event_append(subject=plan, action="visit_plan_create", actor=actor)
    return plan


def plan_next_due(plan: VisitPlan, last_visit: date | None) -> date:
    """The next visit of a plan: its interval after the last visit, else its first due day."""
    if last_visit is None:
        return plan.starts_on
    return add_months(last_visit, LEVEL_MONTHS[plan.level])


def visit_record(*, actor, customer: Customer, visited_on: date, note: str = "",
                 visit: CareVisit | None = None, plan: VisitPlan | None = None,
                 kind: str = VisitKind.OTHER) -> CareVisit:
    """Record a visit: closes a due item (``visit``) or adds one (to ``plan``, if given)."""
    errors = {}
    if visited_on is None:
        errors["visited_on"] = [_("Enter the day of the visit.")]
    elif visited_on > local_today():
        errors["visited_on"] = [_("A visit cannot be recorded for a future day.")]
    if plan is not None and plan.customer_id != customer.pk:
        errors["plan"] = [_("This visit plan belongs to another customer.")]
    if visit is not None and visit.customer_id != customer.pk:
        errors["visit"] = [_("This visit belongs to another customer.")]
    if kind not in VisitKind.values:
        errors["kind"] = [_("Choose a kind of visit.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if visit is not None:
            visit = CareVisit.objects.select_for_update().get(pk=visit.pk)
            _require(_is_desk(actor) or visit.visitor_id == actor.pk)
            if visit.visited_on is not None:
                raise ValidationError({"visit": [_("This visit is already recorded.")]})
            before = snapshot(visit)
            visit.visited_on, visit.note = visited_on, note
            if visit.visitor_id is None:
                visit.visitor = actor
            version_bump(instance=visit, expected_version=None,
                         fields=["visited_on", "note", "visitor"])
            change_log(actor=actor, instance=visit, action="update", before=before)
        else:
            _require(_is_desk(actor) or (plan is not None and plan.visitor_id == actor.pk)
                     or KeyAccount.objects.filter(customer=customer, manager=actor).exists())
            visit = CareVisit.objects.create(
                customer=customer, kind=VisitKind.PLANNED if plan is not None else kind,
                plan=plan, visitor=actor, visited_on=visited_on, note=note)
            change_log(actor=actor, instance=visit, action="create")
        event_append(subject=visit, action="visit_record", actor=actor, note=note,
                     data={"visited_on": visited_on.isoformat()})
    return visit


# --- referrals (CR-3) ---------------------------------------------------------------------------


def referral_create(*, actor, referrer: Customer, prospect_name: str, prospect_phone: str = "",
                    note: str = "", referred: Customer | None = None) -> Referral:
    _require(_is_desk(actor))
    errors = {}
    if not (prospect_name or "").strip():
        errors["prospect_name"] = [_("Enter who was recommended.")]
    if referred is not None and referred.pk == referrer.pk:
        errors["referred"] = [_("A customer cannot refer himself.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral = Referral.objects.create(
            referrer=referrer, prospect_name=prospect_name.strip(),
            prospect_phone=(prospect_phone or "").strip(), note=note, recorded_by=actor)
        change_log(actor=actor, instance=referral, action="create")
        event_append(subject=referral, action="referral_create", actor=actor)
        if referred is not None:
            referral_close(actor=actor, referral=referral, status=ReferralStatus.WON,
                           referred=referred)
    return referral


def referral_close(*, actor, referral: Referral, status: str,
                   referred: Customer | None = None) -> Referral:
    """The prospect became a customer (``referred``; the customer's record then says who
    brought him) or was lost."""
    _require(_is_desk(actor))
    if status not in (ReferralStatus.WON, ReferralStatus.LOST):
        raise ValidationError({"status": [_("Choose won or lost.")]})
    if status == ReferralStatus.WON and referred is None:
        raise ValidationError({"referred": [_("Choose the customer the prospect became.")]})
    if referred is not None and referred.pk == referral.referrer_id:
        raise ValidationError({"referred": [_("A customer cannot refer himself.")]})
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status != ReferralStatus.OPEN:
            raise ValidationError({"status": [_("This referral is already closed.")]})
        before = snapshot(referral)
        referral.status = status
        referral.referred = referred if status == ReferralStatus.WON else None
        try:
            with transaction.atomic():
                version_bump(instance=referral, expected_version=None,
                             fields=["status", "referred"])
        except IntegrityError:
            raise ValidationError(
                {"referred": [_("Another referral already brought this customer.")]}) from None
        change_log(actor=actor, instance=referral, action="update", before=before)
        event_append(subject=referral, action="referral_close", actor=actor, to_state=status)
        if referred is not None and status == ReferralStatus.WON and not referred.referred_by_id:
            customer_services.customer_update(actor=actor, customer=referred,
                                              referred_by=referral.referrer)
    return referral


# --- care messages (CR-1) -----------------------------------------------------------------------


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def message_render(occasion: str, language: str, values: dict) -> tuple[str, str]:
    """(subject, text) of a care message from its template (the admin's, else the default)."""
    row = MessageTemplate.objects.filter(occasion=occasion, language=language).first()
    if row is not None:
        subject, body = row.subject, row.body
    else:
        subject, body = defaults.TEMPLATES[occasion].get(language,
                                                         defaults.TEMPLATES[occasion]["zh-hans"])
    return text_render(subject, body, language, values)


def text_render(subject: str, body: str, language: str, values: dict) -> tuple[str, str]:
    """(subject, text) with the placeholders filled in; an unknown one stays as written."""
    with translation.override(language):
        values = {"company": str(defaults.COMPANY), "product": "", "date": "", "holiday": "",
                  **values}
    values = _Blank(values)
    return subject.format_map(values), body.format_map(values)


def _item_values(item: occasions.Item, language: str) -> dict:
    """The placeholders of an item's message in ``language`` (a holiday named in it)."""
    values = {"customer": item.customer.name, **item.values}
    if item.product is not None:
        values["product"] = item.product.model.name
    if item.occasion == Occasion.HOLIDAY:
        names = occasions.holiday_greeting_days(item.day, item.day, language)
        values["holiday"] = names.get(item.day, values.get("holiday", ""))
    return values


def care_items_due(day: date, policy: CareSettings | None = None):
    """The messages due on ``day`` (contract expiry is not among them: contracts sends it)."""
    policy = policy or CareSettings.load()
    yield from occasions.birthdays(day, day)
    yield from occasions.holiday_items(day, day, language=policy.language,
                                       to_all=policy.holidays_to_all)
    yield from occasions.warranty_items(day, day, notice_days=policy.warranty_notice_days)
    yield from occasions.check_in_items(day, day, after_days=policy.check_in_days)


def message_address(customer: Customer, policy: CareSettings) -> tuple[str, str]:
    """(channel, address) of a care message to ``customer``: e-mail where the policy says so
    and he has an address, else SMS; the address is empty if he has neither."""
    if policy.channel == MessageChannel.EMAIL and customer.email:
        return MessageChannel.EMAIL, customer.email
    return MessageChannel.SMS, customer.phone


def care_message_send(*, item: occasions.Item, policy: CareSettings,
                      template: tuple[str, str] | None = None,
                      actor=None) -> CareMessage | None:
    """Send one care message, once: the row and the after-commit delivery are one transaction;
    a second sender (another scheduler, a re-run, a click on the calendar) hits the unique
    constraint and sends nothing. ``template`` (subject, text) is the message's own wording (a
    product notice's), else the occasion's template; ``actor``: who sent it by hand (None: the
    daily task or the worker)."""
    customer = item.customer
    channel, to = message_address(customer, policy)
    if not to:
        return None
    use_mail = channel == MessageChannel.EMAIL
    language = message_language(customer, policy.language)
    values = _item_values(item, language)
    subject, text = (text_render(*template, language, values) if template is not None
                     else message_render(item.occasion, language, values))
    try:
        with transaction.atomic():
            message = CareMessage.objects.create(
                customer=customer, occasion=item.occasion, key=item.key,
                channel=channel, to=to,
                subject=subject, text=text, sent_at=timezone.now())
            event_append(subject=customer, action="care_message", actor=actor,
                         data={"occasion": item.occasion, "key": item.key,
                               "message": message.pk, "by_hand": actor is not None})
            if use_mail:
                mail_send_after_commit(to, subject, text)
            else:
                sms_send_after_commit(to, text)
    except IntegrityError:
        return None
    return message


def care_messages_send(*, day: date | None = None) -> int:
    """The daily sending (task ``send_care_messages``): every message due today, each once.
    Returns how many were sent by this run."""
    day = day or local_today()
    policy = CareSettings.load()
    sent = 0
    for item in care_items_due(day, policy):
        if item.occasion == Occasion.CONTRACT_EXPIRY:
            continue
        if care_message_send(item=item, policy=policy) is not None:
            sent += 1
    return sent


def care_items_due_by_hand(*, customer: Customer, today: date | None = None,
                           policy: CareSettings | None = None) -> list[occasions.Item]:
    """The customer's care messages that may be sent by hand from the calendar: those due today
    or up to ``SEND_EARLY_DAYS`` (1) ahead — a greeting a day early is fine, one for a day gone
    by is not (the calendar shows none)."""
    policy = policy or CareSettings.load()
    today = today or local_today()
    end = today + timedelta(days=defaults.SEND_EARLY_DAYS)
    return [*occasions.birthdays(today, end, customer_id=customer.pk),
            *occasions.holiday_items(today, end, language=policy.language,
                                     to_all=policy.holidays_to_all, customer_id=customer.pk),
            *occasions.warranty_items(today, end, notice_days=policy.warranty_notice_days,
                                      customer_id=customer.pk),
            *occasions.check_in_items(today, end, after_days=policy.check_in_days,
                                      customer_id=customer.pk)]


def care_message_send_now(*, actor, customer: Customer, occasion: str, key: str,
                          today: date | None = None) -> CareMessage:
    """Send one care message by hand from the calendar (a desk user), now rather than with the
    daily task: the same message, under the same once-per-customer-and-occasion key, so the
    daily task sends nothing more, and a second click nothing at all."""
    _require(_is_desk(actor))
    today = today or local_today()
    if occasion not in SENT_OCCASIONS:
        raise ValidationError({"occasion": [_("Care sends no message for this occasion.")]})
    policy = CareSettings.load()
    item = next((i for i in care_items_due_by_hand(customer=customer, today=today, policy=policy)
                 if i.occasion == occasion and i.key == key), None)
    if item is None:
        raise ValidationError({"occasion": [
            _("This message is not due today or tomorrow: it can be sent by hand only from a "
              "day before it is due, and not after.")]})
    sent = CareMessage.objects.filter(customer=customer, occasion=occasion, key=key).first()
    if sent is not None:
        raise ValidationError({"occasion": [
            _("%(customer)s already got this message (%(at)s).")
            % {"customer": customer.name,
               "at": timezone.localtime(sent.sent_at).strftime("%Y-%m-%d %H:%M")}]})
    if not message_address(customer, policy)[1]:
        raise ValidationError({"customer": [
            _("%(customer)s has no phone number to send to.") % {"customer": customer.name}]})
    with transaction.atomic():
        message = care_message_send(item=item, policy=policy, actor=actor)
    if message is None:  # another click or the daily task, a moment before
        raise ValidationError({"occasion": [
            _("%(customer)s already got this message.") % {"customer": customer.name}]})
    return message


def care_daily(*, day: date | None = None) -> dict:
    """Everything care does once a day: FB-6 visits due, then the day's messages."""
    day = day or local_today()
    return {"visits": visits_after_installation_ensure(today=day),
            "messages": care_messages_send(day=day)}


# --- product notices (CR-1 "product improvements") ----------------------------------------------

NOTICE_PROGRESS_EVERY = 50  # messages between two progress updates of the notice's row
NOTICE_PLACEHOLDERS = "{customer} {product} {serial} {company}"


def _notice_fields(*, product_model, subject, text, purchased_from, purchased_to,
                   service_centre) -> dict:
    subject, text = (subject or "").strip(), (text or "").strip()
    errors = {}
    if product_model is None:
        errors["product_model"] = [_("Choose the product model whose owners get the notice.")]
    if not subject:
        errors["subject"] = [_("Give the notice a subject.")]
    elif len(subject) > 120:
        errors["subject"] = [_("A subject has at most 120 characters.")]
    if not text:
        errors["text"] = [_("Write what the owners should know.")]
    elif len(text) > 1000:
        errors["text"] = [_("A notice has at most 1,000 characters.")]
    else:
        try:
            text_render(subject, text, "zh-hans", {})
        except (ValueError, IndexError):
            errors["text"] = [_("Braces are only for placeholders: %(names)s.")
                              % {"names": NOTICE_PLACEHOLDERS}]
    if purchased_from and purchased_to and purchased_from > purchased_to:
        errors["purchased_to"] = [_("The period ends before it starts.")]
    if errors:
        raise ValidationError(errors)
    return {"product_model": product_model, "subject": subject, "text": text,
            "purchased_from": purchased_from, "purchased_to": purchased_to,
            "service_centre": service_centre}


def product_notice_save(*, actor, product_model, subject: str, text: str,
                        purchased_from: date | None = None, purchased_to: date | None = None,
                        service_centre=None, notice: ProductNotice | None = None,
                        expected_version: int | None = None) -> ProductNotice:
    """Write a product notice, or change it while it is a draft: the head office for every
    centre's owners or one centre's, a branch manager for his centre's."""
    _require(may_notify(actor, getattr(service_centre, "pk", None))
             and (notice is None or may_notify(actor, notice.service_centre_id)))
    fields = _notice_fields(product_model=product_model, subject=subject, text=text,
                            purchased_from=purchased_from, purchased_to=purchased_to,
                            service_centre=service_centre)
    with transaction.atomic():
        if notice is None:
            notice = ProductNotice.objects.create(**fields, created_by=actor)
            event_append(subject=notice, action="create", actor=actor,
                         data={"product_model": product_model.pk})
            return notice
        locked = ProductNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.state == NoticeState.SCHEDULED:
            raise IllegalTransition(_("A scheduled notice cannot be changed: unschedule it "
                                      "first."))
        if locked.state != NoticeState.DRAFT:
            raise IllegalTransition(_("A notice can be changed only before it is sent."))
        before = snapshot(locked)
        for key, value in fields.items():
            setattr(locked, key, value)
        version_bump(instance=locked, expected_version=expected_version, fields=list(fields))
        change_log(actor=actor, instance=locked, action="update", before=before)
        event_append(subject=locked, action="edit", actor=actor)
    return locked


def _notice_item(notice: ProductNotice, unit, day: date) -> occasions.Item:
    """An owner's message of the notice, naming his unit (its model and serial)."""
    return occasions.Item(day, Occasion.PRODUCT_NOTICE, unit.customer, key=notice.key,
                          product=unit, values={"serial": unit.serial})


def product_notice_preview(notice: ProductNotice):
    """(customer, (subject, text)): what the first owner will read, or None without owners."""
    unit = notice_units(notice).first()
    if unit is None:
        return None
    language = message_language(unit.customer, CareSettings.load().language)
    values = _item_values(_notice_item(notice, unit, local_today()), language)
    return unit.customer, text_render(notice.subject, notice.text, language, values)


def _notice_recipients(notice: ProductNotice) -> int:
    recipients = notice_customers(notice).count()
    if not recipients:
        raise ValidationError(_("Nobody owns this model (bought in this period): there is no "
                                "one to send the notice to."))
    return recipients


def _notice_sending_start(*, notice: ProductNotice, name: str, actor, sent_by, recipients: int,
                          expected_version: int | None = None) -> ProductNotice:
    """The one way a notice's sending starts (``send`` now, or ``start`` at its scheduled time):
    the owners counted, the state sending, the worker's task enqueued — in the caller's
    transaction."""
    sending = transition_apply(workflow=product_notice_workflow, instance=notice, name=name,
                               actor=actor, expected_version=expected_version,
                               changes={"recipients": recipients, "sent_by": sent_by,
                                        "sent_at": timezone.now()},
                               data={"recipients": recipients})
    enqueue("aftersales.care.tasks.deliver_product_notice", sending.pk)
    return sending


def product_notice_send(*, actor, notice: ProductNotice,
                        expected_version: int | None = None) -> ProductNotice:
    """Send the notice: its owners are counted and the background worker sends each his
    message (``product_notice_deliver``); the worker's task is enqueued in the same
    transaction."""
    _require(may_notify(actor, notice.service_centre_id))
    recipients = _notice_recipients(notice)
    with transaction.atomic():
        return _notice_sending_start(notice=notice, name="send", actor=actor, sent_by=actor,
                                     recipients=recipients, expected_version=expected_version)


def product_notice_schedule(*, actor, notice: ProductNotice, scheduled_for,
                            expected_version: int | None = None, now=None) -> ProductNotice:
    """Schedule a draft notice for a later time (in the future, at most
    ``NOTICE_SCHEDULE_MAX_DAYS`` ahead): the worker tick starts its sending then
    (``product_notices_start_due``), exactly as "send" would. It cannot be changed while
    scheduled; ``product_notice_unschedule`` makes it a draft again."""
    _require(may_notify(actor, notice.service_centre_id))
    now = now or timezone.now()
    latest = now + timedelta(days=defaults.NOTICE_SCHEDULE_MAX_DAYS)
    if scheduled_for is None:
        raise ValidationError({"scheduled_for": [_("Choose the day and time to send it.")]})
    if timezone.is_naive(scheduled_for):
        scheduled_for = timezone.make_aware(scheduled_for)
    scheduled_for = scheduled_for.replace(second=0, microsecond=0)
    if scheduled_for <= now:
        raise ValidationError({"scheduled_for": [
            _("Choose a time in the future; to send it now, use “Send to the owners”.")]})
    if scheduled_for > latest:
        raise ValidationError({"scheduled_for": [
            _("A notice can be scheduled at most %(days)d days ahead (until %(latest)s).")
            % {"days": defaults.NOTICE_SCHEDULE_MAX_DAYS,
               "latest": timezone.localtime(latest).strftime("%Y-%m-%d %H:%M")}]})
    _notice_recipients(notice)
    with transaction.atomic():
        return transition_apply(
            workflow=product_notice_workflow, instance=notice, name="schedule", actor=actor,
            expected_version=expected_version,
            changes={"scheduled_for": scheduled_for, "scheduled_by": actor},
            data={"scheduled_for": scheduled_for.isoformat()})


def product_notice_unschedule(*, actor, notice: ProductNotice,
                              expected_version: int | None = None) -> ProductNotice:
    """Take a scheduled notice back: it is a draft again (changed, sent or scheduled anew)."""
    _require(may_notify(actor, notice.service_centre_id))
    with transaction.atomic():
        return transition_apply(workflow=product_notice_workflow, instance=notice,
                                name="unschedule", actor=actor,
                                expected_version=expected_version,
                                changes={"scheduled_for": None, "scheduled_by": None})


NOTICE_START_BATCH = 20  # notices started by one tick; the next tick goes on


def product_notice_start(*, notice_id: int, now=None) -> bool:
    """Start the sending of one scheduled notice whose time has come, as "send" does (on behalf
    of who scheduled it) — once, however many workers try: the row is locked, and the second
    finds it no longer scheduled. Nobody to send it to any more: it goes back to draft and its
    writer is told. Returns whether the sending started."""
    now = now or timezone.now()
    with transaction.atomic():
        notice = ProductNotice.objects.select_for_update().filter(pk=notice_id).first()
        if (notice is None or notice.state != NoticeState.SCHEDULED
                or notice.scheduled_for > now):
            return False
        recipients = notice_customers(notice).count()
        if recipients:
            _notice_sending_start(notice=notice, name="start", actor=None,
                                  sent_by=notice.scheduled_by, recipients=recipients)
            return True
        scheduled_by = notice.scheduled_by
        note = _("Nobody owns this model (bought in this period) at the scheduled time: the "
                 "notice was not sent and is a draft again.")
        transition_apply(workflow=product_notice_workflow, instance=notice, name="unschedule",
                         actor=None, note=note,
                         changes={"scheduled_for": None, "scheduled_by": None})
        if scheduled_by is not None:
            text = _("Product notice “%(subject)s” was not sent at its time: nobody owns "
                     "the model (bought in this period).") % {"subject": notice.subject}
            Notification.objects.create(user=scheduled_by, text=text[:300],
                                        link=reverse("care:notice", args=[notice.pk]),
                                        level="warning")
    return False


def product_notices_start_due(*, now=None) -> int:
    """The worker tick's sweep (``care.handlers.product_notices_start_due_for``): every
    scheduled notice whose time has come starts sending, the earliest first, each once.
    Returns how many started."""
    now = now or timezone.now()
    due = list(ProductNotice.objects
               .filter(state=NoticeState.SCHEDULED, scheduled_for__lte=now)
               .order_by("scheduled_for", "id").values_list("pk", flat=True)[:NOTICE_START_BATCH])
    return sum(product_notice_start(notice_id=pk, now=now) for pk in due)


def product_notice_deliver(*, notice_id: int) -> int:
    """The background worker's part (task ``deliver_product_notice``): one care message to each
    owner, his first unit of the model named in it, the progress on the notice's row every
    ``NOTICE_PROGRESS_EVERY`` messages; then the notice is sent. Run again (a worker that
    stopped), it sends only what is missing. Returns how many messages the notice has."""
    notice = ProductNotice.objects.select_related("product_model").get(pk=notice_id)
    if notice.state != NoticeState.SENDING:
        return notice.sent
    policy = CareSettings.load()
    done = set(CareMessage.objects.filter(occasion=Occasion.PRODUCT_NOTICE, key=notice.key)
               .values_list("customer_id", flat=True))
    sent, today = len(done), local_today()
    for unit in notice_units(notice).iterator(chunk_size=500):
        if unit.customer_id in done:
            continue
        done.add(unit.customer_id)
        if care_message_send(item=_notice_item(notice, unit, today), policy=policy,
                             template=(notice.subject, notice.text)) is not None:
            sent += 1
            if sent % NOTICE_PROGRESS_EVERY == 0:
                ProductNotice.objects.filter(pk=notice.pk).update(sent=sent)
    # what the notice has in all (another worker may have sent some of them at the same time)
    sent = CareMessage.objects.filter(occasion=Occasion.PRODUCT_NOTICE, key=notice.key).count()
    try:
        transition_apply(workflow=product_notice_workflow, instance=notice, name="finish",
                         actor=None, changes={"sent": sent, "finished_at": timezone.now()},
                         data={"sent": sent})
    except IllegalTransition:  # the other worker finished it first
        pass
    return sent
