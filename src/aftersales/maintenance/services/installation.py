"""Installation and commissioning (WK-5, WK-6, AR-3): the checklist and photos of an
installation job, and what its completion records on the product."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.core.attachments import attachment_add
from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied
from aftersales.customers.services import installed_product_installed
from aftersales.service.choices import OPEN_STATUSES, Kind
from aftersales.service.models import ServiceRequest
from aftersales.service.services import centre_local_date

from ..models import ChecklistAnswer
from ..selectors import checklist_items_for

PHOTO_KIND = "installation"
WORKERS = frozenset({Role.TECHNICIAN, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})


def _check_worker(actor, request: ServiceRequest) -> None:
    """The job's own technician, or a supervisor (his centre), a manager or an administrator."""
    if not (actor.is_superuser or actor.role in WORKERS):
        raise PermissionDenied()
    if not ServiceRequest.objects.restrict(actor, "change").filter(pk=request.pk).exists():
        raise PermissionDenied(_("This job is assigned to another technician."))
    if request.status not in OPEN_STATUSES:
        raise ValidationError(_("The job is closed; its installation record cannot change."))


def checklist_answers_save(*, actor, request: ServiceRequest, answers: dict) -> list[ChecklistAnswer]:
    """Tick the installation checklist of ``request``: ``answers`` maps an item's id to
    ``{"done": bool, "value": str}``; an item that needs a reading needs it when ticked."""
    _check_worker(actor, request)
    items = {item.pk: item for item in checklist_items_for(request)}
    errors = []
    cleaned = {}
    for key, answer in answers.items():
        item = items.get(int(key))
        if item is None:
            errors.append(_("Item %(id)s is not on this job's checklist.") % {"id": key})
            continue
        done, value = bool(answer.get("done")), (answer.get("value") or "").strip()[:60]
        if done and item.needs_value and not value:
            errors.append(_("Write down the reading for “%(item)s”.") % {"item": item.label})
        cleaned[item.pk] = (done, value)
    if errors:
        raise ValidationError({"checklist": errors})
    with transaction.atomic():
        saved = []
        existing = {a.item_id: a for a in ChecklistAnswer.objects.select_for_update()
                    .filter(request=request, item_id__in=cleaned)}
        for item_id, (done, value) in cleaned.items():
            answer = existing.get(item_id)
            if answer is None:
                answer = ChecklistAnswer.objects.create(request=request, item_id=item_id,
                                                        done=done, value=value, answered_by=actor)
            elif (answer.done, answer.value) != (done, value):
                answer.done, answer.value, answer.answered_by = done, value, actor
                answer.version += 1
                answer.save(update_fields=["done", "value", "answered_by", "version",
                                           "updated_at"])
            saved.append(answer)
        event_append(subject=request, action="checklist_save", actor=actor,
                     data={"done": sorted(i for i, (d, _v) in cleaned.items() if d)})
    return saved


def installation_photo_add(*, actor, request: ServiceRequest, upload):
    """An unboxing or installation photo (AR-3, WK-5) on the job; size and type checked."""
    _check_worker(actor, request)
    with transaction.atomic():
        return attachment_add(actor=actor, subject=request, upload=upload, kind=PHOTO_KIND)


def checklist_missing(request: ServiceRequest) -> list[str]:
    """The labels of the checklist items not yet ticked (or ticked without their reading)."""
    done = {a.item_id: a for a in ChecklistAnswer.objects.filter(request=request, done=True)}
    return [item.label for item in checklist_items_for(request)
            if item.pk not in done or (item.needs_value and not done[item.pk].value)]


def installation_complete_check(request: ServiceRequest) -> None:
    """An installation job is completed only with its whole checklist ticked (WK-5, WK-6)."""
    missing = checklist_missing(request)
    if missing:
        raise ValidationError(
            _("The installation checklist is not complete: %(items)s.")
            % {"items": "、".join(missing)}, code="checklist_incomplete")


def installation_record(*, actor, request: ServiceRequest) -> None:
    """The installation is accepted: the product's installation date is the completion day
    (centre's calendar), so its phase moves from unboxing to in warranty (AR-3)."""
    product = request.installed_product
    if product is None:
        return
    day = centre_local_date(request.completed_at or timezone.now(), request.service_centre)
    if product.installed_on != day:
        installed_product_installed(actor=actor, product=product, day=day)
    event_append(subject=request, action="installation_accepted", actor=actor,
                 data={"product": product.pk, "installed_on": day.isoformat()})


def installation_follow(*, actor, request: ServiceRequest, checklist: bool = True) -> None:
    """What completing a job means for an installation: the checklist must be complete (our
    technicians'; a dealer's record, confirmed by the customer, stands for it: ``checklist``
    False), then the installation date is recorded."""
    if request.kind != Kind.INSTALLATION:
        return
    if checklist:
        installation_complete_check(request)
    installation_record(actor=actor, request=request)
