"""The API's error answers are JSON and documented in the schema; bad bodies are 400s, not 500s."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_an_unroutable_api_path_answers_json_404(rep_client):
    response = rep_client.get("/api/v1/deals/%C2%84/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@override_settings(DEBUG=False)
def test_a_page_404_stays_html(rep_client):
    response = rep_client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_token_endpoint_refuses_a_list_body_with_400(client):
    response = client.post("/api/v1/auth/token/", data="[null, null]", content_type="application/json")
    assert response.status_code == 400


def test_every_operation_documents_its_error_answers(rep_client):
    schema = rep_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert {"400", "401", "403", "404"} <= set(operation["responses"]), (method, path)


def test_an_asset_verification_interval_of_zero_is_a_400(marketer_client):
    response = marketer_client.post(
        "/api/v1/assets/",
        {"kind": "one_pager", "title": "Zero", "verification_interval_days": 0},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "verification_interval_days" in response.json()


def test_a_tag_without_letters_or_digits_is_refused(marketer_client):
    response = marketer_client.post(
        "/api/v1/assets/", {"kind": "one_pager", "title": "Tagged", "tags": ["!!!"]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "tags" in response.json()
