"""Each role's main pages that need no particular object, for the browser tests that go through
every page of a role (axe, phone layout): one list, so that a page added here is checked by all."""

REP_PAGES = [
    "/",
    "/?q=pricing",
    "/prep/",
    "/deals/",
    "/requests/",
    "/requests/new/",
    "/calendar/",
    "/calendar/?view=list",
    "/definitions/",
    "/account/token/",
    "/settings/slack/",
]
MARKETER_PAGES = [
    "/",
    "/requests/triage/",
    "/assets/new/",
    "/assets/new/?kind=battle_card",
    "/assets/due/",
    "/assets/due/?everyone=true",
    "/library/searches/",
    "/calendar/",
]
MANAGER_PAGES = [
    "/reports/",
    *[
        f"/reports/{name}/"
        for name in ("usage", "effectiveness", "adoption", "gaps", "requests", "freshness", "objections")
    ],
    "/deals/",
    "/deals/import/",
    "/requests/",
    "/people/",
    "/settings/slack/",
]
