"""Domain errors mapped to HTTP once, for every API view: a `ValidationError` raised by a service
(the asset, deal, usage and request rules) is a 400 naming its fields, or with one `detail` sentence
when it concerns no field; a request filed twice (`DuplicateRequest`) is a 409 naming the first.
DRF already maps Django's `PermissionDenied` (403) and `Http404` (404)."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..requesting import DuplicateRequest


def error_detail(error: DjangoValidationError) -> dict:
    """The body of a 400 for a domain error: {field: [messages]} or {"detail": "sentence"}."""
    if hasattr(error, "error_dict"):
        detail = error.message_dict
        if NON_FIELD_ERRORS in detail:
            detail["non_field_errors"] = detail.pop(NON_FIELD_ERRORS)
        return detail
    return {"detail": " ".join(error.messages)}


def duplicate_request_body(error, request=None) -> dict:
    """The 409 for a request filed twice: what happened, and the request that is already there."""
    path = error.existing.get_absolute_url()
    return {
        "detail": error.text,
        "code": "duplicate_request",
        "existing_id": error.existing.pk,
        "existing_url": request.build_absolute_uri(path) if request is not None else path,
    }


def exception_handler(exc, context):
    if isinstance(exc, DuplicateRequest):
        return Response(duplicate_request_body(exc, context.get("request")), status=409)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(error_detail(exc))
    return drf_exception_handler(exc, context)
