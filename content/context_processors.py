"""What every page's templates may ask about the viewer: `may.<action>` (content.permissions) and
`review_due.count` for the navigation's badge. Both are computed only when a template reads them."""

from functools import cached_property

from .asset_selectors import due_assets
from .permissions import RULES, can


class _Abilities:
    """`{% if may.edit_assets %}` in templates, evaluated lazily against the permission rules."""

    def __init__(self, user):
        self.user = user

    def __getattr__(self, action):
        if action not in RULES:
            raise AttributeError(action)
        return can(self.user, action)

    def __getitem__(self, action):
        return can(self.user, action)


class _ReviewDue:
    """`{{ review_due.count }}`: the viewer's own assets due for review (content.asset_selectors.due_assets,
    the "Due for review" page's default list), one COUNT query, run only by a page whose header shows
    the link (editors') and once per request."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def count(self) -> int:
        if not can(self.user, "edit_assets"):
            return 0
        return due_assets(owner=self.user).count()


def roles(request):
    # A request refused before the authentication middleware ran (a bad Host header) has no user.
    user = getattr(request, "user", None)
    return {"may": _Abilities(user), "review_due": _ReviewDue(user)}
