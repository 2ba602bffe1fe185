"""Every page passes an automated axe check (no serious or critical violations), for each role."""

import pytest

from content.models import Asset, ContentRequest, Deal

from .conftest import axe_violations
from .role_pages import MANAGER_PAGES, MARKETER_PAGES, REP_PAGES

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_page_passes_axe(demo, live_server, browser, sign_in):
    asset = Asset.objects.released().filter(kind="battle_card").first()
    objection = Asset.objects.released().filter(kind="objection").first()
    deal = Deal.objects.filter(owner=demo["rep"]).first()
    own_request = ContentRequest.objects.filter(requester=demo["rep"]).first()
    pages = {
        "rep": REP_PAGES
        + [
            f"/assets/{asset.pk}/",
            f"/assets/{objection.pk}/",
            f"/deals/{deal.crm_id}/",
            f"/prep/{deal.crm_id}/",
            f"/requests/{own_request.pk}/",
        ],
        "marketer": MARKETER_PAGES + [f"/assets/{asset.pk}/edit/"],
        "manager": MANAGER_PAGES,
    }
    failures = {}
    for username, paths in pages.items():
        page = browser.new_page()
        sign_in(page, username)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, (username, path, response.status)
            violations = axe_violations(page)
            if violations:
                failures[f"{username} {path}"] = violations
        page.close()
    login = browser.new_page()
    login.goto(live_server.url + "/login/")
    if violations := axe_violations(login):
        failures["anonymous /login/"] = violations
    assert not failures, failures
