"""Generic view helpers every app's pages share, and the health endpoint."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme

from .exceptions import ConflictError, PermissionDenied
from .forms import apply_errors, error_text

PAGE_SIZE = 25


def may_open(user, roles) -> bool:
    """Whether the user has one of these roles (or is a superuser): who opens a page of
    :func:`roles_required`, and who sees a panel that shows part of such a page."""
    return bool(user.is_superuser or getattr(user, "role", None) in roles)


def roles_required(roles):
    """Only these roles (or a superuser) may open the page; anyone else gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not may_open(request.user, roles):
                raise Forbidden
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def service_run(request, call, *, form=None) -> bool:
    """Call a service for a page's POST: True when it went through. Its refusal is a 403; its
    errors go next to the form's fields (or, without a form, into a page message), a conflict
    into a page message."""
    try:
        call()
    except PermissionDenied as error:
        raise Forbidden(str(error.message or "")) from None
    except ValidationError as error:
        if form is not None:
            apply_errors(form, error)
        else:
            messages.error(request, error_text(error))
        return False
    except ConflictError as error:
        messages.error(request, str(error.message))
        return False
    return True


def service_value(request, call, *, form=None) -> tuple[bool, object]:
    """As :func:`service_run`, for a page that needs what the service returned: (True, the
    result) when it went through, (False, None) when it did not."""
    result = []
    done = service_run(request, lambda: result.append(call()), form=form)
    return done, (result[0] if done else None)


def safe_next(request, url: str | None) -> str:
    """``url`` when it leads back into this site (a form's ``next``), else ""."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return ""


def page_query(request, drop=("page",)) -> str:
    """The current query string without ``page``, for pagination links and exports."""
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()




def health(request):
    """Liveness and database reachability, for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": "ok"})
    except Exception as exc:  # noqa: BLE001  (report, do not raise: this is the health check)
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)


@login_required
def attachment_download(request, pk: int):
    """A stored attachment, only for a user who may see the object it belongs to (the same 404
    for a missing file and one that is not theirs)."""
    from .models import Attachment

    attachment = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    model = attachment.content_type.model_class()
    manager = getattr(model, "objects", None)
    if model is None or not hasattr(manager, "restrict") or not manager.restrict(
            request.user, "view").filter(pk=attachment.object_id).exists():
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.mime,
                            as_attachment=not attachment.is_image, filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
