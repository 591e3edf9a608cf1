"""What every field view shares: access, calling a service, showing its errors."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.service.workflow import service_request_workflow

from ..selectors import WORKSHOP_STATUSES


def staff_view(view):
    """Logged-in staff only; customers have the portal."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff_role:
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def available_actions(job, user) -> set[str]:
    """Names of the workflow moves this user may make on the job now (for showing buttons;
    the services decide)."""
    return {t.name for t in service_request_workflow.available(job, user)}


def at_workshop(job) -> bool:
    return job.status in WORKSHOP_STATUSES and hasattr(job, "repair_card")


def home_url(job) -> str:
    """Where a request's work is done now: the repair card once it is at the workshop."""
    if at_workshop(job):
        return reverse("field:repair_card", args=[job.pk])
    return reverse("field:job", args=[job.pk])


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError next to the fields it names, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            messages_ = [m for e in errors for m in e.messages]
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, exc.messages)


@dataclass
class Outcome:
    ok: bool
    result: Any = None
    page_error: str = ""


def perform(form, call: Callable[[], Any]) -> Outcome:
    """Run a service call for a valid form: field errors go on the form, conflicts and refusals
    become a page message (never a 500)."""
    try:
        return Outcome(True, call())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return Outcome(False)
    except (ConflictError, PermissionDenied) as exc:
        return Outcome(False, page_error=str(exc.message))


def done(request, url: str, message: str = ""):
    """Success: a message for the next page, and a redirect (full reload for htmx too)."""
    if message:
        messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def refused(request, url: str, message: str):
    """A conflict or refusal on a full-page post: the message on the page it came from."""
    messages.error(request, message)
    return redirect(url)
