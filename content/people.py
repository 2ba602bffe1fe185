"""People and their lifecycle: who is here (the people page and `list_users`), when they were last
active, the sessions they signed in with, and deactivation, which ends their access everywhere and
hands their work to a successor while keeping their history. The page, the API-less commands and
the tests all call `user_deactivate`."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string
from rest_framework.authtoken.models import Token

from .assets import asset_owner_transfer
from .calendar import calendar_feed_revoke
from .models import OPEN_REQUEST_STATUSES, Asset, CalendarFeed, ContentRequest, Person, SignedInSession
from .names import person_name
from .permissions import MARKETING, ROLE_GROUPS, can, is_marketer
from .requesting import request_hand_over
from .tokens import token_revoke


class PeopleError(ValidationError):
    """A deactivation refused; its message says why, and nothing was changed."""

    @property
    def text(self) -> str:
        return " ".join(self.messages)


# -- reading --------------------------------------------------------------------------------------


def people_list():
    """Every user with what the people page shows, in a constant number of queries: the page of
    users (with their Person, whether they have an API token and a calendar feed), then their role
    groups in one more query."""
    return (
        get_user_model()
        .objects.select_related("person")
        .annotate(
            has_token=Exists(Token.objects.filter(user=OuterRef("pk"))),
            token_created=Subquery(Token.objects.filter(user=OuterRef("pk")).values("created")[:1]),
            has_calendar_feed=Exists(CalendarFeed.objects.filter(user=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch("groups", queryset=Group.objects.filter(name__in=ROLE_GROUPS).order_by("name"), to_attr="roles")
        )
        .order_by("-is_active", "first_name", "last_name", "username")
    )


def last_seen_of(user):
    """When `user` was last active, or None (never, or not since activity was recorded)."""
    try:
        return user.person.last_seen_at
    except Person.DoesNotExist:
        return None


@dataclass(frozen=True)
class Handover:
    """What deactivating a user would end and hand over (the confirm page), or did (the summary)."""

    open_requests: int
    assets: int
    token: bool
    calendar_feed: bool
    sessions: int

    @property
    def needs_successor(self) -> bool:
        return bool(self.open_requests or self.assets)

    def summary(self) -> str:
        def plural(n, word):
            return f"{n} {word}{'' if n == 1 else 's'}"

        return (
            f"{plural(self.open_requests, 'open request')} and {plural(self.assets, 'asset')} handed over; "
            f"{plural(self.sessions, 'session')} ended; API token {'revoked' if self.token else 'none'}; "
            f"calendar feed {'revoked' if self.calendar_feed else 'none'}."
        )


def _open_assigned(user):
    return ContentRequest.objects.filter(assignee=user, status__in=OPEN_REQUEST_STATUSES)


def handover_for(user) -> Handover:
    return Handover(
        open_requests=_open_assigned(user).count(),
        assets=Asset.objects.filter(owner=user).count(),
        token=Token.objects.filter(user=user).exists(),
        calendar_feed=CalendarFeed.objects.filter(user=user).exists(),
        sessions=SignedInSession.objects.filter(user=user).count(),
    )


def successor_choices(user):
    """Who can take over from `user`: the other active marketers (requests and assets need one)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=MARKETING)
        .exclude(pk=user.pk)
        .order_by("first_name", "last_name", "username")
    )


# -- last activity --------------------------------------------------------------------------------


def person_seen(*, user, at=None) -> None:
    """Record that `user` was active now: one UPDATE (an INSERT the first time)."""
    at = at or timezone.now()
    if not Person.objects.filter(user=user).update(last_seen_at=at):
        Person.objects.update_or_create(user=user, defaults={"last_seen_at": at})


def note_activity(user) -> None:
    """`person_seen` at most once per LAST_SEEN_INTERVAL_SECONDS for each user (a cache key per user
    and interval; per worker without Redis), so that a busy user costs one UPDATE per interval."""
    interval = settings.LAST_SEEN_INTERVAL_SECONDS
    if interval <= 0:
        return
    if cache.add(f"people:seen:{user.pk}", 1, timeout=interval):
        person_seen(user=user)


# -- sessions -------------------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="people_session_signed_in")
def _session_signed_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if not key:
        return
    # Rows older than any session can live are of sessions that expired without a sign-out.
    stale = timezone.now() - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    SignedInSession.objects.filter(user=user, signed_in_at__lt=stale).delete()
    SignedInSession.objects.update_or_create(session_key=key, defaults={"user": user})


@receiver(user_logged_out, dispatch_uid="people_session_signed_out")
def _session_signed_out(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        SignedInSession.objects.filter(session_key=key).delete()


def sessions_end(*, user) -> int:
    """End every session `user` signed in with, in whatever engine keeps sessions, once the
    transaction commits; returns how many. (Any session missed, e.g. one whose key changed since,
    still signs nobody in: an inactive user is refused at every request.)"""
    keys = list(SignedInSession.objects.filter(user=user).values_list("session_key", flat=True))
    SignedInSession.objects.filter(user=user).delete()
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")

    def end():
        for key in keys:
            store(session_key=key).delete()

    transaction.on_commit(end)
    return len(keys)


# -- deactivation ---------------------------------------------------------------------------------


def _check(*, actor, user, successor, handover: Handover) -> None:
    if user.pk == actor.pk:
        raise PeopleError("You cannot deactivate yourself; ask another manager.")
    if not user.is_active:
        raise PeopleError(f"{person_name(user)} is already deactivated.")
    if user.is_superuser and not actor.is_superuser:
        raise PeopleError(f"{person_name(user)} is a superuser; only a superuser can deactivate them.")
    if successor is None:
        if handover.needs_successor:
            raise PeopleError(
                f"{person_name(user)} has {handover.open_requests} open requests and {handover.assets} assets: "
                "choose who takes them over."
            )
        return
    if successor.pk == user.pk:
        raise PeopleError("The successor must be someone else than the person leaving.")
    if not successor.is_active:
        raise PeopleError(f"{person_name(successor)} is deactivated and cannot take anything over.")
    if handover.needs_successor and not is_marketer(successor):
        raise PeopleError(
            f"{person_name(successor)} is not in marketing, so cannot take over requests or own assets: "
            "choose a marketer."
        )


@transaction.atomic
def user_deactivate(*, actor, user, successor=None) -> Handover:
    """Deactivate `user`: they can no longer sign in (by any means), their sessions end, their API
    token and calendar feed are revoked, the open requests assigned to them go to `successor` (an
    event each, through the request service) and so do the assets they own. Their history (uses,
    requests they made, events, comments) stays as it was. Refused as a whole (PeopleError) when a
    rule is broken: nothing is half done."""
    if not can(actor, "manage_users"):
        raise PermissionDenied("Only managers deactivate people.")
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    if successor is not None:
        successor = User.objects.select_for_update().get(pk=successor.pk)
    planned = handover_for(user)
    _check(actor=actor, user=user, successor=successor, handover=planned)
    reason = f"{person_name(user)} was deactivated."
    requests = list(_open_assigned(user).order_by("pk"))
    for request in requests:
        request_hand_over(request=request, actor=actor, assignee=successor, reason=reason)
    assets = asset_owner_transfer(actor=actor, from_user=user, to_user=successor) if planned.assets else 0
    token = token_revoke(user=user, reason="deactivated")
    feed = calendar_feed_revoke(user=user)
    sessions = sessions_end(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    Person.objects.update_or_create(
        user=user, defaults={"deactivated_at": timezone.now(), "deactivated_by": actor, "successor": successor}
    )
    return Handover(open_requests=len(requests), assets=assets, token=token, calendar_feed=feed, sessions=sessions)
