"""The supervisor's dispatch queue (DS-1, SR-5): today's undispatched requests, each with a
technician select and an Assign button (htmx), and every technician's jobs in hand."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.permissions import dispatch_required
from aftersales.core.events import event_list
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import form_error_text
from aftersales.service import selectors
from aftersales.service.forms import AssignForm
from aftersales.service.services import service_request_assign

from ..rotation import service_request_assign_next
from ..selectors import clock_counts


def _centre(request, value=None):
    centres = selectors.dispatch_centres(user=request.user)
    if not centres:
        return None, centres
    wanted = value or request.GET.get("centre") or request.POST.get("centre")
    for centre in centres:
        if str(centre.pk) == str(wanted):
            return centre, centres
    return centres[0], centres


def _board_context(request, centre, *, error=None, error_pk=None, done=None):
    user = request.user
    today = selectors.centre_local_date(timezone.now(), centre)
    technicians = list(selectors.centre_technicians(centre=centre))
    queue = list(selectors.dispatch_queue(user=user, centre=centre, today=today))
    return {
        "centre": centre,
        "today": today,
        "now": timezone.now(),
        "queue": queue,
        "carried_over": sum(1 for sr in queue if sr.carried_over_rank == 0),
        "waiting": list(selectors.awaiting_agreement(user=user, centre=centre)),
        "technicians": technicians,
        "jobs": selectors.assigned_jobs_by_technician(user=user, centre=centre,
                                                      technicians=technicians),
        "error": error,
        "error_pk": error_pk,
        "done": done,
        "clocks": clock_counts(user=user, centre=centre),
    }


def _assign_by_rotation(request, service_request):
    """DS-2: the next technician in the centre's rotation; who was skipped and why is recorded."""
    try:
        version = int(request.POST.get("version") or 0) or None
        done_request = service_request_assign_next(actor=request.user, request=service_request,
                                                   expected_version=version)
    except ValidationError as exc:
        return " ".join(exc.messages), None
    except (ConflictError, PermissionDenied) as exc:
        return str(exc.message), None
    skipped = event_list(done_request).filter(action="assign").last().data.get("skipped", [])
    done = _("%(number)s assigned to %(name)s by rotation.") % {
        "number": done_request.number, "name": done_request.assigned_technician}
    if skipped:
        done += " " + _("Skipped: %(who)s.") % {
            "who": "; ".join(f"{row['name']} ({row['reason']})" for row in skipped)}
    return None, done


@dispatch_required
def queue(request):
    centre, centres = _centre(request)
    context = {"centres": centres, "centre": centre}
    if centre is not None:
        context |= _board_context(request, centre)
    return render(request, "service/dispatch/queue.html", context)


@require_POST
@dispatch_required
def queue_assign(request, pk: int):
    centre, _centres = _centre(request)
    if centre is None:
        raise Http404
    service_request = selectors.service_request_get_for_page(user=request.user, pk=pk)
    if service_request.service_centre_id != centre.pk:
        centre = service_request.service_centre
    technicians = selectors.centre_technicians(centre=centre)
    form = AssignForm(request.POST, technicians=technicians)
    error = done = None
    if request.POST.get("mode") == "rotation":
        error, done = _assign_by_rotation(request, service_request)
    elif form.is_valid():
        try:
            service_request = service_request_assign(
                actor=request.user, request=service_request,
                technician=form.cleaned_data["technician"],
                appointment_at=form.cleaned_data.get("appointment_at"),
                expected_version=form.cleaned_data["version"],
            )
            done = _("%(number)s assigned to %(name)s.") % {
                "number": service_request.number, "name": form.cleaned_data["technician"]}
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except (ConflictError, PermissionDenied) as exc:
            error = str(exc.message)
    else:
        error = form_error_text(form)
    if not request.htmx:
        if error:
            messages.error(request, f"{service_request.number}: {error}")
        else:
            messages.success(request, done)
        return redirect(f"{reverse('dispatch:queue')}?centre={centre.pk}")
    context = _board_context(request, centre, error=error,
                             error_pk=service_request.pk if error else None, done=done)
    return render(request, "service/dispatch/_board.html", context)
