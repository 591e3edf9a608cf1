"""Care messages (CR-1): rendered from templates, each sent once."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.core.dates import local_today
from aftersales.core.events import event_append
from aftersales.core.messaging import mail_send_after_commit, sms_send_after_commit
from aftersales.customers.models import Customer
from aftersales.customers.selectors import message_language

from .. import defaults, occasions
from ..choices import SENT_OCCASIONS, MessageChannel, Occasion
from ..models import CareMessage, CareSettings, MessageTemplate
from .accounts import visits_after_installation_ensure
from .common import _is_desk, _require

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
