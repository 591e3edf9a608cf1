"""The framework's floor for bench/intake: a bare Django view that inserts one row.

Mounted at /bench/ only when the setting BENCH_ENDPOINTS is true (config/urls.py). No DRF, no
authentication: it measures what the middleware, the request cycle and one INSERT cost.
"""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import BenchRow


@csrf_exempt
@require_POST
def bench_insert(request):
    row = BenchRow.objects.create(payload=request.body[:200].decode("utf-8", "replace"))
    return JsonResponse({"id": row.pk}, status=201)
