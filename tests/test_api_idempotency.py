"""Idempotency-Key on POST /api/v1/usage/: a retry within 24 hours returns the first answer, once."""

import pytest
from rest_framework.test import APIClient

from content.models import Usage

from .factories import AssetFactory, DealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(rep_api):
    return rep_api


@pytest.fixture
def use(rep):
    return {"asset": AssetFactory().pk, "deal": DealFactory(owner=rep).crm_id, "action": "shared"}


def test_a_retry_with_the_same_key_returns_the_first_answer_and_logs_once(api, use):
    first = api.post("/api/v1/usage/", use, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = api.post("/api/v1/usage/", use, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Usage.objects.count() == 1


def test_without_a_key_or_with_another_key_each_post_logs_a_use(api, use):
    api.post("/api/v1/usage/", use, format="json")
    api.post("/api/v1/usage/", use, format="json")
    api.post("/api/v1/usage/", use, format="json", HTTP_IDEMPOTENCY_KEY="a")
    api.post("/api/v1/usage/", use, format="json", HTTP_IDEMPOTENCY_KEY="b")
    assert Usage.objects.count() == 4


def test_the_same_key_with_a_different_body_is_refused(api, use):
    api.post("/api/v1/usage/", use, format="json", HTTP_IDEMPOTENCY_KEY="k")
    response = api.post("/api/v1/usage/", {**use, "action": "sent"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    assert Usage.objects.count() == 1


def test_keys_belong_to_their_user(api, use, other_rep):
    api.post("/api/v1/usage/", use, format="json", HTTP_IDEMPOTENCY_KEY="shared-key")
    other = APIClient()
    other.force_authenticate(other_rep)
    mine = {**use, "deal": DealFactory(owner=other_rep).crm_id}
    assert other.post("/api/v1/usage/", mine, format="json", HTTP_IDEMPOTENCY_KEY="shared-key").status_code == 201
    assert Usage.objects.count() == 2


def test_a_refused_request_is_not_remembered(api, use):
    bad = api.post("/api/v1/usage/", {**use, "action": "bogus"}, format="json", HTTP_IDEMPOTENCY_KEY="fix-me")
    assert bad.status_code == 400
    # the same key, now with the body corrected: processed, not answered 422 from the refusal
    good = api.post("/api/v1/usage/", use, format="json", HTTP_IDEMPOTENCY_KEY="fix-me")
    assert good.status_code == 201


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there"])
def test_a_malformed_key_is_a_400(api, use, key):
    response = api.post("/api/v1/usage/", use, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert not Usage.objects.exists()
