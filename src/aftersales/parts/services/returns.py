"""Every write of return obligations (PT-3; docs/parts.md, "Return obligations").

A part fitted free (in warranty: the line is not charged) obliges whoever owes the job's work —
the technician, or the dealer on a dealer's job — to send the faulty part back to the one
receiving point within ``PART_RETURN_DAYS`` calendar days. A technician's obligation is made and
cancelled with the usage line, in its transaction (parts/handlers.py); a dealer's is made with
the line the dealer records when it completes its job (``dealers.services.dealer_job_complete``).
The overdue sweep counts an open obligation past its day as kept and charges it, once, however
many sweeps run at once.

Faulty parts received are not stock: they cannot be fitted or sold, so they never enter the stock
ledger (a receipt move would make them count as stock on hand). Their receipt is recorded on the
obligation (when, by whom, where).
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.dates import local_today
from aftersales.core.exceptions import IllegalTransition, PermissionDenied
from aftersales.core.models import Notification
from aftersales.core.workflow import transition_apply

from ..choices import WarehouseKind
from ..models import ReturnObligation, ReturnStatus, Warehouse
from ..workflow_returns import return_obligation_workflow
from .stock import may_move

SERIAL_MAX = 60


def return_point() -> Warehouse | None:
    """The single receiving point of faulty parts: the place ``PART_RETURN_POINT`` names, else
    the central warehouse (the first active one)."""
    code = (getattr(settings, "PART_RETURN_POINT", "") or "").strip()
    places = Warehouse.objects.filter(active=True)
    if code:
        return places.filter(code=code).first()
    return places.filter(kind=WarehouseKind.CENTRAL).order_by("pk").first()


def _obligation_open(line, **owed) -> ReturnObligation | None:
    """The faulty part a free (warranty) ``line`` replaced is owed back by its due day to the
    receiving point; a charged line owes nothing."""
    if line.charged:
        return None
    return ReturnObligation.objects.create(
        part=line.part, quantity=line.quantity,
        due_on=local_today() + timedelta(days=settings.PART_RETURN_DAYS),
        receiving_point=return_point(), **owed)


def obligation_open_for_usage(*, actor, usage) -> ReturnObligation | None:
    """A free (warranty) usage line: the technician owes its faulty part back. Called by the
    ``service_request.part_add`` handler, in its transaction."""
    request = usage.request
    return _obligation_open(usage, usage=usage, request=request,
                            service_centre_id=request.service_centre_id,
                            owed_by_id=request.assigned_technician_id or usage.recorded_by_id)


def obligation_open_for_dealer_part(*, actor, dealer, line,
                                    request=None) -> ReturnObligation | None:
    """A free (warranty) part a dealer fitted on its job (a ``dealers.DealerJobPart``): the
    dealer owes its faulty part back. ``request``: the service request of a job we handed over
    (its centre's); the dealer's own call has none (the centre that looks after the dealer)."""
    centre_id = request.service_centre_id if request is not None else dealer.service_centre_id
    return _obligation_open(line, dealer_job_part=line, dealer=dealer, request=request,
                            service_centre_id=centre_id)


def obligation_cancel_for_usage(*, actor, usage) -> ReturnObligation | None:
    """The usage line is taken off the job: its open obligation is cancelled. A faulty part
    already sent back or received keeps the line on the job (it happened)."""
    return _obligation_cancel(actor, ReturnObligation.objects.filter(usage=usage).first())


def obligation_cancel_for_dealer_part(*, actor, line) -> ReturnObligation | None:
    """A dealer takes a part off its completed job (a ``dealers.DealerJobPart``): the faulty
    part it owed for it is owed no more — unless it was sent back already."""
    return _obligation_cancel(actor, ReturnObligation.objects.filter(dealer_job_part=line).first())


def _obligation_cancel(actor, obligation) -> ReturnObligation | None:
    if obligation is None or obligation.status == ReturnStatus.CANCELLED:
        return None
    if obligation.status != ReturnStatus.OPEN:
        raise ValidationError(_("The faulty part of this line has been sent back already; the "
                                "line cannot be taken off."))
    return transition_apply(workflow=return_obligation_workflow, instance=obligation,
                            name="cancel", actor=actor,
                            note=_("The part was taken off the job."))


def _serial(value, field: str) -> str:
    value = (value or "").strip()
    if len(value) > SERIAL_MAX:
        raise ValidationError({field: [_("A serial number has at most %(n)d characters.")
                                       % {"n": SERIAL_MAX}]})
    return value


def _require_owner(actor, obligation: ReturnObligation) -> None:
    if actor is None or actor.is_superuser or getattr(actor, "sees_all_centres", False):
        return
    if getattr(actor, "role", None) == "technician":
        if obligation.owed_by_id != actor.pk:
            raise PermissionDenied()
        return
    if getattr(actor, "role", None) == "dealer":
        link = getattr(actor, "dealer_link", None)
        if link is None or obligation.dealer_id != link.dealer_id:
            raise PermissionDenied()
        return
    if actor.service_centre_id is None or actor.service_centre_id != obligation.service_centre_id:
        raise PermissionDenied()


def obligation_may_send(actor, obligation: ReturnObligation) -> bool:
    """May ``actor`` record the serials and send the faulty part back now (a page's buttons)?"""
    try:
        _require_owner(actor, obligation)
    except PermissionDenied:
        return False
    return obligation.status == ReturnStatus.OPEN


def obligation_serials_record(*, actor, obligation: ReturnObligation, new_serial="",
                              faulty_serial="") -> ReturnObligation:
    """The technician writes down the new part's and the faulty part's serial numbers."""
    _require_owner(actor, obligation)
    new_serial = _serial(new_serial, "new_serial")
    faulty_serial = _serial(faulty_serial, "faulty_serial")
    with transaction.atomic():
        locked = ReturnObligation.objects.select_for_update().get(pk=obligation.pk)
        if locked.status != ReturnStatus.OPEN:
            raise IllegalTransition(_("The serial numbers can be changed only before the faulty "
                                      "part is sent back."))
        locked.new_serial, locked.faulty_serial = new_serial, faulty_serial
        locked.version += 1
        locked.save(update_fields=["new_serial", "faulty_serial", "version", "updated_at"])
    return locked


def obligation_send(*, actor, obligation: ReturnObligation, faulty_serial=None,
                    tracking: str = "", new_serial=None) -> ReturnObligation:
    """The faulty part is on its way to the receiving point; its serial must be recorded (given
    here or before). The new part's serial may be given with it (the technician's one form)."""
    obligation.refresh_from_db()
    _require_owner(actor, obligation)
    changes = {"sent_at": timezone.now(), "tracking": _serial(tracking, "tracking")}
    if new_serial is not None:
        changes["new_serial"] = _serial(new_serial, "new_serial")
    serial = obligation.faulty_serial if faulty_serial is None else _serial(
        faulty_serial, "faulty_serial")
    if not serial:
        raise ValidationError({"faulty_serial": [
            _("Enter the faulty part's serial number before sending it back.")]})
    changes["faulty_serial"] = serial
    return transition_apply(workflow=return_obligation_workflow, instance=obligation,
                            name="send", actor=actor, changes=changes)


def obligation_receive(*, actor, obligation: ReturnObligation,
                       faulty_serial=None) -> ReturnObligation:
    """The faulty part arrived at the receiving point (recorded here, not on the stock ledger:
    a faulty part is not stock). Only someone who may work at the receiving point receives it."""
    obligation.refresh_from_db()
    point = obligation.receiving_point or return_point()
    if point is None:
        raise ValidationError(_("No receiving point for faulty parts is set up."))
    if not may_move(actor, point):
        raise PermissionDenied(_("Faulty parts are received at %(place)s.") % {"place": point})
    serial = obligation.faulty_serial if faulty_serial is None else _serial(
        faulty_serial, "faulty_serial")
    if not serial:
        raise ValidationError({"faulty_serial": [_("Enter the faulty part's serial number.")]})
    return transition_apply(
        workflow=return_obligation_workflow, instance=obligation, name="receive", actor=actor,
        changes={"received_at": timezone.now(), "received_by": actor, "receiving_point": point,
                 "faulty_serial": serial})


def obligation_charge(obligation: ReturnObligation) -> Decimal:
    """What a kept faulty part costs whoever owes it: the price-list price it was fitted at
    (the usage line's or the dealer's line's unit price) times the quantity; the part's current
    price if the line is gone."""
    line = obligation.usage if obligation.usage_id else obligation.dealer_job_part
    unit = line.unit_price if line is not None else obligation.part.unit_price
    return (Decimal(unit) * obligation.quantity).quantize(Decimal("0.01"))


def _owers(obligation: ReturnObligation) -> list[int]:
    """Who is told about the obligation: the technician who owes it, or the dealer's logins."""
    if obligation.owed_by_id:
        return [obligation.owed_by_id]
    if obligation.dealer_id:  # its logins, through dealers.DealerUser's reverse relation
        return list(get_user_model().objects.filter(
            dealer_link__dealer_id=obligation.dealer_id, is_active=True)
            .values_list("pk", flat=True))
    return []


def obligations_sweep(*, today=None) -> int:
    """Every open obligation past its due day counts as kept and is charged; returns how many
    this run turned. Idempotent and safe to run twice at once: each turn locks the row and
    checks it is still open (``transition_apply``), so each obligation is charged once."""
    today = today or local_today()
    turned = 0
    ids = list(ReturnObligation.objects.filter(status=ReturnStatus.OPEN, due_on__lt=today)
               .values_list("pk", flat=True))
    for pk in ids:
        obligation = (ReturnObligation.objects.select_related("usage", "dealer_job_part", "part")
                      .get(pk=pk))
        try:
            with transaction.atomic():
                kept = transition_apply(
                    workflow=return_obligation_workflow, instance=obligation, name="keep",
                    actor=None, changes={"kept_at": timezone.now(),
                                         "charge_amount": obligation_charge(obligation)})
                text = (_("The faulty %(part)s was not sent back by %(due)s: it counts as "
                          "kept and %(amount)s is charged to you.")
                        % {"part": obligation.part.code, "due": obligation.due_on.isoformat(),
                           "amount": kept.charge_amount})
                Notification.objects.bulk_create([
                    Notification(user_id=user_id, level="warning", text=text,
                                 link=f"/parts/returns/?status={ReturnStatus.KEPT}")
                    for user_id in _owers(kept)])
        except IllegalTransition:
            continue  # another sweep got there first
        turned += 1
    return turned
