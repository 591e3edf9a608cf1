"""Product notices (CR-1 "product improvements")."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.changelog import change_log, snapshot
from aftersales.core.dates import local_today
from aftersales.core.events import event_append
from aftersales.core.exceptions import IllegalTransition
from aftersales.core.models import Notification
from aftersales.core.tasks import enqueue
from aftersales.core.workflow import transition_apply, version_bump
from aftersales.customers.selectors import message_language

from .. import defaults, occasions
from ..audience import notice_customers, notice_units
from ..choices import NoticeState, Occasion
from ..models import CareMessage, CareSettings, ProductNotice, may_notify
from ..workflow import product_notice_workflow
from .common import _require
from .messages import _item_values, care_message_send, text_render

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
