"""Single sign-on by OpenID Connect, on mozilla-django-oidc: the provider's endpoints discovered from
OIDC_ISSUER, the ID token verified (RS256 against the provider's keys; issuer, audience, expiry,
nonce), the user found by the provider's subject or created, and their role groups set from the
groups claim at every sign-in. Also the gate that refuses passwords when PASSWORD_SIGN_IN is off.
Off entirely when OIDC_ISSUER is unset."""

import hashlib
import logging
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.cache import cache
from django.core.checks import Error, register
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.db import transaction
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .audit import audit_event
from .models import Person
from .permissions import ROLE_GROUPS

log = logging.getLogger(__name__)

DISCOVERY_SECONDS = 3600  # how long the provider's discovered endpoints are kept
DOWN_SECONDS = 30  # how long a provider that did not answer is not asked again
CLOCK_SKEW_SECONDS = 30  # leeway on exp and iat, for clocks a little apart


def sso_enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME


class ProviderUnavailable(Exception):
    """The provider did not answer, or not in time, or not as an OpenID provider should."""


class SignInRefused(Exception):
    """The provider answered, but this sign-in cannot go on; `message` says why, for the person."""

    def __init__(self, message: str, *, status: int = 403):
        super().__init__(message)
        self.message = message
        self.status = status


class NoRole(SignInRefused):
    """Signed in at the provider, but in none of the groups that OIDC_ROLE_MAP maps to a role."""

    def __init__(self, groups: list[str]):
        mapped = ", ".join(sorted(settings.OIDC_ROLE_MAP)) or "none are configured"
        message = (
            f"Your {provider_name()} account is in none of the groups that give access to the library "
            f"({mapped}). Ask your administrator to add you to one."
        )
        super().__init__(message)
        self.groups = groups


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str = ""  # RP-initiated logout; not every provider has one


def _cache_key() -> str:
    return "sso:provider:" + hashlib.sha256(settings.OIDC_ISSUER.encode()).hexdigest()[:16]


def provider() -> Provider:
    """The provider's endpoints, read from <issuer>/.well-known/openid-configuration and kept for an
    hour; a provider that does not answer within OIDC_TIMEOUT is not asked again for DOWN_SECONDS, so
    that the sign-in page does not wait on it at every visit."""
    key = _cache_key()
    known = cache.get(key)
    if known == "down":
        raise ProviderUnavailable(f"{provider_name()} did not answer a moment ago.")
    if known:
        return Provider(**known)
    url = settings.OIDC_ISSUER + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        found = Provider(
            **{field: document[field] for field in Provider.__dataclass_fields__ if field != "end_session_endpoint"},
            end_session_endpoint=str(document.get("end_session_endpoint") or ""),
        )
        if found.issuer.rstrip("/") != settings.OIDC_ISSUER:
            raise ValueError(f"the document names the issuer {found.issuer!r}")
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        log.warning("OIDC discovery at %s failed: %s", url, error)
        cache.set(key, "down", DOWN_SECONDS)
        raise ProviderUnavailable(f"{provider_name()} is not answering.") from error
    cache.set(key, asdict(found), DISCOVERY_SECONDS)
    return found


def provider_status() -> str | None:
    """None when single sign-on can be used now; otherwise why not, for the sign-in page."""
    try:
        provider()
    except ProviderUnavailable:
        name = provider_name()
        return f"Signing in with {name} is not possible right now: it is not answering. Try again in a few minutes."
    return None


def end_session_url(*, id_token: str, return_to: str) -> str | None:
    """Where to send a browser signing out of the library after signing in with the provider, so that
    its session there ends too (OpenID Connect RP-Initiated Logout): the provider's
    end_session_endpoint with the ID token it issued (`id_token_hint`) and where to come back
    (`post_logout_redirect_uri`, which the provider must have registered for the client). None when
    the provider has no such endpoint or does not answer: the library's session is over anyway."""
    try:
        endpoint = provider().end_session_endpoint
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": return_to})
    return endpoint + ("&" if "?" in endpoint else "?") + query


