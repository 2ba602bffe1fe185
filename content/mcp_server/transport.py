"""/mcp/: the MCP endpoint over streamable HTTP, served by this WSGI app.

The SDK's own transport (StreamableHTTPSessionManager, stateless, JSON responses) answers each
HTTP request: the Django view authenticates the API token, hands the request to the SDK as an ASGI
call in an event loop of its own (asgiref's `async_to_sync`, as Django runs async code under WSGI),
and returns what the SDK sent. Stateless: no session outlives a request, so any worker of any
instance answers any call, and no streams are held open in a sync worker."""

import anyio
import mcp.types as types
from asgiref.sync import async_to_sync
from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from rest_framework.exceptions import AuthenticationFailed

from ..sso import ProviderUnavailable, provider_name, sso_enabled, user_for_access_token
from ..tokens import ExpiringTokenAuthentication
from .server import build_server

# The API's "Token <key>", and "Bearer <key>" as MCP clients send it; the same key either way.
SCHEMES = ("bearer", "token")
# Headers the SDK sends that Django sets itself.
_HOP_HEADERS = {"content-length", "transfer-encoding", "connection"}


def authenticate(request):
    """The token's user, by the API's own token authentication (expiry, inactive users); with single
    sign-on on, a bearer that is no API token may be an access token of the company's provider
    (content.sso.user_for_access_token), for an account already linked to it."""
    scheme, _, key = request.headers.get("Authorization", "").strip().partition(" ")
    key = key.strip()
    if scheme.lower() not in SCHEMES or not key:
        raise AuthenticationFailed("Send your API token as 'Authorization: Bearer <token>'.")
    try:
        user, _token = ExpiringTokenAuthentication().authenticate_credentials(key)
    except AuthenticationFailed:
        if scheme.lower() != "bearer" or not sso_enabled():
            raise
        try:
            user = user_for_access_token(key)
        except ProviderUnavailable as error:
            raise AuthenticationFailed(f"{error} Use your API token meanwhile.") from None
        if user is None:
            raise AuthenticationFailed(
                f"That bearer is neither an API token nor an access token of {provider_name()} for an account "
                "linked to it: sign in to the library once through single sign-on, or use your API token."
            ) from None
    return user


def _unauthorized(message: str) -> HttpResponse:
    error = types.JSONRPCError(
        jsonrpc="2.0", id="server-error", error=types.ErrorData(code=types.INVALID_REQUEST, message=message)
    )
    response = HttpResponse(
        error.model_dump_json(by_alias=True, exclude_none=True), status=401, content_type="application/json"
    )
    response["WWW-Authenticate"] = 'Bearer realm="enablement"'
    return response


def _scope(request) -> dict:
    host, _, port = request.get_host().partition(":")
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": request.scheme,
        "path": request.path,
        "raw_path": request.path.encode(),
        "root_path": "",
        "query_string": request.META.get("QUERY_STRING", "").encode("latin-1"),
        "headers": [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in request.headers.items()
        ],
        "server": (host, int(port) if port.isdigit() else (443 if request.is_secure() else 80)),
        "client": (request.META.get("REMOTE_ADDR", ""), 0),
    }


async def _serve(request, body: bytes) -> tuple[int, list, bytes]:
    """One call through the SDK's transport: (status, headers, body) of its answer."""
    started: dict = {"status": 500, "headers": []}
    chunks: list[bytes] = []
    answered = anyio.Event()
    delivered = False

    async def receive():
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await answered.wait()  # the client is there until the answer is sent
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            started["status"], started["headers"] = message["status"], message.get("headers", [])
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                answered.set()

    manager = StreamableHTTPSessionManager(app=build_server(request), stateless=True, json_response=True)
    async with manager.run():
        await manager.handle_request(_scope(request), receive, send)
    answered.set()
    return started["status"], started["headers"], b"".join(chunks)


@csrf_exempt
def mcp_endpoint(request):
    try:
        request.user = authenticate(request)
    except AuthenticationFailed as error:
        return _unauthorized(str(error.detail))
    if request.method != "POST":
        # Stateless: the server never speaks first, so there is no stream to open with GET (it would
        # hold a sync worker for as long as the client waits) and no session to end with DELETE.
        return HttpResponseNotAllowed(["POST"])
    status, headers, body = async_to_sync(_serve)(request, request.body)
    response = HttpResponse(body, status=status)
    for name, value in headers:
        name = name.decode("latin-1")
        if name.lower() not in _HOP_HEADERS:
            response[name] = value.decode("latin-1")
    return response
