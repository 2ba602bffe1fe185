"""Health check for load balancers: 200 when the database answers, 503 otherwise. It also says
whether semantic search runs ("ok") or why not; without it search is keyword search, still 200."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from ..semantic import runtime


@login_not_required
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    semantic = runtime.status()
    semantic = "ok" if semantic["status"] == "ok" else f"unavailable: {semantic['reason']}"
    return JsonResponse({"status": "ok", "database": "ok", "semantic": semantic})


urlpatterns = [path("healthz", healthz, name="healthz")]
