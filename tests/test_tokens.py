"""API tokens can be revoked (API and page), die with a password change or a deactivation, and expire."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient

from content.permissions import ROLE_GROUPS
from content.tokens import token_issue

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def sign_in(rep) -> str:
    response = APIClient().post(reverse("api-token"), {"username": rep.username, "password": "pass-1234-word"})
    assert response.status_code == 200
    return response.json()["token"]


def api_with(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def test_delete_revokes_the_callers_token(rep):
    token = sign_in(rep)
    api = api_with(token)
    assert api.get("/api/v1/assets/").status_code == 200
    assert api.delete(reverse("api-token")).status_code == 204
    assert api.get("/api/v1/assets/").status_code == 401
    assert sign_in(rep) != token  # signing in again issues a new token


def test_a_password_change_revokes_the_token(rep):
    token = sign_in(rep)
    rep.set_password("a-new-password-2026")
    rep.save()
    assert api_with(token).get("/api/v1/assets/").status_code == 401


def test_deactivation_revokes_the_token(rep):
    token = sign_in(rep)
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    assert not Token.objects.filter(key=token).exists()


def test_other_saves_of_the_user_keep_the_token(rep):
    token = sign_in(rep)
    rep.first_name = "Rae"
    rep.save()
    rep.save(update_fields=["last_login"])
    assert api_with(token).get("/api/v1/assets/").status_code == 200


def test_an_expired_token_is_refused_and_replaced_at_the_next_sign_in(rep, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    token = sign_in(rep)
    Token.objects.filter(key=token).update(created=timezone.now() - datetime.timedelta(days=31))
    response = api_with(token).get("/api/v1/assets/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    fresh = APIClient().post(reverse("api-token"), {"username": "rep", "password": "pass-1234-word"}).json()
    assert fresh["token"] != token
    assert fresh["expires"].startswith(str((timezone.now() + datetime.timedelta(days=30)).date()))


def test_the_token_page_shows_and_revokes_the_token(rep, rep_client):
    token = sign_in(rep)
    page = rep_client.get(reverse("account-token"))
    assert page.status_code == 200
    assert token[-4:] in page.content.decode() and token not in page.content.decode()  # never the whole key
    response = rep_client.post(reverse("account-token"))
    assert response.status_code == 302
    assert not Token.objects.filter(user=rep).exists()
    assert "no API token" in rep_client.get(reverse("account-token")).content.decode()


def test_a_token_reads_its_user_and_its_age_in_one_query(rep, django_assert_num_queries):
    from content.tokens import ExpiringTokenAuthentication

    token = token_issue(user=rep)
    with django_assert_num_queries(1):
        user, found = ExpiringTokenAuthentication().authenticate_credentials(token.key)
    assert (user.pk, user.username, found.key, found.user is user) == (rep.pk, "rep", token.key, True)
    assert found.created == Token.objects.get(key=token.key).created  # an aware datetime, the stored one
    with pytest.raises(AuthenticationFailed, match="Invalid token."):
        ExpiringTokenAuthentication().authenticate_credentials("0" * 40)
    type(rep).objects.filter(pk=rep.pk).update(is_active=False)  # no signal: the token is still there
    with pytest.raises(AuthenticationFailed, match="User inactive or deleted."):
        ExpiringTokenAuthentication().authenticate_credentials(token.key)


def test_a_tokens_user_is_the_user_the_orm_reads_with_the_roles_it_holds():
    """The token's user is built from its row in plain SQL: every field as the ORM converts it
    (aware datetimes, real booleans, on SQLite too), a saved user of this database, and its roles
    known without another query."""
    from content.permissions import roles_of
    from content.tokens import ExpiringTokenAuthentication

    user = UserFactory(username="both", groups=["Sales", "Managers"], is_staff=True, last_login=timezone.now())
    token = token_issue(user=user)
    found, _ = ExpiringTokenAuthentication().authenticate_credentials(token.key)
    stored = type(user).objects.get(pk=user.pk)
    for field in type(user)._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(stored, field.attname), field.name
        assert type(getattr(found, field.attname)) is type(getattr(stored, field.attname)), field.name
    assert found.is_staff is True and found.is_superuser is False and timezone.is_aware(found.last_login)
    assert (found._state.adding, found._state.db) == (False, stored._state.db)
    with CaptureQueriesContext(connection) as queries:
        assert roles_of(found) == {"Sales", "Managers"}
    assert not queries.captured_queries
    found.first_name = "Changed"
    found.save(update_fields=["first_name"])  # a user read this way saves like any other
    assert type(user).objects.get(pk=user.pk).first_name == "Changed"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements (DB_PREPARE_THRESHOLD) are PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_a_prepared_token_lookup_survives_a_column_added_to_the_users_table():
    """A rolling deploy migrates while the old workers keep their prepared statements: the token's
    lookup names its columns, so a column added meanwhile does not change what it returns."""
    for name in ROLE_GROUPS:  # another transactional test may have flushed the seeded groups
        Group.objects.get_or_create(name=name)
    rep = UserFactory(username="rep", groups=["Sales"])
    api = api_with(token_issue(user=rep).key)
    for _ in range(settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"] + 1):
        assert api.get("/api/v1/assets/").status_code == 200  # the lookup is a prepared statement by now
    migration = connections.create_connection("default")  # another process, in autocommit
    try:
        with migration.cursor() as cursor:
            cursor.execute("ALTER TABLE auth_user ADD COLUMN added_by_a_release integer")
        response = api.get("/api/v1/assets/")
        assert response.status_code == 200, response.content  # signed in, not a 401 nor a 500
    finally:
        with migration.cursor() as cursor:
            cursor.execute("ALTER TABLE auth_user DROP COLUMN IF EXISTS added_by_a_release")
        migration.close()