# -- who signs in ---------------------------------------------------------------------------------


def claimed_groups(claims: dict) -> list[str]:
    """The groups claim as a list of names (a list, or one string of names separated by spaces or commas)."""
    raw = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    return [str(name) for name in raw if isinstance(name, str | int)]


def roles_for(groups: list[str]) -> set[str]:
    """The role groups that OIDC_ROLE_MAP gives for the provider's `groups`."""
    return {settings.OIDC_ROLE_MAP[name] for name in groups if name in settings.OIDC_ROLE_MAP} & set(ROLE_GROUPS)


def roles_apply(*, user, roles: set[str]) -> bool:
    """Make the user's role groups exactly `roles`; groups that are not roles are left alone.
    True when something changed."""
    current = set(user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True))
    if current == roles:
        return False
    user.groups.remove(*Group.objects.filter(name__in=current - roles))
    user.groups.add(*Group.objects.filter(name__in=roles - current))
    user.__dict__.pop("_enablement_roles", None)  # content.permissions.roles_of's cache
    return True


def _username(claims: dict) -> str:
    name = str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()
    if not name:
        raise SignInRefused(
            f"{provider_name()} did not say who you are (no {settings.OIDC_USERNAME_CLAIM} claim). "
            "Ask your administrator to release it to the library."
        )
    try:
        if len(name) > 150:
            raise ValidationError("too long")
        UnicodeUsernameValidator()(name)
    except ValidationError:
        raise SignInRefused(f"“{name[:60]}” from {provider_name()} cannot be a username in the library.") from None
    return name


class IssuerChanged(SignInRefused):
    """The account this sign-in would be is linked to an identity at another issuer (OIDC_ISSUER was
    changed since), and OIDC_RELINK_BY does not allow moving it, or the new identity does not match."""

    def __init__(self, username: str, old_issuer: str, reason: str = ""):
        message = (
            f"Your library account “{username}” was set up with a sign-in at another provider "
            f"({old_issuer}). It is not moved to {provider_name()} automatically{reason}: ask your "
            "administrator to link it (they can allow it with the OIDC_RELINK_BY setting)."
        )
        super().__init__(message)
        self.old_issuer = old_issuer


def _verified_email(claims: dict) -> str:
    verified = claims.get("email_verified")
    if verified is True or str(verified).lower() == "true":
        return str(claims.get("email") or "").strip()
    return ""


def _relinkable(*, username: str, claims: dict):
    """The user whose identity at a former issuer this sign-in takes over, by OIDC_RELINK_BY: the
    user of that username, or the one user with that verified email address; None when none is."""
    User = get_user_model()
    if settings.OIDC_RELINK_BY == "username":
        return User.objects.filter(username=username).first()
    if settings.OIDC_RELINK_BY == "email":
        email = _verified_email(claims)
        found = list(User.objects.filter(email__iexact=email)[:2]) if email else []
        return found[0] if len(found) == 1 else None
    return None


def _refuse_administrators(user, username: str) -> None:
    if user.is_staff or user.is_superuser:
        # An administrator's local account is never taken over by a name at the provider.
        raise SignInRefused(
            f"The username “{username}” belongs to an administrator's local account, which cannot be "
            f"signed in to with {provider_name()}. Use the admin's own sign-in."
        )


