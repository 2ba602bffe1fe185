"""Where a page sends the user back to after a form: the `next` it was given, when that is a path
on this site, else a fallback."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str) -> str:
    """POST's `next` when it is a path on this site (a bare word would be taken for a view name by
    `redirect`, an absolute address could leave the site), else `fallback`."""
    target = request.POST.get("next", "")
    if (
        target.startswith("/")
        and "\x00" not in target
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return fallback
