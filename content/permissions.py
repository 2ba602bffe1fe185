"""Who may do what, written once: the pages (decorator) and the API (DRF permission) both ask `can`.

Reps (group Sales) read published assets, log usage, submit and +1 requests. Marketers (group
Marketing) also edit assets, triage requests and plan the calendar. Managers (group Managers) also
see every report, import deals, manage people (the people page, deactivation) and read the audit
log, and route notifications to Slack channels. A signed-in user in no group sees nothing.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from rest_framework.permissions import BasePermission

SALES = "Sales"
MARKETING = "Marketing"
MANAGERS = "Managers"
ROLE_GROUPS = (SALES, MARKETING, MANAGERS)

ANY_ROLE = frozenset(ROLE_GROUPS)

# action -> the groups allowed to do it (superusers may do everything)
RULES: dict[str, frozenset[str]] = {
    "view_library": ANY_ROLE,
    "view_taxonomy": ANY_ROLE,
    "log_usage": ANY_ROLE,
    "share_assets": ANY_ROLE,
    "view_deals": ANY_ROLE,
    "view_all_deals": frozenset({MARKETING, MANAGERS}),
    "submit_request": ANY_ROLE,
    "support_request": ANY_ROLE,
    "comment_request": ANY_ROLE,
    "view_calendar": ANY_ROLE,
    "view_unpublished_assets": frozenset({MARKETING, MANAGERS}),
    "edit_assets": frozenset({MARKETING}),
    "edit_taxonomy": frozenset({MARKETING}),
    "triage_requests": frozenset({MARKETING}),
    "view_all_requests": frozenset({MARKETING, MANAGERS}),
    "plan_calendar": frozenset({MARKETING}),
    "view_search_analytics": frozenset({MARKETING, MANAGERS}),
    "view_reports": frozenset({MARKETING, MANAGERS}),
    "import_deals": frozenset({MANAGERS}),
    "edit_deals": frozenset({MANAGERS}),
    "log_usage_for_others": frozenset({MANAGERS}),
    "view_all_jobs": frozenset({MANAGERS}),
    "manage_users": frozenset({MANAGERS}),
    "view_audit": frozenset({MANAGERS}),
    "use_slack": ANY_ROLE,  # link one's Slack account, pick one's notifications, the /library command
    "configure_slack_channels": frozenset({MANAGERS}),  # which events are posted to which channels
}


def roles_of(user) -> frozenset[str]:
    """The user's role groups, read once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_enablement_roles", None)
    if cached is None:
        cached = user._enablement_roles = _role_groups(user.pk)
    return cached


def _role_groups(user_id) -> frozenset[str]:
    # on every signed-in request whose user was read without its roles (a session's): plain SQL, a
    # fifth of the CPU of building the same query in the ORM
    from django.contrib.auth import get_user_model

    roles, params = role_columns("u.id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {roles} FROM {get_user_model()._meta.db_table} u WHERE u.id = %s",  # noqa: S608
            [*params, user_id],
        )
        row = cursor.fetchone()
    return _roles(row or ())


def role_columns(user_id_column: str) -> tuple[str, list[str]]:
    """Select-list SQL (and its parameters) giving, for the user whose id is at `user_id_column`,
    one column per role group, `role_0`, `role_1`…, true when the user is in it: how a user's roles
    are read, on their own (roles_of) or by the query that reads a user anyway (an API token's,
    then remember_roles), so that they need no query of their own."""
    from django.contrib.auth.models import Group

    memberships, groups = Group.user_set.through._meta.db_table, Group._meta.db_table
    member = (
        f"EXISTS (SELECT 1 FROM {memberships} m JOIN {groups} g ON g.id = m.group_id "  # noqa: S608
        f"WHERE m.user_id = {user_id_column} AND g.name = %s)"
    )
    return ", ".join(f"{member} AS role_{i}" for i in range(len(ROLE_GROUPS))), list(ROLE_GROUPS)


def _roles(flags) -> frozenset[str]:
    return frozenset(name for name, member in zip(ROLE_GROUPS, flags, strict=False) if member)


def remember_roles(user, flags) -> None:
    """Keep on `user` its role groups for this request (roles_of): `flags`, the role_columns values
    of a row read with role_columns."""
    user._enablement_roles = _roles(flags)


