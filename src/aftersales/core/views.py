"""Generic view helpers every app's pages share, and the health endpoint."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db import connection
from django.http import JsonResponse

PAGE_SIZE = 25


def roles_required(roles):
    """Only these roles (or a superuser) may open the page; anyone else gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not (user.is_superuser or user.role in roles):
                raise Forbidden
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


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
