"""What is audited without its writer asking: the models django-auditlog follows (a field diff on
every create, save and delete, and the changes of their many-to-many relations), and the sign-ins,
failed sign-ins, lockouts and sign-outs Django and axes announce. `track()` runs once, from
ContentConfig.ready.

Left out on purpose: derived figures and caches (an asset's usage counts, its extracted text and
preview, search rows), secrets (a share link's token, a feed's secret, a password), and rows that
are the history of an audited change themselves (request events, notifications, share views)."""

from auditlog.registry import auditlog
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ..models import (
    Asset,
    Competitor,
    ContentRequest,
    Deal,
    FunnelStage,
    Persona,
    RequestComment,
    RequestSupport,
    ShareLink,
    SlackProfile,
    SlackRoute,
    Usage,
)
from . import diffing
from .writing import audit_event

USERNAME_LIMIT = 150
# Never in a diff: the row's own id and time stamps (the event has them).
NEVER = {"id", "created_at", "updated_at"}


def track() -> None:
    """Register the audited models with django-auditlog (idempotent: ready() may run twice in tests).
    Each lists the concrete fields its diffs show, so that reverse relations never appear in them."""
    User = get_user_model()
    tracked = [
        (
            Asset,
            # derived figures and the extracted text and preview (megabytes, and not the marketer's words)
            {
                "file_text",
                "file_text_error",
                "file_preview",
                "usage_count",
                "won_deal_count",
                "influenced_revenue",
                "influenced_revenue_by_currency",
            },
            {"stages", "personas", "competitors", "proof_points", "tags"},  # taggit sends m2m_changed too
        ),
        (Deal, set(), set()),
        (ContentRequest, set(), set()),
        (RequestComment, set(), set()),
        (RequestSupport, set(), set()),
        (ShareLink, {"token"}, set()),  # the token is the buyer's key
        (Usage, set(), set()),
        (FunnelStage, set(), set()),
        (Persona, set(), set()),
        (Competitor, set(), set()),
        # not the password's hash, nor last_login (each sign-in is its own event); the groups are the roles
        (User, {"password", "last_login", "date_joined"}, {"groups"}),
        (Group, set(), set()),  # a group renamed (a role granted from the group's side: user.roles_changed)
        (SlackProfile, set(), set()),  # whom the slash command answers as whom, and what they are sent
        (SlackRoute, set(), set()),  # what is posted to which channel
    ]
    for model, left_out, m2m_fields in tracked:
        if auditlog.contains(model):
            continue
        shown = [field.name for field in model._meta.concrete_fields if field.name not in NEVER | left_out]
        auditlog.register(model, include_fields=shown, m2m_fields=m2m_fields)
        diffing.follow(model)  # an update diffed against the values loaded, not the row read again


def _username(credentials) -> str:
    return str((credentials or {}).get("username") or "").replace("\x00", "")[:USERNAME_LIMIT]


@receiver(user_logged_in, dispatch_uid="audit_signed_in")
def _signed_in(sender, request, user, **kwargs):
    backend = getattr(user, "backend", "")
    via = (
        "single sign-on"
        if backend.endswith(".SsoBackend")
        else "side panel"
        if backend.endswith(".PanelBackend")
        else "password"
    )
    audit_event(actor=user, verb="user.signed_in", obj=user, request=request, via=via)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    username = _username(credentials)
    user = get_user_model().objects.filter(username=username).first() if username else None
    audit_event(actor=None, verb="user.sign_in_failed", obj=user, request=request, username=username)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username=None, **kwargs):
    username = str(username or "")[:USERNAME_LIMIT]
    user = get_user_model().objects.filter(username=username).first() if username else None
    audit_event(actor=None, verb="user.locked_out", obj=user, request=request, username=username)


@receiver(user_logged_out, dispatch_uid="audit_signed_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        audit_event(actor=user, verb="user.signed_out", obj=user, request=request)
