"""Error pages say what happened and where to go, in the app's own look, also under `make run`
(DEBUG on, DEBUG_PAGES off); the API keeps answering its errors in JSON."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from content.views import errors

from .factories import DealFactory

pytestmark = pytest.mark.django_db

URL_PATTERN_LIST = "Django tried these URL patterns"


@pytest.fixture
def make_run(settings):
    """What `make run` serves: DEBUG on, Django's debug pages off."""
    settings.DEBUG = True
    settings.DEBUG_PAGES = False
    return settings


def test_another_reps_deal_is_the_styled_404_under_make_run(make_run, rep_client, other_rep):
    theirs = DealFactory(owner=other_rep, name="Their deal")

    response = rep_client.get(theirs.get_absolute_url())

    assert response.status_code == 404
    body = response.content.decode()
    assert URL_PATTERN_LIST not in body and "Their deal" not in body
    assert "Page not found" in body
    assert 'href="/"' in body  # the way back to the library
    assert 'aria-label="Main"' in body  # the app's own header, with the rep's navigation


def test_an_unknown_address_is_the_styled_404_under_make_run(make_run, rep_client):
    response = rep_client.get("/no-such-page/")

    assert response.status_code == 404
    assert URL_PATTERN_LIST not in response.content.decode()
    assert "Page not found" in response.content.decode()


def test_make_dev_keeps_djangos_debug_404(make_run, rep_client, other_rep):
    make_run.DEBUG_PAGES = True
    theirs = DealFactory(owner=other_rep)

    assert URL_PATTERN_LIST in rep_client.get(theirs.get_absolute_url()).content.decode()
    assert URL_PATTERN_LIST in rep_client.get("/no-such-page/").content.decode()


def test_a_missing_page_without_a_slash_is_still_redirected_to_the_one_with_it(make_run, rep_client):
    assert rep_client.get("/requests")["Location"] == "/requests/"


def test_an_anonymous_visitor_is_offered_to_sign_in(make_run, client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert 'href="/login/?next=/no-such-page/"' in response.content.decode()


def test_the_404_offers_the_page_the_visitor_came_from(make_run, rep_client):
    response = rep_client.get("/no-such-page/", HTTP_REFERER="http://testserver/deals/")
    assert 'href="http://testserver/deals/"' in response.content.decode()

    response = rep_client.get("/no-such-page/", HTTP_REFERER="https://elsewhere.example/")
    assert "elsewhere.example" not in response.content.decode()


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("path", ["/reports/", "/requests/triage/", "/assets/new/", "/deals/import/"])
def test_a_rep_on_a_page_of_another_role_gets_the_styled_403(settings, rep_client, path, debug):
    settings.DEBUG = debug

    response = rep_client.get(path)

    assert response.status_code == 403
    body = response.content.decode()
    assert "This page is not part of your role" in body
    assert "you are signed in as Riley Rep, in Sales" in body
    assert 'aria-label="Main"' in body


def test_the_403_names_the_roles_a_page_is_for(rep_client):
    assert "It is for Managers and Marketing" in rep_client.get("/reports/").content.decode()
    assert "It is for Marketing;" in rep_client.get("/requests/triage/").content.decode()


def test_a_user_in_no_team_is_told_to_ask_for_one_on_deal_prep(client, outsider):
    client.force_login(outsider)

    response = client.get("/prep/")

    assert response.status_code == 403
    assert "Your account is in no team yet" in response.content.decode()


def test_the_buyer_of_a_share_link_sees_the_buyer_not_found_page(make_run, client):
    response = client.get("/s/" + "A" * 43 + "/files/999999/")

    assert response.status_code == 404
    assert "Link not found" in response.content.decode()
    assert "Enablement library" not in response.content.decode()  # no way into the app for a buyer


def test_the_500_page_renders_without_the_database_or_a_request_context():
    request = RequestFactory().get("/deals/")

    with CaptureQueriesContext(connection) as queries:
        response = errors.server_error(request)

    assert response.status_code == 500
    assert len(queries) == 0
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert 'href="/"' in body and "/static/css/app.css" in body


def test_a_failing_page_answers_the_styled_500_when_debug_is_off(settings, rep_client, monkeypatch):
    settings.DEBUG = False
    rep_client.raise_request_exception = False
    monkeypatch.setattr("content.views.definitions.render", _broken)

    response = rep_client.get("/definitions/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def _broken(*args, **kwargs):
    raise RuntimeError("the page broke")


def test_the_400_page_is_styled(rep):
    request = RequestFactory().get("/deals/")
    request.user = rep

    response = errors.bad_request(request, Exception("bad"))

    assert response.status_code == 400
    assert "That request could not be understood" in response.content.decode()


def test_the_400_page_renders_for_a_request_refused_before_sign_in():
    request = RequestFactory().get("/", HTTP_HOST="evil.example")  # no user: refused at the Host check

    response = errors.bad_request(request, Exception("bad host"))

    assert response.status_code == 400
    assert "That request could not be understood" in response.content.decode()


@pytest.mark.parametrize("debug", [True, False])
def test_the_api_keeps_answering_json(settings, rep_client, rep_api, debug):
    settings.DEBUG = debug

    missing = rep_client.get("/api/v1/no-such-endpoint/")
    forbidden = rep_api.get("/api/v1/reports/usage/")
    missing_deal = rep_api.get("/api/v1/deals/NO-SUCH-DEAL/")

    assert missing.status_code == 404 and missing.json() == {"detail": "Not found."}
    assert forbidden.status_code == 403 and forbidden["Content-Type"] == "application/json"
    assert missing_deal.status_code == 404 and missing_deal["Content-Type"] == "application/json"


def test_the_api_handlers_answer_json():
    request = RequestFactory().get("/api/v1/assets/")

    assert errors.server_error(request).status_code == 500
    assert errors.server_error(request)["Content-Type"] == "application/json"
    assert errors.permission_denied(request, Exception()).content == (
        b'{"detail": "You do not have permission to do this."}'
    )
    assert errors.bad_request(request, Exception())["Content-Type"] == "application/json"
