"""The technician's phone (panel "field.job"): installation photos and checklist, meter
readings. Each step posts here and returns to the job's page with a message."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.permissions import staff_required
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.querysets import get_restricted
from aftersales.service.models import ServiceRequest

from ..selectors import checklist_items_for
from ..services import checklist_answers_save, installation_photo_add, meter_reading_add


def _job(request, pk):
    return get_restricted(ServiceRequest.objects.select_related("installed_product__model",
                                                                "service_centre"),
                          request.user, pk=pk)


def _back(job, anchor="installation"):
    return redirect(f"{reverse('field:job', args=[job.pk])}#{anchor}")


def _refused(request, exc) -> None:
    if isinstance(exc, ValidationError):
        text = [m for messages_ in getattr(exc, "message_dict", {"": exc.messages}).values()
                for m in messages_]
        messages.error(request, " ".join(text))
    else:
        messages.error(request, str(exc.message if hasattr(exc, "message") else exc))


@require_POST
@staff_required
def job_checklist(request, pk: int):
    job = _job(request, pk)
    answers = {}
    for item in checklist_items_for(job):
        answers[item.pk] = {"done": request.POST.get(f"item-{item.pk}") == "on",
                            "value": request.POST.get(f"value-{item.pk}", "")}
    try:
        checklist_answers_save(actor=request.user, request=job, answers=answers)
        messages.success(request, _("Checklist saved."))
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    return _back(job)


@require_POST
@staff_required
def job_photo(request, pk: int):
    job = _job(request, pk)
    uploads = request.FILES.getlist("photo")
    if not uploads:
        messages.error(request, _("Choose a photo to upload."))
        return _back(job)
    try:
        for upload in uploads:
            installation_photo_add(actor=request.user, request=job, upload=upload)
        messages.success(request, _("Photo uploaded."))
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    return _back(job)


@require_POST
@staff_required
def job_reading(request, pk: int):
    job = _job(request, pk)
    value = (request.POST.get("value") or "").strip()
    if job.installed_product is None or not value.isdigit():
        messages.error(request, _("Enter the meter reading as a whole number."))
        return _back(job, "meter")
    try:
        meter_reading_add(actor=request.user, product=job.installed_product, value=int(value))
        messages.success(request, _("Meter reading recorded."))
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    return _back(job, "meter")
