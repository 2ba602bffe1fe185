"""The page permission matrix: every routed page × anonymous, rep, marketer, manager and a signed-in
user with no group, against what content.permissions.RULES and the views promise.

Anonymous visitors are sent to /login/ (LoginRequiredMiddleware) except on the open prefixes
(/healthz, /calendar/feed/). A signed-in user in no group gets 403 everywhere a rule applies."""

import pytest

from content.reports import REPORTS

from .security_helpers import client_for, is_login_redirect, matrix_cases

pytestmark = pytest.mark.django_db

LOGIN = "login"  # a 302 to /login/


def everyone(code, *, anonymous=LOGIN, outsider=403):
    return {"anonymous": anonymous, "rep": code, "marketer": code, "manager": code, "outsider": outsider}


def only(code, *allowed, others=403):
    return {
        "anonymous": LOGIN,
        **{p: (code if p in allowed else others) for p in ("rep", "marketer", "manager", "outsider")},
    }


def merge(base, **overrides):
    return {**base, **overrides}


# (id, method, url(security_world), data(security_world) or None, expected by persona)
PAGES = [
    (
        "login page",
        "get",
        lambda w: "/login/",
        None,
        {"anonymous": 200, "rep": 302, "marketer": 302, "manager": 302, "outsider": 302},
    ),
    ("logout by GET", "get", lambda w: "/logout/", None, everyone(405, outsider=405)),
    # single sign-on is off unless OIDC_ISSUER is set (tests/test_sso.py signs in through it)
    ("SSO start, SSO off", "get", lambda w: "/sso/start/", None, everyone(404, anonymous=404, outsider=404)),
    ("SSO callback, SSO off", "get", lambda w: "/sso/callback/", None, everyone(404, anonymous=404, outsider=404)),
    ("logout", "post", lambda w: "/logout/", {}, everyone(302, outsider=302)),
    ("health check", "get", lambda w: "/healthz", None, everyone(200, anonymous=200, outsider=200)),
    ("definitions", "get", lambda w: "/definitions/", None, everyone(200)),
    ("API token page", "get", lambda w: "/account/token/", None, everyone(200, outsider=200)),
    ("API token revoke", "post", lambda w: "/account/token/", {}, everyone(302, outsider=302)),
    ("library", "get", lambda w: "/", None, everyone(200)),
    ("library by POST", "post", lambda w: "/", {}, everyone(405)),
    ("search click", "get", lambda w: f"/search/click/{w.search_log.pk}/{w.published.pk}/", None, everyone(302)),
    ("search analytics", "get", lambda w: "/library/searches/", None, only(200, "marketer", "manager")),
    ("asset create: choose kind", "get", lambda w: "/assets/new/", None, only(200, "marketer")),
    ("asset create form", "get", lambda w: "/assets/new/?kind=one_pager", None, only(200, "marketer")),
    ("asset create, invalid post", "post", lambda w: "/assets/new/?kind=one_pager", {}, only(400, "marketer")),
    ("assets due", "get", lambda w: "/assets/due/", None, only(200, "marketer")),
    ("markdown preview", "post", lambda w: "/assets/preview/", {"body": "# Hi"}, only(200, "marketer")),
    ("markdown preview by GET", "get", lambda w: "/assets/preview/", None, everyone(405, outsider=405)),
    ("proof point search", "get", lambda w: "/assets/proof-points/?proof_q=deck", None, only(200, "marketer")),
    ("published asset page", "get", lambda w: f"/assets/{w.published.pk}/", None, everyone(200)),
    ("draft asset page", "get", lambda w: f"/assets/{w.draft.pk}/", None, only(200, "marketer", "manager")),
    ("missing asset page", "get", lambda w: "/assets/999999/", None, everyone(404)),
    ("asset file download", "get", lambda w: f"/assets/{w.published.pk}/file/", None, everyone(200)),
    ("draft asset file download", "get", lambda w: f"/assets/{w.draft.pk}/file/", None, merge(everyone(404), rep=403)),
    ("asset edit form", "get", lambda w: f"/assets/{w.published.pk}/edit/", None, only(200, "marketer")),
    ("asset edit, invalid post", "post", lambda w: f"/assets/{w.published.pk}/edit/", {}, only(400, "marketer")),
    (
        "asset status change",
        "post",
        lambda w: f"/assets/{w.published.pk}/status/",
        {"to": "archived"},
        only(302, "marketer"),
    ),
    (
        "asset status change by GET",
        "get",
        lambda w: f"/assets/{w.published.pk}/status/",
        None,
        everyone(405, outsider=405),
    ),
    ("asset verify (not the owner)", "post", lambda w: f"/assets/{w.published.pk}/verify/", {}, only(302, "marketer")),
    (
        "asset page image, a version the file does not have",
        "get",
        lambda w: f"/assets/{w.published.pk}/pages/0123456789abcdef/1-800.png",
        None,
        everyone(404),
    ),
    (
        "draft asset page image",
        "get",
        lambda w: f"/assets/{w.draft.pk}/pages/0123456789abcdef/1-800.png",
        None,
        everyone(404),
    ),
    ("asset 'I used this' box", "get", lambda w: f"/assets/{w.published.pk}/use/", None, everyone(200)),
    (
        "draft asset 'I used this' box",
        "get",
        lambda w: f"/assets/{w.draft.pk}/use/",
        None,
        merge(everyone(200), rep=404),
    ),
    ("calendar", "get", lambda w: "/calendar/", None, everyone(200)),
    ("calendar by POST", "post", lambda w: "/calendar/", {}, everyone(405)),
    ("calendar plan, invalid post", "post", lambda w: "/calendar/plan/", {}, only(400, "marketer")),
    ("calendar plan by GET", "get", lambda w: "/calendar/plan/", None, only(405, "marketer")),
    (
        "calendar reschedule form",
        "get",
        lambda w: f"/calendar/assets/{w.draft.pk}/reschedule/",
        None,
        only(200, "marketer"),
    ),
    ("calendar feed reset", "post", lambda w: "/calendar/subscription/reset/", {}, everyone(302)),
    ("calendar feed reset by GET", "get", lambda w: "/calendar/subscription/reset/", None, everyone(405)),
    (
        "calendar feed, right secret",
        "get",
        lambda w: f"/calendar/feed/{w.rep_feed.secret}.ics",
        None,
        everyone(200, anonymous=200, outsider=200),
    ),
    (
        "calendar feed, wrong secret",
        "get",
        lambda w: "/calendar/feed/not-a-real-secret.ics",
        None,
        everyone(404, anonymous=404, outsider=404),
    ),
    (
        "calendar feed by POST",
        "post",
        lambda w: f"/calendar/feed/{w.rep_feed.secret}.ics",
        {},
        everyone(404, anonymous=404, outsider=404),
    ),
    ("deal prep", "get", lambda w: "/prep/", None, everyone(200)),
    ("deal prep of the rep's own deal", "get", lambda w: f"/prep/{w.rep_deal.crm_id}/", None, everyone(200)),
    (
        "deal prep of another rep's deal",
        "get",
        lambda w: f"/prep/{w.other_deal.crm_id}/",
        None,
        merge(everyone(200), rep=404),  # like a missing deal: CRM ids cannot be enumerated
    ),
    ("deal list", "get", lambda w: "/deals/", None, everyone(200)),
    ("deal import form", "get", lambda w: "/deals/import/", None, only(200, "manager")),
    ("deal import without a file", "post", lambda w: "/deals/import/", {}, only(400, "manager")),
    ("deal autocomplete", "get", lambda w: "/deals/autocomplete/?q=deal", None, everyone(200)),
    ("the rep's own deal", "get", lambda w: f"/deals/{w.rep_deal.crm_id}/", None, everyone(200)),
    ("another rep's deal", "get", lambda w: f"/deals/{w.other_deal.crm_id}/", None, merge(everyone(200), rep=404)),
    ("deal asset options", "get", lambda w: f"/deals/{w.rep_deal.crm_id}/assets/", None, everyone(200)),
    (
        "another rep's deal asset options",
        "get",
        lambda w: f"/deals/{w.other_deal.crm_id}/assets/",
        None,
        merge(everyone(200), rep=404),
    ),
    ("deal log usage, nothing chosen", "post", lambda w: f"/deals/{w.rep_deal.crm_id}/log/", {}, everyone(400)),
    (
        "another rep's deal log usage",
        "post",
        lambda w: f"/deals/{w.other_deal.crm_id}/log/",
        {},
        merge(everyone(400), rep=404),
    ),
    ("deal new objection, empty", "post", lambda w: f"/deals/{w.rep_deal.crm_id}/objection/", {}, everyone(400)),
    (
        "the rep's background job",
        "get",
        lambda w: f"/jobs/{w.rep_job.pk}/",
        None,
        {"anonymous": LOGIN, "rep": 200, "marketer": 404, "manager": 200, "outsider": 404},
    ),
    ("reports index", "get", lambda w: "/reports/", None, only(200, "marketer", "manager")),
    ("reports at a glance", "get", lambda w: "/reports/glance/", None, only(200, "marketer", "manager")),
    *[
        (f"report {name}", "get", (lambda n: lambda w: f"/reports/{n}/")(name), None, only(200, "marketer", "manager"))
        for name in REPORTS
    ],
    ("my requests", "get", lambda w: "/requests/", None, everyone(200)),
    ("new request form", "get", lambda w: "/requests/new/", None, everyone(200)),
    ("new request, invalid post", "post", lambda w: "/requests/new/", {}, everyone(400)),
    ("request suggestions", "get", lambda w: "/requests/suggestions/?title=deck", None, everyone(200)),
    ("triage board", "get", lambda w: "/requests/triage/", None, only(200, "marketer")),
    ("triage board, closed cards", "get", lambda w: "/requests/triage/closed/", None, only(200, "marketer")),
    ("request lookup", "get", lambda w: "/requests/lookup/?q=request", None, only(200, "marketer")),
    ("request asset lookup", "get", lambda w: "/requests/asset-lookup/?q=deck", None, only(200, "marketer")),
    ("the rep's own request", "get", lambda w: f"/requests/{w.rep_request.pk}/", None, everyone(200)),
    ("another rep's open request", "get", lambda w: f"/requests/{w.other_open.pk}/", None, everyone(200)),
    (
        "another rep's closed request",
        "get",
        lambda w: f"/requests/{w.other_closed.pk}/",
        None,
        merge(everyone(200), rep=404),
    ),
    ("+1 another rep's open request", "post", lambda w: f"/requests/{w.other_open.pk}/support/", {}, everyone(302)),
    (
        "+1 another rep's closed request",
        "post",
        lambda w: f"/requests/{w.other_closed.pk}/support/",
        {},
        merge(everyone(302), rep=404),
    ),
    (
        "comment on a request",
        "post",
        lambda w: f"/requests/{w.rep_request.pk}/comments/",
        {"body": "Hi"},
        everyone(302),
    ),
    (
        "comment on another rep's closed request",
        "post",
        lambda w: f"/requests/{w.other_closed.pk}/comments/",
        {"body": "Hi"},
        merge(everyone(302), rep=404),
    ),
    (
        "triage action: priority",
        "post",
        lambda w: f"/requests/{w.rep_request.pk}/triage/priority/",
        {"priority": "1"},
        only(302, "marketer"),
    ),
    (
        "triage action: unknown",
        "post",
        lambda w: f"/requests/{w.rep_request.pk}/triage/bogus/",
        {},
        only(404, "marketer"),
    ),
    # tracked share links: the buyer's side is open (the token is the key), the sender's side is not
    (
        "buyer page, unknown link",
        "get",
        lambda w: "/s/" + "A" * 43 + "/",
        None,
        everyone(404, anonymous=404, outsider=404),
    ),
    (
        "buyer file, unknown link",
        "get",
        lambda w: "/s/" + "A" * 43 + "/files/1/",
        None,
        everyone(404, anonymous=404, outsider=404),
    ),
    (
        "buyer page image, unknown link",
        "get",
        lambda w: "/s/" + "A" * 43 + "/pages/1/0123456789abcdef/1-800.png",
        None,
        everyone(404, anonymous=404, outsider=404),
    ),
    (
        "buyer beacon",
        "post",
        lambda w: "/s/" + "A" * 43 + "/seen/",
        {"seconds": "3"},
        everyone(204, anonymous=204, outsider=204),
    ),
    ("create a share link, invalid post", "post", lambda w: "/share-links/new/", {}, everyone(302)),
    ("create a share link by GET", "get", lambda w: "/share-links/new/", None, everyone(405)),
    ("revoke an unknown share link", "post", lambda w: "/share-links/999999/revoke/", {}, everyone(404)),
    # The CRM side panel: the site's session does not open it (its frame has a session of its own,
    # tests/test_embed_panel.py walks it as each role); without one it answers its connect screen.
    ("side panel", "get", lambda w: f"/embed/deals/{w.rep_deal.crm_id}/", None, everyone(403, anonymous=403)),
    (
        "side panel: log use",
        "post",
        lambda w: f"/embed/deals/{w.rep_deal.crm_id}/log/",
        {"asset": "1", "action": "shared"},
        everyone(403, anonymous=403),
    ),
    (
        "side panel: send a link",
        "post",
        lambda w: f"/embed/deals/{w.rep_deal.crm_id}/share/",
        {},
        everyone(403, anonymous=403),
    ),
    ("side panel: disconnect", "post", lambda w: "/embed/disconnect/", {}, everyone(200, anonymous=200, outsider=200)),
    ("side panel connect page", "get", lambda w: "/panel/connect/?code=" + "a" * 64, None, everyone(200)),
    ("side panel connect page, no code", "post", lambda w: "/panel/connect/", {}, everyone(400)),
    ("people", "get", lambda w: "/people/", None, only(200, "manager")),
    (
        "deactivate someone: confirm page",
        "get",
        lambda w: f"/people/{w.rep.pk}/deactivate/",
        None,
        only(200, "manager"),
    ),
    (
        "deactivate someone: unknown successor",
        "post",
        lambda w: f"/people/{w.rep.pk}/deactivate/",
        {"successor": "nobody"},
        only(400, "manager"),
    ),
    ("audit log", "get", lambda w: "/audit/", None, only(200, "manager")),
    ("audit log as CSV", "get", lambda w: "/audit/?format=csv", None, only(200, "manager")),
    ("audit log, a hostile filter", "get", lambda w: "/audit/?object_id=-1", None, only(400, "manager")),
    ("audit log by POST", "post", lambda w: "/audit/", {}, only(405, "manager")),
    ("Slack settings", "get", lambda w: "/settings/slack/", None, everyone(200)),
    ("Slack settings, invalid post", "post", lambda w: "/settings/slack/", {"member_id": "nope"}, everyone(400)),
    ("Slack channel route, invalid post", "post", lambda w: "/settings/slack/routes/", {}, only(400, "manager")),
    ("Slack channel route by GET", "get", lambda w: "/settings/slack/routes/", None, only(405, "manager")),
    (
        "remove an unknown Slack channel route",
        "post",
        lambda w: "/settings/slack/routes/999999/delete/",
        {},
        only(404, "manager"),
    ),
]

