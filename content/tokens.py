"""API tokens: one per user, issued through the API's sign-in, revoked on request, on a password
change and on deactivation, and refused (then deleted) once older than API_TOKEN_TTL_DAYS."""

import datetime
import weakref

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
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


_converters = weakref.WeakKeyDictionary()  # connection -> each column's conversions


def _conversions(db) -> list[list]:
    """The conversions of what the database gives for each of the user's columns and the token's
    creation time, as the ORM applies them (on SQLite: dates and times from text, booleans from
    integers; on PostgreSQL, none of these fields'), found once per connection."""
    if db not in _converters:
        fields = [*get_user_model()._meta.concrete_fields, Token._meta.get_field("created")]
        _converters[db] = [db.ops.get_db_converters(f.get_col("t")) + f.get_db_converters(db) for f in fields]
    return _converters[db]


def _token_with_user(key: str) -> Token | None:
    """The token of `key` with its user, read as DRF does (one query) but in plain SQL, and the
    user built from its row as the ORM builds it (`from_db`, each value through its field's
    conversions): on every API call, two thirds of the CPU of the same SQL read as a raw queryset,
    itself half of building the query in the ORM."""
    users = get_user_model()
    db = connections[users.objects.db]
    fields = users._meta.concrete_fields
    roles, role_params = role_columns("u.id")  # and the user's roles, which every API call asks for
    # the user's columns by name, not u.*: a statement the connection prepared (DB_PREPARE_THRESHOLD)
    # keeps working while a migration adds a column to the table
    columns = ", ".join(f"u.{db.ops.quote_name(field.column)}" for field in fields)
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, t.created, {roles} FROM {users._meta.db_table} u "  # noqa: S608 - names only
            f"JOIN {Token._meta.db_table} t ON t.user_id = u.id WHERE t.key = %s",
            [*role_params, key],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row[: len(fields) + 1])
    for at, converters in enumerate(_conversions(db)):
        for convert in converters:
            values[at] = convert(values[at], None, db)
    user = users.from_db(db.alias, [field.attname for field in fields], values[: len(fields)])
    remember_roles(user, row[len(fields) + 1 :])
    token = Token(key=key, user_id=user.pk, created=values[-1])
    token.user = user
    return token


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