def can(user, action: str) -> bool:
    if action not in RULES:
        raise KeyError(f"Unknown action {action!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(roles_of(user) & RULES[action])


def is_rep(user) -> bool:
    return SALES in roles_of(user)


def is_marketer(user) -> bool:
    return user.is_superuser or MARKETING in roles_of(user)


def is_manager(user) -> bool:
    return user.is_superuser or MANAGERS in roles_of(user)


def can_open_asset(user, asset) -> bool:
    """Reps open released assets only; marketers and managers also drafts, reviews and archives."""
    return bool(openable_assets(user, [asset]))


def openable_assets(user, assets: list) -> list:
    """Those of `assets` that `user` may open (can_open_asset), the role read and the time taken
    once for the whole list (a page of search results)."""
    if not can(user, "view_library"):
        return []
    if can(user, "view_unpublished_assets"):
        return list(assets)
    now = timezone.now()
    return [asset for asset in assets if asset.is_released(now)]


def asset_audience(user) -> str:
    """Which assets the user may see in lists and search: "all", "released" (what a rep may open)
    or "" (none). Users of one audience see the same assets."""
    if not can(user, "view_library"):
        return ""
    return "all" if can(user, "view_unpublished_assets") else "released"


def visible_assets(user, queryset=None):
    """The assets the user may see in lists and search."""
    from .models import Asset

    queryset = Asset.objects.all() if queryset is None else queryset
    audience = asset_audience(user)
    if not audience:
        return queryset.none()
    return queryset if audience == "all" else queryset.released()


def sees_all_deals(user) -> bool:
    return can(user, "view_all_deals")


def deal_visibility(user, path: str = "") -> Q:
    """The one deal-visibility rule, as a condition on the deal at `path` ("" for a Deal queryset,
    "deal__" from a row that links one): reps see the deals they own; marketers and managers
    every deal; anyone else none. Figures built on deals (a request's business impact) filter
    with it, so that no amount leaks from a deal the viewer cannot open."""
    if not can(user, "view_deals"):
        return Q(pk__in=[])
    if sees_all_deals(user):
        return Q()
    return Q(**{f"{path}owner": user})


def visible_deals(user, queryset=None):
    """The deals the user may see in lists, pick in forms and open (see `deal_visibility`)."""
    from .models import Deal

    queryset = Deal.objects.all() if queryset is None else queryset
    return queryset.filter(deal_visibility(user))


def can_view_deal(user, deal) -> bool:
    """`deal_visibility` for one deal already read."""
    if not can(user, "view_deals"):
        return False
    return sees_all_deals(user) or (deal.owner_id is not None and deal.owner_id == user.pk)


def visible_usages(user, queryset=None):
    """Logged uses: reps list their own; marketers and managers every use."""
    from .models import Usage

    queryset = Usage.objects.all() if queryset is None else queryset
    if not can(user, "log_usage"):
        return queryset.none()
    return queryset if sees_all_deals(user) else queryset.filter(user=user)


def visible_requests(user, queryset=None):
    """Reps see their own requests and the requests they supported; marketing and managers see all.

    Open requests of other reps are still offered as suggestions ("+1 instead of filing a
    duplicate"), which is why the suggestions use the open queryset, not this one.
    """
    from .models import ContentRequest

    queryset = ContentRequest.objects.all() if queryset is None else queryset
    if can(user, "view_all_requests"):
        return queryset
    if not can(user, "submit_request"):
        return queryset.none()
    return queryset.filter(Q(requester=user) | Q(supports__user=user)).distinct()


def can_view_job(user, job) -> bool:
    """A background job's progress is its creator's; managers (and staff) follow every job."""
    return job.created_by_id == user.pk or user.is_staff or can(user, "view_all_jobs")


class NotAllowed(PermissionDenied):
    """A 403 that knows the action refused, so that the error page can say which roles may."""

    def __init__(self, action: str):
        self.action = action
        super().__init__(f"Not allowed to {action}.")


def require(action: str):
    """View decorator: 403 unless the signed-in user may do `action`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can(request.user, action):
                raise NotAllowed(action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class Can(BasePermission):
    """DRF permission: `Can.to("edit_assets")`, or per-method with `Can.to(read=..., write=...)`."""

    read_action = "view_library"
    write_action = "edit_assets"

    @classmethod
    def to(cls, action: str | None = None, *, read: str | None = None, write: str | None = None):
        return type(
            "Can_" + (action or f"{read}_{write}"),
            (cls,),
            {"read_action": read or action, "write_action": write or action},
        )

    def has_permission(self, request, view):
        action = self.read_action if request.method in ("GET", "HEAD", "OPTIONS") else self.write_action
        return can(request.user, action)
