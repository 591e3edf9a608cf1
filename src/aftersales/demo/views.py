"""The framework's floors for bench/intake: views that insert one row.

Mounted at /bench/ only when the setting BENCH_ENDPOINTS is true (config/urls.py).
``bench_insert`` is bare Django, no authentication: what the middleware, the request cycle and one
INSERT cost. ``BenchApiInsert`` adds what every API call pays before any domain work: DRF's request
cycle, token authentication, JSON parsing and rendering.
"""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import BenchRow


@csrf_exempt
@require_POST
def bench_insert(request):
    row = BenchRow.objects.create(payload=request.body[:200].decode("utf-8", "replace"))
    return JsonResponse({"id": row.pk}, status=201)


class BenchApiInsert(APIView):
    """The project's API defaults (token or session authentication, IsAuthenticated)."""

    def post(self, request):
        mark = str(request.data.get("mark", ""))[:200] if hasattr(request.data, "get") else ""
        row = BenchRow.objects.create(payload=f'{{"mark": "{mark}"}}')
        return Response({"id": row.pk}, status=status.HTTP_201_CREATED)
