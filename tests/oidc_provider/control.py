"""How a test steers the provider: its users and their groups, and what its token endpoint answers
(a well-formed ID token, or an expired, re-addressed or tampered one, or no answer in time).
The control endpoints take a secret header; the provider listens on 127.0.0.1 only."""

import base64
import json
import os
import threading
import time

from django.contrib.auth.models import Group, User
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

_lock = threading.Lock()
_state = {"id_token": "normal", "token_delay": 0.0}
unverified_emails: set[str] = set()  # usernames whose email the provider says it has not verified

ID_TOKEN_MODES = {
    "normal",
    "expired",  # signed by the provider, but its exp has passed
    "wrong_audience",  # signed, but for another client
    "wrong_issuer",  # signed, but naming another issuer
    "wrong_nonce",  # signed, but answering another sign-in
    "bad_signature",  # a byte of the signature flipped on the way out
    "tampered_claims",  # the claims changed on the way out, the provider's signature kept
}


def id_token_hook(id_token, user, token, request, **kwargs):
    """OIDC_IDTOKEN_PROCESSING_HOOK: the modes the provider itself signs."""
    mode = _state["id_token"]
    now = int(time.time())
    if mode == "expired":
        id_token["iat"], id_token["exp"] = now - 3600, now - 600
    elif mode == "wrong_audience":
        id_token["aud"] = "another-client"
    elif mode == "wrong_issuer":
        id_token["iss"] = "http://127.0.0.1:1/openid"
    elif mode == "wrong_nonce":
        id_token["nonce"] = "not-the-nonce-of-this-sign-in"
    return id_token


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tamper(id_token: str, mode: str) -> str:
    header, payload, signature = id_token.split(".")
    if mode == "bad_signature":
        middle = len(signature) // 2
        signature = signature[:middle] + ("A" if signature[middle] != "A" else "B") + signature[middle + 1 :]
    elif mode == "tampered_claims":
        claims = json.loads(_unb64(payload))
        claims["sub"] = "someone-else"  # another account
        payload = _b64(json.dumps(claims).encode())
    return ".".join((header, payload, signature))


class TokenResponseMiddleware:
    """On the token endpoint: wait when told to, and alter the ID token on its way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_token = request.path.rstrip("/").endswith("/openid/token")
        if is_token and _state["token_delay"]:
            time.sleep(_state["token_delay"])
        response = self.get_response(request)
        mode = _state["id_token"]
        if is_token and response.status_code == 200 and mode in ("bad_signature", "tampered_claims"):
            body = json.loads(response.content)
            body["id_token"] = _tamper(body["id_token"], mode)
            response.content = json.dumps(body).encode()
            response["Content-Length"] = str(len(response.content))
        return response


def _allowed(request) -> bool:
    return request.headers.get("X-Control-Secret") == os.environ["PROVIDER_CONTROL_SECRET"]


@csrf_exempt
@require_POST
def set_user(request):
    """{"username", "password", "email", "email_verified", "first_name", "last_name", "groups": [...]}:
    create or update."""
    if not _allowed(request):
        return HttpResponseForbidden()
    data = json.loads(request.body)
    user, _ = User.objects.get_or_create(username=data["username"])
    user.email = data.get("email", f"{user.username}@example.com")
    user.first_name = data.get("first_name", "")
    user.last_name = data.get("last_name", "")
    user.set_password(data["password"])
    user.save()
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in data.get("groups", [])])
    with _lock:
        (unverified_emails.discard if data.get("email_verified", True) else unverified_emails.add)(user.username)
    return JsonResponse({"sub": str(user.pk)})


@csrf_exempt
@require_POST
def set_mode(request):
    """{"id_token": one of ID_TOKEN_MODES, "token_delay": seconds}."""
    if not _allowed(request):
        return HttpResponseForbidden()
    data = json.loads(request.body)
    mode = data.get("id_token", "normal")
    if mode not in ID_TOKEN_MODES:
        return JsonResponse({"error": f"unknown mode {mode}"}, status=400)
    with _lock:
        _state["id_token"] = mode
        _state["token_delay"] = float(data.get("token_delay", 0))
    return JsonResponse(dict(_state))


@csrf_exempt
@require_POST
def issue_access_token(request):
    """{"username", "expired": bool}: an access token of the provider for that user, as an assistant
    would hold after its own OAuth flow with the provider; its userinfo answers with the user's sub."""
    import datetime
    import uuid

    from django.utils import timezone
    from oidc_provider.models import Client, Token

    if not _allowed(request):
        return HttpResponseForbidden()
    data = json.loads(request.body)
    user = User.objects.get(username=data["username"])
    expires = timezone.now() + datetime.timedelta(hours=-1 if data.get("expired") else 1)
    token = Token(
        user=user,
        client=Client.objects.get(),  # the library, the provider's one client
        expires_at=expires,
        access_token=uuid.uuid4().hex,
        refresh_token=uuid.uuid4().hex,
    )
    token.scope = ["openid", "profile", "email"]
    token.id_token = {"sub": str(user.pk)}
    token.save()
    return JsonResponse({"access_token": token.access_token})