CASES = matrix_cases(PAGES)


@pytest.mark.parametrize("method,url,data,persona,expected", CASES)
def test_each_page_answers_each_persona_as_the_rules_say(security_world, method, url, data, persona, expected):
    client = client_for(persona, security_world)
    address = url(security_world)
    response = client.post(address, data or {}) if method == "post" else client.get(address)
    if expected == LOGIN:
        assert is_login_redirect(response), (response.status_code, response.get("Location"))
    else:
        assert response.status_code == expected


def test_every_routed_page_is_in_the_matrix():
    """A new page route without a row in the matrix fails here, so the matrix cannot go stale."""
    from content import urls

    routed = {str(p.pattern) for p in urls.urlpatterns}
    covered_prefixes = {
        "login/",
        "logout/",
        "sso/start/",
        "sso/callback/",
        "healthz",
        "definitions/",
        "account/token/",
        "",
        "search/click/<int:log_id>/<int:asset_id>/",
        "library/searches/",
        "assets/new/",
        "assets/due/",
        "assets/preview/",
        "assets/proof-points/",
        "assets/<int:pk>/",
        "assets/<int:pk>/file/",
        "assets/<int:pk>/edit/",
        "assets/<int:pk>/status/",
        "assets/<int:pk>/verify/",
        "assets/<int:pk>/use/",
        "assets/<int:pk>/pages/<slug:version>/<int:page>-<int:width>.png",
        "calendar/",
        "calendar/plan/",
        "calendar/assets/<int:pk>/reschedule/",
        "calendar/subscription/reset/",
        r"^calendar/feed/(?P<secret>[A-Za-z0-9_-]{1,64})\.ics$",
        "prep/",
        "prep/<str:crm_id>/",
        "deals/",
        "deals/import/",
        "deals/autocomplete/",
        r"^deals/(?P<crm_id>[A-Za-z0-9._\-]+)/$",
        r"^deals/(?P<crm_id>[A-Za-z0-9._\-]+)/assets/$",
        r"^deals/(?P<crm_id>[A-Za-z0-9._\-]+)/log/$",
        r"^deals/(?P<crm_id>[A-Za-z0-9._\-]+)/objection/$",
        "jobs/<int:pk>/",
        "people/",
        "people/<int:pk>/deactivate/",
        "audit/",
        "reports/",
        "reports/glance/",
        *[f"reports/{name}/" for name in REPORTS],
        "requests/",
        "requests/new/",
        "requests/suggestions/",
        "requests/triage/",
        "requests/triage/closed/",
        "requests/lookup/",
        "requests/asset-lookup/",
        "requests/<int:pk>/",
        "requests/<int:pk>/support/",
        "requests/<int:pk>/comments/",
        "requests/<int:pk>/triage/<slug:action>/",
        "s/<str:token>/",
        "s/<str:token>/files/<int:asset_id>/",
        "s/<str:token>/seen/",
        "s/<str:token>/pages/<int:asset_id>/<slug:version>/<int:page>-<int:width>.png",
        "share-links/new/",
        "share-links/<int:pk>/revoke/",
        r"^embed/deals/(?P<crm_id>[A-Za-z0-9._\-]+)/$",
        r"^embed/deals/(?P<crm_id>[A-Za-z0-9._\-]+)/log/$",
        r"^embed/deals/(?P<crm_id>[A-Za-z0-9._\-]+)/share/$",
        "embed/disconnect/",
        "panel/connect/",
        "settings/slack/",
        "settings/slack/routes/",
        "settings/slack/routes/<int:pk>/delete/",
    }
    assert routed - covered_prefixes == set()
