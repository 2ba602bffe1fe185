"""`Idempotency-Key` for API calls that create: a retry with the same key by the same user within 24
hours gets the first answer back instead of writing a second row (a dropped connection after the
write no longer counts a use twice). Keys live in the shared cache every worker sees."""

import hashlib
import json
from functools import wraps

from django.core.cache import caches
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

HEADER = "Idempotency-Key"
REMEMBER_SECONDS = 24 * 3600
MAX_KEY_LENGTH = 255

SCHEMA_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description="A unique value per logical request (e.g. a UUID); a retry with the same key within 24 hours "
    "returns the first answer and writes nothing.",
)
SCHEMA_RESPONSES = {
    409: OpenApiResponse(description="A request with this Idempotency-Key is still being processed."),
    422: OpenApiResponse(description="This Idempotency-Key was used with a different body."),
}


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(create):
    """Wrap a viewset's create: answer a repeated key from the first response."""

    @wraps(create)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return create(self, request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return Response(
                {"detail": f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable characters."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        shared = caches["shared"]
        cache_key = f"idempotency:{request.user.pk}:{request.path}:{_digest(key)}"
        fingerprint = _digest(request.data)
        if not shared.add(cache_key, {"fingerprint": fingerprint, "done": False}, REMEMBER_SECONDS):
            first = shared.get(cache_key) or {}
            if first.get("fingerprint") != fingerprint:
                return Response(
                    {"detail": f"This {HEADER} was used with a different body."},
                    status=status.HTTP_422_UNPROCESSABLE_ENTITY,
                )
            if not first.get("done"):
                return Response(
                    {"detail": f"A request with this {HEADER} is still being processed; retry shortly."},
                    status=status.HTTP_409_CONFLICT,
                )
            return Response(first["data"], status=first["status"], headers={"Idempotent-Replayed": "true"})
        try:
            response = create(self, request, *args, **kwargs)
        except Exception:
            shared.delete(cache_key)
            raise
        if status.is_success(response.status_code):
            answer = {"fingerprint": fingerprint, "done": True, "status": response.status_code, "data": response.data}
            shared.set(cache_key, answer, REMEMBER_SECONDS)
        else:  # a refused request is not remembered: the client may correct it and send the same key
            shared.delete(cache_key)
        return response

    return wrapper
