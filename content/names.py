"""How the product names a person, on every page, message, option and export: the full name,
else the username."""


def person_name(user, *, nobody: str = "") -> str:
    """ "Riley Rep", or "rrep" for someone without a name; `nobody` for no user at all."""
    if user is None or not user.is_authenticated:  # nobody, or the anonymous visitor
        return nobody
    return user.get_full_name() or user.get_username() or nobody


__all__ = ["person_name"]
