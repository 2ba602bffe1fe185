"""API tokens: one per user, issued through the API's sign-in, revoked on request, on a password
change and on deactivation, and refused (then deleted) once older than API_TOKEN_TTL_DAYS."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from .audit import audit_event
from .permissions import remember_roles, role_columns


def token_expires_at(token: Token) -> datetime.datetime | None:
    return token_expiry_after(token.created)


def token_expiry_after(created: datetime.datetime) -> datetime.datetime | None:
    """When a token created at `created` expires (None: tokens never expire)."""
    days = settings.API_TOKEN_TTL_DAYS
    return created + datetime.timedelta(days=days) if days else None


def token_is_expired(token: Token) -> bool:
    expires = token_expires_at(token)
    return expires is not None and expires <= timezone.now()


@transaction.atomic
def token_issue(*, user) -> Token:
    """The user's token, or a new one when they have none or theirs has expired."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and token_is_expired(token):
        _expire(token)
        token = None
    if token is None:
        token = Token.objects.create(user=user)
        audit_event(actor=user, verb="token.created", obj=user)
    return token


def token_revoke(*, user, reason: str = "revoked") -> bool:
    """Revoke the user's token; True when there was one. `reason` goes into the audit event
    (the key never does)."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit_event(actor=None, verb="token.revoked", obj=user, reason=reason)
    return bool(deleted)


def _expire(token: Token) -> None:
    token.delete()
    audit_event(actor=None, verb="token.revoked", obj=token.user, reason="expired")


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing (and deleting) a token past its expiry."""

    def authenticate_credentials(self, key):
        token = _token_with_user(key)
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if token_is_expired(token):
            _expire(token)
            raise AuthenticationFailed("The token has expired; sign in again for a new one.")
        return token.user, token


def _token_with_user(key: str) -> Token | None:
    """The token of `key` with its user, read as DRF does (one query) but in plain SQL: on every API
    call, half the CPU of building the query in the ORM."""
    users = get_user_model()
    roles, role_params = role_columns("u.id")  # and the user's roles, which every API call asks for
    # the user's columns by name, not u.*: a statement the connection prepared (DB_PREPARE_THRESHOLD)
    # keeps working while a migration adds a column to the table
    columns = ", ".join(f"u.{connection.ops.quote_name(field.column)}" for field in users._meta.concrete_fields)
    rows = users.objects.raw(
        f"SELECT {columns}, t.created AS token_created, {roles} FROM {users._meta.db_table} u "  # noqa: S608 - names only
        f"JOIN {Token._meta.db_table} t ON t.user_id = u.id WHERE t.key = %s",
        [*role_params, key],
    )
    for user in rows:
        remember_roles(user)
        created = user.token_created  # an extra column: as the database gives it
        if isinstance(created, str):
            created = parse_datetime(created)
        if timezone.is_naive(created):  # SQLite keeps UTC without its offset
            created = timezone.make_aware(created, datetime.UTC)
        token = Token(key=key, user_id=user.pk, created=created)
        token.user = user
        return token
    return None


@receiver(pre_save, sender=get_user_model(), dispatch_uid="tokens_note_credentials")
def _note_credentials(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        instance._revoke_token = False
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    instance._revoke_token = bool(before) and (
        before["password"] != instance.password or (before["is_active"] and not instance.is_active)
    )


@receiver(post_save, sender=get_user_model(), dispatch_uid="tokens_revoke_on_credentials")
def _revoke_on_credentials(sender, instance, created, **kwargs):
    if getattr(instance, "_revoke_token", False):
        token_revoke(user=instance, reason="password changed" if instance.is_active else "deactivated")
