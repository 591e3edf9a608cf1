"""Registering a complaint from any channel (CP-1 … CP-3), the hand-over of a follow-up case
(FB-4) and reopening (CP-8)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.attachments import attachment_add, attachment_check
from aftersales.core.events import event_append
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.numbering import next_number
from aftersales.customers.selectors import message_language

from ..choices import Channel, Kind, Language, Market, ReplyChannel, Status, StepCode
from ..models import Complaint, InternalNote
from ..models.responsibility import internal_visible
from .common import DOC_TYPE, PREFIX, check_visible
from .route import step_start

INTAKE_FIELDS = (
    "contact_name", "contact_phone", "contact_email", "product_model", "installed_product",
    "request", "order_ref", "part_number", "quantity", "delivered_on", "defective_quantity",
    "customer_request", "still_processing", "claimed_amount", "staff_complained_about",
    "joint_inspection", "supplier_involved", "supplier_name",
)


def _clean(data: dict) -> dict:
    errors: dict[str, list] = {}
    if data["channel"] not in Channel.values:
        errors["channel"] = [_("Choose how the complaint came in.")]
    if data["kind"] not in Kind.values:
        errors["kind"] = [_("Choose quality or non-quality (human error).")]
    if data["market"] not in Market.values:
        errors["market"] = [_("Choose domestic or foreign.")]
    if data["language"] not in Language.values:
        errors["language"] = [_("Choose the customer's language.")]
    if data["reply_channel"] not in ReplyChannel.values:
        errors["reply_channel"] = [_("Choose how the customer is told.")]
    for key in ("description", "customer_request", "contact_name", "contact_phone",
                "contact_email", "order_ref", "part_number", "supplier_name"):
        data[key] = (data.get(key) or "").strip()
    if len(data["description"]) < 4:
        errors["description"] = [_("Describe what is wrong.")]
    if not data["customer_request"] and not data["still_processing"]:
        errors["customer_request"] = [_("Write what the customer asks, or tick “customer still "
                                        "processing, not determined”.")]
    if data["customer"] is None and not data["contact_name"]:
        errors["contact_name"] = [_("Choose the customer, or give the name of who complains.")]
    if data["customer"] is None and not (data["contact_phone"] or data["contact_email"]):
        errors["contact_phone"] = [_("Give a phone number or an e-mail to answer to.")]
    for key in ("quantity", "defective_quantity", "claimed_amount"):
        value = data.get(key)
        if value is not None and Decimal(value) < 0:
            errors[key] = [_("Must not be negative.")]
    q, d = data.get("quantity"), data.get("defective_quantity")
    if q is not None and d is not None and Decimal(d) > Decimal(q):
        errors["defective_quantity"] = [_("More defective than delivered.")]
    delivered = data.get("delivered_on")
    if delivered and delivered > timezone.localdate():
        errors["delivered_on"] = [_("The delivery date is in the future.")]
    if data["supplier_involved"] and not data["supplier_name"]:
        errors["supplier_name"] = [_("Name the supplier.")]
    if data["reply_channel"] == ReplyChannel.SMS and not (
            data["contact_phone"] or (data["customer"] and data["customer"].phone)):
        errors["reply_channel"] = [_("No phone number to send a text message to.")]
    if data["reply_channel"] == ReplyChannel.EMAIL and not (
            data["contact_email"] or (data["customer"] and data["customer"].email)):
        errors["reply_channel"] = [_("No e-mail address to write to.")]
    unit = data.get("installed_product")
    if unit is not None and data["customer"] is not None and unit.customer_id != data["customer"].pk:
        errors["installed_product"] = [_("This product belongs to another customer.")]
    sr = data.get("request")
    if sr is not None and data["customer"] is not None and sr.customer_id != data["customer"].pk:
        errors["request"] = [_("This request is another customer's.")]
    if errors:
        raise ValidationError(errors)
    return data


def complaint_register(*, actor, channel: str, kind: str, description: str, customer=None,
                       market: str = Market.DOMESTIC, language: str = "",
                       reply_channel: str = ReplyChannel.SMS, service_centre=None, uploads=(),
                       follow_up_case=None, reopened_from=None, received_at=None,
                       **intake) -> Complaint:
    """Register a complaint (CP-3) with its samples' photos; the GM office's ½-day step starts.
    ``language``: what the customer is told in; not given, the customer's own (else the
    company's default)."""
    unknown = set(intake) - set(INTAKE_FIELDS)
    if unknown:
        raise TypeError(f"unknown intake fields: {sorted(unknown)}")
    data = {key: intake.get(key) for key in INTAKE_FIELDS}
    data.update(channel=channel, kind=kind, description=description, customer=customer,
                market=market, language=language or message_language(customer),
                reply_channel=reply_channel,
                still_processing=bool(intake.get("still_processing")),
                joint_inspection=bool(intake.get("joint_inspection")),
                supplier_involved=bool(intake.get("supplier_involved")))
    data = _clean(data)
    for upload in uploads:
        try:
            attachment_check(upload)
        except ValidationError as exc:
            raise ValidationError({"uploads": exc.messages}) from None
    if data.get("installed_product") is not None and data.get("product_model") is None:
        data["product_model"] = data["installed_product"].model
    if service_centre is None:
        for source in (data.get("request"), customer):
            if source is not None and source.service_centre_id:
                service_centre = source.service_centre
                break
        else:
            service_centre = getattr(actor, "service_centre", None)
    now = received_at or timezone.now()
    fields = {k: v for k, v in data.items() if v is not None}
    with transaction.atomic():
        complaint = Complaint(**fields, service_centre=service_centre, received_by=actor,
                              received_at=now, follow_up_case=follow_up_case,
                              reopened_from=reopened_from, status=Status.REGISTERED)
        complaint.number = next_number(DOC_TYPE, PREFIX, now)
        complaint.save()
        event_append(subject=complaint, action="register", actor=actor,
                     to_state=Status.REGISTERED, at=now,
                     data={"channel": channel, "kind": kind,
                           "reopens": reopened_from.number if reopened_from else None,
                           "case": follow_up_case.number if follow_up_case else None})
        for upload in uploads:
            attachment_add(actor=actor, subject=complaint, upload=upload, kind="sample")
        step_start(complaint, StepCode.INTAKE, now)
    return complaint


