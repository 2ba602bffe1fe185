"""Signing in and out; every page but the sign-in page needs a signed-in user; failures are throttled."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_login_page_is_public_and_has_labelled_fields(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'<label for="id_username">' in response.content
    assert b'<label for="id_password">' in response.content


def test_a_rep_signs_in_and_lands_in_the_library(client, rep):
    response = client.post(reverse("login"), {"username": "rep", "password": "pass-1234-word"})
    assert response.status_code == 302 and response["Location"] == reverse("library")
    assert client.get(reverse("library")).status_code == 200


def test_signing_out_requires_post_and_ends_the_session(rep_client):
    response = rep_client.post(reverse("logout"))
    assert response.status_code == 302
    assert rep_client.get(reverse("library")).status_code == 302


def test_repeated_failures_are_blocked_even_with_the_right_password(client, rep, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        assert client.post(reverse("login"), {"username": "rep", "password": "wrong"}).status_code == 200
    third = client.post(reverse("login"), {"username": "rep", "password": "wrong"})
    assert third.status_code == 429  # the failure that reaches the limit is told so
    blocked = client.post(reverse("login"), {"username": "rep", "password": "pass-1234-word"})
    assert blocked.status_code == 429
    assert b"Too many failed sign-ins" in blocked.content
    assert "_auth_user_id" not in client.session


def test_the_token_endpoint_is_throttled_too(client, rep, settings):
    settings.LOGIN_MAX_FAILURES = 2
    url = reverse("api-token")
    assert client.post(url, {"username": "rep", "password": "nope"}).status_code == 400
    assert client.post(url, {"username": "rep", "password": "nope"}).status_code == 429
    assert client.post(url, {"username": "rep", "password": "pass-1234-word"}).status_code == 429


def test_the_token_endpoint_returns_a_token_that_authenticates(client, rep):
    response = client.post(reverse("api-token"), {"username": "rep", "password": "pass-1234-word"})
    assert response.status_code == 200
    token = response.json()["token"]
    schema = Client().get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token}")
    assert schema.status_code == 200


def test_the_login_form_is_csrf_protected(rep):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "rep", "password": "pass-1234-word"})
    assert response.status_code == 403


def test_pages_carry_security_headers(client):
    response = client.get(reverse("login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_health_check_is_open_and_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "semantic": "unavailable: semantic search is switched off (SEMANTIC_SEARCH=0)",
    }


def test_the_health_check_answers_plain_http_when_https_is_enforced(client, settings):
    # The production settings redirect every plain-HTTP request except the load balancer's probe.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/login/").status_code == 301


def test_failures_for_a_made_up_user_do_not_lock_out_another_user_at_the_same_address(client, manager, settings):
    # Behind a company proxy everyone shares one address: an attack on one name locks that name only.
    settings.LOGIN_MAX_FAILURES = 5
    for _ in range(6):
        client.post(reverse("login"), {"username": "no-such-person", "password": "guess"})
    response = client.post(reverse("login"), {"username": manager.username, "password": "pass-1234-word"})
    assert response.status_code == 302


def test_an_address_is_locked_only_after_its_own_higher_limit(client, rep, settings):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    for attempt in range(4):
        client.post(reverse("login"), {"username": f"spray-{attempt}", "password": "guess"})
    assert client.post(reverse("login"), {"username": "rep", "password": "pass-1234-word"}).status_code == 429


def test_the_client_address_comes_from_the_trusted_proxy_header_only(rf, settings):
    from content.throttling import client_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_address(request) == "10.0.0.1"  # no proxy configured: the header is the client's word
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    assert client_address(request) == "203.0.113.7"  # the entry our one proxy appended, not the spoofed one
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: the header is not ours, the peer is
    assert client_address(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    garbled = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="<script>, not-an-address")
    assert client_address(garbled) == "10.0.0.1"


def test_a_lockout_is_recorded_for_operators_and_cleared_by_a_successful_sign_in(client, rep, settings):
    from axes.models import AccessAttempt

    settings.LOGIN_MAX_FAILURES = 5
    for _ in range(2):
        client.post(reverse("login"), {"username": "rep", "password": "wrong"})
    attempt = AccessAttempt.objects.get(username="rep")
    assert attempt.failures_since_start == 2
    assert "wrong" not in attempt.post_data  # the password is masked
    assert client.post(reverse("login"), {"username": "rep", "password": "pass-1234-word"}).status_code == 302
    assert not AccessAttempt.objects.filter(username="rep").exists()


def test_a_lockout_ends_after_the_cool_off(client, rep, settings):
    from axes.models import AccessAttempt

    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        client.post(reverse("login"), {"username": "rep", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "rep", "password": "pass-1234-word"}).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1))
    assert client.post(reverse("login"), {"username": "rep", "password": "pass-1234-word"}).status_code == 302


def test_a_hostile_username_on_the_token_endpoint_is_refused_cleanly(client):
    response = client.post(reverse("api-token"), {"username": "x" * 5000, "password": "guess"})
    assert response.status_code == 400
