"""Carrying out the decision and closing (CP-10, CP-11): the allowance as a credit note, the
return with its tolerance, the receivable left out of the bonus, the customer told in his
language and channel; then inquiries, penalties and strikes."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.core.events import event_append
from aftersales.core.messaging import mail_send_after_commit, sms_send_after_commit
from aftersales.core.workflow import transition_apply

from .. import rules
from ..choices import OutcomeKind, ReplyChannel, StepCode
from ..models import Complaint, ReceivableExclusion, RouteStep
from ..workflow import complaint_workflow
from .common import check_department, check_visible, policy, require
from .penalties import penalties_book, strike_record
from .route import _decimal, inquiries_open


def _qty(value) -> str:
    return format(Decimal(value or 0).normalize(), "f")


def outcome_text(complaint: Complaint) -> str:
    """What the customer is told, in his language (CP-11; never the internal form: CP-9)."""
    with translation.override(complaint.language):
        outcome = complaint.proposed_outcome
        if outcome == OutcomeKind.ALLOWANCE:
            what = _("we grant you an allowance of ¥%(amount)s") % {
                "amount": complaint.proposed_amount}
        elif outcome == OutcomeKind.RETURN:
            what = _("we take back %(quantity)s pieces") % {
                "quantity": _qty(complaint.return_quantity)}
        elif outcome == OutcomeKind.REWORK:
            what = _("we rework %(quantity)s pieces") % {
                "quantity": _qty(complaint.return_quantity)}
        else:
            what = _("after checking, we found no fault on our side")
        return _("Your complaint %(number)s: %(what)s. Thank you for telling us.") % {
            "number": complaint.number, "what": what}


def _credit_note(actor, complaint: Complaint, amount: Decimal) -> str:
    """The allowance through invoicing's credit note when it exists in this installation."""
    try:
        from aftersales.invoicing.services import credit_note_issue
    except ImportError:
        return ""
    if complaint.customer_id is None:
        return ""
    note = credit_note_issue(actor=actor, customer=complaint.customer, amount=amount,
                             reason=_("Complaint %(number)s") % {"number": complaint.number},
                             kind="allowance", source=complaint)
    return str(getattr(note, "number", "") or "")


def _tell(complaint: Complaint, text: str) -> None:
    channel = complaint.reply_channel
    phone = complaint.contact_phone or (complaint.customer.phone if complaint.customer_id else "")
    email = complaint.contact_email or (complaint.customer.email if complaint.customer_id else "")
    if channel == ReplyChannel.SMS and phone:
        sms_send_after_commit(phone, text)
    elif channel == ReplyChannel.EMAIL and email:
        with translation.override(complaint.language):
            subject = _("Your complaint %(number)s") % {"number": complaint.number}
        mail_send_after_commit(email, subject, text)
    # phone and letter: the handler calls or writes; the text is kept on the complaint


def complaint_close(*, actor, complaint: Complaint, returned_quantity=None,
                    receivable_amount=None, note: str = "", expected_version=None) -> Complaint:
    """Sales carries out the approved decision and the case closes."""
    check_visible(actor, complaint)
    sales = RouteStep.objects.select_related("department").get(code=StepCode.NEGOTIATION)
    check_department(actor, sales.department)
    now = timezone.now()
    returned = _decimal(returned_quantity, "returned_quantity")
    receivable = _decimal(receivable_amount, "receivable_amount")
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        outcome = locked.proposed_outcome
        changes = {"outcome": outcome, "closed_at": now,
                   "closed_in_time": bool(locked.case_due_at and now <= locked.case_due_at)}
        if outcome == OutcomeKind.ALLOWANCE:
            changes["outcome_amount"] = locked.proposed_amount
            changes["credit_document"] = _credit_note(actor, locked, locked.proposed_amount)
        if outcome in (OutcomeKind.RETURN, OutcomeKind.REWORK):
            require(returned is not None, "returned_quantity",
                    _("Give the quantity the warehouse received."))
            tolerance = policy().tolerance_ratio
            booked, within = rules.return_booked(locked.return_quantity, returned, tolerance)
            changes.update(returned_quantity=returned, tolerance_ratio=tolerance,
                           booked_quantity=booked)
            if not within:
                note = (note + " " + _("More returned than approved plus tolerance: the approved "
                                       "quantity is booked.")).strip()
        text = outcome_text(locked)
        changes.update(customer_message=text, customer_told_at=now)
        locked = transition_apply(workflow=complaint_workflow, instance=locked, name="close",
                                  actor=actor, note=note, expected_version=expected_version,
                                  changes=changes, data={"outcome": outcome,
                                                         "in_time": changes["closed_in_time"]})
        if receivable and outcome != OutcomeKind.NOT_UPHELD:
            ReceivableExclusion.objects.create(complaint=locked, salesperson=locked.received_by,
                                               order_ref=locked.order_ref,
                                               part_number=locked.part_number, amount=receivable)
        _tell(locked, text)
        event_append(subject=locked, action="customer_told", actor=actor, note=text,
                     data={"channel": locked.reply_channel, "language": locked.language})
        inquiries_open(locked, now)
        penalties_book(locked, timezone.localdate(now))
        strike_record(locked)
    return locked