def _linked_user(*, issuer: str, subject: str, username: str, claims: dict):
    """The user this identity signs in as, and the issuer they were linked to before when this sign-in
    moves them from another one: the user already linked to it; else (a first sign-in here) one
    linked at a former issuer when OIDC_RELINK_BY allows and matches (IssuerChanged otherwise); else
    the user of that username if nobody's identity yet and not an administrator's; None for a new
    user."""
    person = Person.objects.select_related("user").filter(sso_issuer=issuer, sso_subject=subject).first()
    if person is not None:
        return person.user, None
    User = get_user_model()
    by_name = User.objects.filter(username=username).first()
    moved = _relinkable(username=username, claims=claims)
    elsewhere = Person.objects.filter(user__in=[u for u in (by_name, moved) if u is not None]).exclude(sso_subject="")
    former = {link.user_id: link.sso_issuer for link in elsewhere.exclude(sso_issuer=issuer)}
    if moved is not None and moved.pk in former:
        _refuse_administrators(moved, moved.username)
        return moved, former[moved.pk]
    if by_name is None:
        return None, None
    if by_name.pk in former:
        reason = ""
        if settings.OIDC_RELINK_BY == "email":
            reason = ": your verified email address at the new provider is not the account's"
        raise IssuerChanged(username, former[by_name.pk], reason)
    _refuse_administrators(by_name, username)
    if elsewhere.filter(user=by_name).exists():
        raise SignInRefused(f"The username “{username}” is already linked to another {provider_name()} account.")
    return by_name, None


BEARER_SECONDS = 60  # how long an access token's answer from the provider is kept
MAX_ACCESS_TOKEN = 4096


def user_for_access_token(access_token: str):
    """The library's user an access token of the provider stands for, as an assistant sends it
    (`Authorization: Bearer`, /mcp/): the provider's userinfo endpoint says whose it is, and that
    identity must already be linked to an active account here (by a sign-in through the browser);
    None otherwise. The provider's answer, either way, is kept BEARER_SECONDS under a hash of the
    token, so that an assistant's calls do not each wait on the provider. ProviderUnavailable when
    the provider does not answer."""
    if not sso_enabled() or not access_token or len(access_token) > MAX_ACCESS_TOKEN:
        return None
    key = "sso:bearer:" + hashlib.sha256(access_token.encode()).hexdigest()
    subject = cache.get(key)
    if subject is None:
        try:
            response = requests.get(
                provider().userinfo_endpoint,
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=settings.OIDC_TIMEOUT,
            )
        except requests.RequestException as error:
            raise ProviderUnavailable(f"{provider_name()} did not answer: {error.__class__.__name__}") from None
        if response.status_code >= 500:
            raise ProviderUnavailable(f"{provider_name()} answered {response.status_code}.")
        try:
            subject = str(response.json().get("sub") or "") if response.status_code == 200 else ""
        except (ValueError, AttributeError):
            subject = ""
        cache.set(key, subject, BEARER_SECONDS)
    if not subject:
        return None
    person = (
        Person.objects.select_related("user")
        .filter(sso_issuer=settings.OIDC_ISSUER, sso_subject=subject, user__is_active=True)
        .first()
    )
    return person.user if person else None


