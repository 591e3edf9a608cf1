"""What billing's views share: running a service and reporting its outcome as a message."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import error_text
from aftersales.core.views import safe_next


def back(request, job=None) -> str:
    target = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if target:
        return target
    if job is not None:
        return reverse("field:job", args=[job.pk]) if request.user.role == "technician" \
            else reverse("service:detail", args=[job.pk])
    return reverse("billing:home")


def run(request, fn, *, success: str, to: str):
    """Call a service; its message on success, its error otherwise; back to ``to``."""
    try:
        result = fn()
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(to), None
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, str(exc.message))
        return redirect(to), None
    if success:
        messages.success(request, success)
    return redirect(to), result
