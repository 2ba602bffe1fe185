"""Limits on what a client may send, in one place so the API, the CRM webhook and the pages agree:
JSON bodies (size, nesting depth, finite numbers, no NUL characters) and query strings (no NUL
characters, which PostgreSQL cannot store or compare)."""

import json

from django.http import HttpResponseBadRequest, JsonResponse
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_BYTES = 1_000_000  # a deal, a request or a usage is a few hundred bytes
MAX_JSON_DEPTH = 20  # the deepest payload the API takes is three levels


class InputRejected(ValueError):
    """The client sent something the app will not read; the message says what, for a 400."""


def _reject_constant(name: str):
    raise InputRejected(f"{name} is not a number JSON allows.")


def _check_values(value) -> None:
    """Depth and NUL characters, walked without recursion so no payload can exhaust the stack."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise InputRejected(f"The body is nested deeper than {MAX_JSON_DEPTH} levels.")
        if isinstance(item, str):
            if "\x00" in item:
                raise InputRejected("Text may not contain NUL characters.")
        elif isinstance(item, dict):
            for key, child in item.items():
                if "\x00" in key:
                    raise InputRejected("Text may not contain NUL characters.")
                pending.append((child, depth + 1))
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)


def load_json(body: bytes):
    """The JSON value of `body`, or InputRejected saying why it is refused."""
    if len(body) > MAX_JSON_BYTES:
        raise InputRejected(f"The body is larger than {MAX_JSON_BYTES:,} bytes.")
    try:
        value = json.loads(body, parse_constant=_reject_constant)
    except RecursionError:
        raise InputRejected(f"The body is nested deeper than {MAX_JSON_DEPTH} levels.") from None
    except (ValueError, UnicodeDecodeError) as error:
        if isinstance(error, InputRejected):
            raise
        raise InputRejected("The body is not JSON.") from None
    _check_values(value)
    return value


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser with the limits above: a hostile body is a 400, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read(MAX_JSON_BYTES + 1) if stream is not None else b""
        try:
            return load_json(body)
        except InputRejected as error:
            raise ParseError(str(error)) from None


class RejectNulQueryMiddleware:
    """A NUL character in a query parameter is answered 400 before any view builds SQL with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") and any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            message = "Query parameters may not contain NUL characters."
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)