def user_from_claims(*, issuer: str, claims: dict):
    """The library's user for verified `claims`: found by the provider's subject (or, the first time,
    by username), created when new, their name and email refreshed and their role groups set from the
    groups claim. A user left with no role is refused (NoRole) after the change is saved, so that a
    group removed at the provider removes the role here too; a new user with no role is not created."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused(f"{provider_name()} sent no subject.")
    username = _username(claims)
    groups = claimed_groups(claims)
    roles = roles_for(groups)
    with transaction.atomic():
        user, former_issuer = _linked_user(issuer=issuer, subject=subject, username=username, claims=claims)
        if user is None:
            if not roles:
                raise NoRole(groups)
            user = get_user_model().objects.create_user(username, email=claims.get("email") or "")
        if not user.is_active:
            raise SignInRefused("Your account in the library is deactivated. Ask a manager if this is a mistake.")
        Person.objects.update_or_create(user=user, defaults={"sso_issuer": issuer, "sso_subject": subject})
        if former_issuer is not None:
            audit_event(
                actor=user,
                verb="user.sso_relinked",
                obj=user,
                from_issuer=former_issuer,
                to_issuer=issuer,
                by=settings.OIDC_RELINK_BY,
            )
        names = {
            "first_name": str(claims.get("given_name") or user.first_name)[:150],
            "last_name": str(claims.get("family_name") or user.last_name)[:150],
            "email": str(claims.get("email") or user.email)[:254],
        }
        changed = [field for field, value in names.items() if getattr(user, field) != value]
        if changed:
            for field in changed:
                setattr(user, field, names[field])
            user.save(update_fields=changed)
        roles_apply(user=user, roles=roles)
    if not roles and not user.is_superuser:
        raise NoRole(groups)
    return user


# -- the authentication backends --------------------------------------------------------------------


class SsoBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow with the endpoints discovered at sign-in, a strict ID token
    check, and our users and roles (`user_from_claims`). It answers only the callback's call
    (which passes a nonce), never a password."""

    def __init__(self, *args, **kwargs):
        # The library's backend reads the endpoints from settings here; ours are discovered when used.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not sso_enabled() or request is None or "nonce" not in kwargs:
            return None
        found = provider()
        self.issuer = found.issuer
        self.OIDC_OP_TOKEN_ENDPOINT = found.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = found.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = found.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """The ID token's claims, once its RS256 signature is checked against the provider's published
        key and its issuer, audience, expiry and (for the ID token) nonce are right; SignInRefused
        otherwise. (The library checks the signature and expiry only.)"""
        refused = f"The answer from {provider_name()} could not be verified, so you are not signed in. Try again."
        try:
            if jwt.get_unverified_header(token).get("alg") != "RS256":
                raise SignInRefused(refused)
            key = self.retrieve_matching_jwk(token)
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise SignInRefused(
                f"The answer from {provider_name()} had expired, so you are not signed in. Try again."
            ) from None
        except (jwt.PyJWTError, SuspiciousOperation, KeyError, TypeError, ValueError) as error:
            log.warning("ID token refused: %s", error)
            raise SignInRefused(refused) from None
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SignInRefused(refused)
        if "nonce" in kwargs and claims.get("nonce") != kwargs["nonce"]:
            log.warning("ID token refused: its nonce is not this sign-in's")
            raise SignInRefused(refused)
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if str(userinfo.get("sub")) != str(payload["sub"]):
            # OpenID Connect Core 5.3.2: the userinfo must be about the ID token's subject.
            raise SignInRefused(f"{provider_name()} answered about someone else; you are not signed in.")
        return user_from_claims(issuer=self.issuer, claims={**payload, **userinfo})

    def get_user(self, user_id):
        # ModelBackend's, which refuses an inactive user: a deactivated user's session signs nobody in.
        return ModelBackend.get_user(self, user_id)


class PasswordSignInGate:
    """With PASSWORD_SIGN_IN off, refuses every password sign-in (PermissionDenied stops Django from
    asking the backends after it): the sign-in page, the API token endpoint, the admin's form. Staff
    may still sign in at /admin/login/ while ADMIN_PASSWORD_SIGN_IN is on. It has no get_user, so it
    never holds a session (and the test client's force_login skips it)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if password is None or settings.PASSWORD_SIGN_IN:
            return None
        if settings.ADMIN_PASSWORD_SIGN_IN and request is not None and request.path == reverse("admin:login"):
            User = get_user_model()
            if User.objects.filter(**{User.USERNAME_FIELD: username}, is_staff=True).exists():
                return None
        raise PermissionDenied("Password sign-in is switched off.")


@register()
def sso_settings_check(app_configs, **kwargs):
    """OIDC_ROLE_MAP must name role groups; a typo would silently give nobody that role."""
    unknown = sorted(set(settings.OIDC_ROLE_MAP.values()) - set(ROLE_GROUPS))
    if not unknown:
        return []
    return [
        Error(
            f"OIDC_ROLE_MAP maps to {', '.join(unknown)}, which are not roles.",
            hint=f"The roles are {', '.join(ROLE_GROUPS)}.",
            id="content.E001",
        )
    ]