def complaint_from_case(*, actor, case, kind: str = Kind.NON_QUALITY, description: str = "",
                        customer_request: str = "", **extra) -> Complaint:
    """FB-4: a follow-up case from a survey or a call hands over into a complaint (once)."""
    from aftersales.feedback.models import FollowUpCase
    from aftersales.feedback.selectors import case_reasons

    if not FollowUpCase.objects.restrict(actor).filter(pk=case.pk).exists():
        raise PermissionDenied()
    if Complaint.objects.filter(follow_up_case=case).exists():
        raise ConflictError(_("This case has already been handed over as a complaint."))
    channel = Channel.SURVEY if case.survey_id else Channel.CALL
    sr = case.request
    reasons = "; ".join(str(r) for r in case_reasons(case))
    text = description or "\n".join(t for t in (case.summary, reasons) if t) or str(case)
    customer = case.customer
    return complaint_register(
        actor=actor, channel=channel, kind=kind, description=text, customer=customer,
        request=sr, installed_product=sr.installed_product,
        customer_request=customer_request or _("See the follow-up case %(number)s.")
        % {"number": case.number},
        service_centre=case.service_centre, follow_up_case=case,
        reply_channel=ReplyChannel.SMS if customer.phone else ReplyChannel.PHONE,
        staff_complained_about=sr.assigned_technician if kind == Kind.NON_QUALITY else None,
        **extra)


def complaint_reopen(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """CP-8: the customer rejects the decision — a new case linked to the original."""
    check_visible(actor, complaint)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": [_("Write why the customer rejects the decision.")]})
    if complaint.status != Status.CLOSED:
        raise ConflictError(_("Only a closed complaint's decision can be rejected."))
    with transaction.atomic():
        new = complaint_register(
            actor=actor, channel=complaint.channel, kind=complaint.kind, market=complaint.market,
            description=f"{reason}\n— {complaint.description}", customer=complaint.customer,
            language=complaint.language, reply_channel=complaint.reply_channel,
            service_centre=complaint.service_centre, reopened_from=complaint,
            **{k: getattr(complaint, k) for k in INTAKE_FIELDS
               if k not in ("staff_complained_about",)})
        event_append(subject=complaint, action="reopen", actor=actor, note=reason,
                     data={"new": new.number})
    return new


def internal_note_add(*, actor, complaint: Complaint, text: str) -> InternalNote:
    if not internal_visible(actor, complaint):
        raise PermissionDenied()
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the note.")]})
    with transaction.atomic():
        note = InternalNote.objects.create(complaint=complaint, text=text, author=actor)
        event_append(subject=complaint, action="internal_note", actor=actor,
                     data={"note": note.pk})
    return note
