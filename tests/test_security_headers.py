"""Security headers on pages: a strict CSP (no inline script), no framing, nosniff, a referrer policy."""

import pytest

from .security_helpers import client_for

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    return directives


PAGES = [
    ("anonymous", "/login/", 200),
    ("anonymous", "/", 302),
    ("rep", "/", 200),
    ("rep", "/calendar/", 200),
    ("rep", "/deals/", 200),
    ("rep", "/requests/new/", 200),
    ("marketer", "/assets/new/?kind=one_pager", 200),
    ("manager", "/reports/", 200),
    ("rep", "/reports/", 403),
    ("rep", "/assets/999999/", 404),
]


@pytest.mark.parametrize("persona,url,status", PAGES)
def test_pages_send_a_csp_that_forbids_inline_script(security_world, persona, url, status):
    response = client_for(persona, security_world).get(url)
    assert response.status_code == status
    directives = csp_directives(response)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts is not None
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts and "*" not in scripts
    assert directives.get("object-src") == ["'none'"]
    assert directives.get("frame-ancestors") == ["'none'"]


@pytest.mark.parametrize("persona,url,status", PAGES)
def test_pages_refuse_framing_and_sniffing_and_limit_the_referrer(security_world, persona, url, status):
    response = client_for(persona, security_world).get(url)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in (
        "same-origin",
        "strict-origin",
        "no-referrer",
        "strict-origin-when-cross-origin",
    )


def test_the_login_page_has_every_security_header(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in csp_directives(response)["script-src"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script(security_world):
    """The CSP would block inline script anyway; the templates must not depend on it."""
    import re

    for persona, url, _status in PAGES:
        html = client_for(persona, security_world).get(url).content.decode()
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
            assert "src=" in attrs and not body.strip(), (url, attrs, body[:80])
        assert not re.search(r"\son[a-z]+\s*=", html), url


def test_the_session_cookie_is_http_only(security_world):
    from django.conf import settings

    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_the_calendar_feed_and_the_api_are_not_frameable_and_not_sniffable(security_world, client):
    for response in (
        client.get(f"/calendar/feed/{security_world.rep_feed.secret}.ics"),
        client_for("rep", security_world).get("/api/v1/assets/"),
    ):
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
