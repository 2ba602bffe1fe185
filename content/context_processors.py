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


def roles(request):
    # A request refused before the authentication middleware ran (a bad Host header) has no user.
    return {"may": _Abilities(getattr(request, "user", None))}
