"""Single sign-on end to end against a real OpenID Connect provider (tests/sso_helpers.py): users
created on first sign-in with the role their groups map to, roles set again at every sign-in,
unknown groups refused with a clear page, ID tokens that fail a check refused, a provider that is
down or slow named on the sign-in page, and password sign-in switched off."""

import socket
import threading
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from content.models import AuditEvent, Person, SignedInSession
from content.people import user_deactivate

from .factories import UserFactory
from .sso_helpers import free_port, sign_in_with_sso

pytestmark = pytest.mark.django_db

User = get_user_model()


def roles(username):
    return set(User.objects.get(username=username).groups.values_list("name", flat=True))


def is_signed_in(client) -> bool:
    return client.get("/definitions/").status_code != 302


# -- off unless configured ------------------------------------------------------------------------


def test_without_an_issuer_there_is_no_button_and_no_sso_route(client, settings):
    settings.OIDC_ISSUER = ""
    assert b"sso-sign-in" not in client.get("/login/").content
    assert client.get("/sso/start/").status_code == 404
    assert client.get("/sso/callback/?code=x&state=y").status_code == 404


def test_the_sign_in_page_offers_the_provider_by_name(client, sso):
    page = client.get("/login/").content.decode()
    assert "Sign in with Example Corp" in page
    assert 'id="id_password"' in page  # passwords too, by default


# -- first sign-in and roles ----------------------------------------------------------------------


def test_a_first_sign_in_creates_the_user_with_the_mapped_role(client, sso):
    subject = sso.user("alice", groups=["sales-team"], first_name="Alice", last_name="Archer")
    response = sign_in_with_sso(client, "alice")
    assert response.status_code == 302 and response["Location"] == "/"
    alice = User.objects.get(username="alice")
    assert (alice.first_name, alice.last_name, alice.email) == ("Alice", "Archer", "alice@example.com")
    assert not alice.has_usable_password()
    assert roles("alice") == {"Sales"}
    assert Person.objects.get(user=alice).sso_subject == subject
    assert SignedInSession.objects.filter(user=alice).count() == 1  # so that deactivating her ends it
    assert client.get("/").status_code == 200  # the library, as a rep
    assert client.get("/reports/").status_code == 403


def test_the_page_asked_for_before_signing_in_is_where_one_lands(client, sso):
    sso.user("amir", groups=["marketing"])
    assert sign_in_with_sso(client, "amir", next_url="/calendar/")["Location"] == "/calendar/"


def test_a_removed_group_loses_its_role_at_the_next_sign_in(client, sso):
    sso.user("bob", groups=["sales-team", "sales-managers"])
    sign_in_with_sso(client, "bob")
    assert roles("bob") == {"Sales", "Managers"}
    assert client.get("/reports/").status_code == 200

    sso.user("bob", groups=["sales-team"])  # the provider takes him out of the managers
    again = Client()
    assert sign_in_with_sso(again, "bob").status_code == 302
    assert roles("bob") == {"Sales"}
    assert again.get("/reports/").status_code == 403
    assert client.get("/reports/").status_code == 403  # his older session too: roles are read per request


def test_a_user_with_every_mapped_group_removed_is_refused_and_loses_access(client, sso):
    sso.user("carol", groups=["sales-team"])
    sign_in_with_sso(client, "carol")
    assert client.get("/").status_code == 200

    sso.user("carol", groups=["alumni"])
    again = Client()
    refused = sign_in_with_sso(again, "carol")
    assert refused.status_code == 403
    assert "none of the groups that give access" in refused.content.decode()
    assert not is_signed_in(again)
    assert roles("carol") == set()
    assert client.get("/").status_code == 403  # the session she still had reaches nothing


def test_unknown_groups_get_a_clear_page_and_no_account(client, sso):
    sso.user("dave", groups=["interns", "everyone"])
    response = sign_in_with_sso(client, "dave")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your Example Corp account is in none of the groups that give access" in page
    assert "sales-team" in page  # which groups would
    assert not User.objects.filter(username="dave").exists()
    assert not is_signed_in(client)


def test_groups_that_are_not_roles_are_left_alone(client, sso):
    beta = Group.objects.create(name="Beta testers")
    erin = UserFactory(username="erin", groups=["Marketing"])
    erin.groups.add(beta)
    sso.user("erin", groups=["sales-team"])
    sign_in_with_sso(client, "erin")
    assert roles("erin") == {"Sales", "Beta testers"}


def test_the_account_is_matched_by_subject_when_the_username_changes(client, sso):
    subject = sso.user("frank", groups=["sales-team"])
    sign_in_with_sso(client, "frank")
    frank = User.objects.get(username="frank")
    frank.username = "frank.old"
    frank.save()
    sign_in_with_sso(Client(), "frank")
    assert User.objects.filter(username="frank").count() == 0  # no second account
    assert Person.objects.get(sso_subject=subject).user_id == frank.pk


def test_an_administrators_local_account_is_not_taken_over(client, sso):
    User.objects.create_superuser("root", "root@example.com", "pw-long-enough-123")
    sso.user("root", groups=["sales-team"])
    response = sign_in_with_sso(client, "root")
    assert response.status_code == 403
    assert "local account" in response.content.decode()
    assert not is_signed_in(client)


def test_a_deactivated_user_cannot_sign_in_with_sso(client, sso):
    sso.user("gina", groups=["sales-team"])
    sign_in_with_sso(client, "gina")
    User.objects.filter(username="gina").update(is_active=False)
    again = Client()
    response = sign_in_with_sso(again, "gina")
    assert response.status_code == 403 and "deactivated" in response.content.decode()
    assert not is_signed_in(again)
    assert not is_signed_in(client)  # and the session she had signs her out at its next request


# -- ID tokens that fail a check ------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer", ["expired", "bad_signature", "tampered_claims", "wrong_audience", "wrong_issuer", "wrong_nonce"]
)
def test_an_id_token_that_fails_a_check_is_refused(client, sso, answer):
    sso.user("hank", groups=["sales-team"])
    sso.answer(id_token=answer)
    response = sign_in_with_sso(client, "hank")
    assert response.status_code == 403
    assert "could not be verified" in response.content.decode() or "had expired" in response.content.decode()
    assert not is_signed_in(client)
    assert not User.objects.filter(username="hank").exists()


def test_a_callback_this_browser_did_not_start_is_refused(client, sso):
    client.get("/sso/start/")  # a sign-in in progress, with its own state
    response = client.get("/sso/callback/?code=stolen&state=not-ours")
    assert response.status_code == 400
    assert not is_signed_in(client)


def test_a_callback_without_any_sign_in_in_progress_goes_back_to_the_sign_in_page(client, sso):
    response = client.get("/sso/callback/?code=stolen&state=not-ours", follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert "did not complete" in response.content.decode()


# -- a provider that is down or slow --------------------------------------------------------------


def test_a_provider_that_is_down_is_named_on_the_sign_in_page_and_passwords_still_work(client, settings, sso, rep):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/openid"  # nothing listens there
    page = client.get("/login/").content.decode()
    assert "Signing in with Example Corp is not possible right now" in page
    assert "sso-sign-in" not in page
    assert client.get("/sso/start/", follow=True).redirect_chain[-1][0] == "/login/"
    response = client.post("/login/", {"username": "rep", "password": "pass-1234-word"})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.fixture
def silent_server():
    """A port that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def test_a_slow_provider_is_given_up_on_after_the_timeout_and_then_not_asked_again(
    client, settings, sso, silent_server
):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{silent_server}/openid"
    settings.OIDC_TIMEOUT = 1
    started = time.monotonic()
    assert "not possible right now" in client.get("/login/").content.decode()
    assert 0.9 < time.monotonic() - started < 3
    started = time.monotonic()
    assert "not possible right now" in client.get("/login/").content.decode()
    assert time.monotonic() - started < 0.5  # remembered as down for a while


def test_a_token_endpoint_that_does_not_answer_in_time_sends_back_to_the_sign_in_page(client, settings, sso):
    sso.user("ivan", groups=["sales-team"])
    settings.OIDC_TIMEOUT = 1
    sso.answer(token_delay=2)
    response = sign_in_with_sso(client, "ivan")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "did not answer in time" in client.get("/login/").content.decode()
    assert not is_signed_in(client)


# -- password sign-in switched off ----------------------------------------------------------------


def test_with_password_sign_in_off_the_form_is_gone_and_passwords_are_refused(client, settings, sso, rep):
    settings.PASSWORD_SIGN_IN = False
    page = client.get("/login/").content.decode()
    assert "Sign in with Example Corp" in page and 'id="id_password"' not in page
    response = client.post("/login/", {"username": "rep", "password": "pass-1234-word"})
    assert response.status_code == 403 and "Password sign-in is switched off" in response.content.decode()
    assert not is_signed_in(client)
    token = client.post("/api/v1/auth/token/", {"username": "rep", "password": "pass-1234-word"})
    assert token.status_code == 400


def test_with_password_sign_in_off_staff_may_still_use_the_admin_sign_in(client, settings, rep):
    settings.PASSWORD_SIGN_IN = False
    User.objects.create_user("ops", password="pw-long-enough-123", is_staff=True)
    refused = client.post("/admin/login/", {"username": "rep", "password": "pass-1234-word"})
    assert refused.status_code == 200 and not is_signed_in(client)
    admitted = client.post("/admin/login/", {"username": "ops", "password": "pw-long-enough-123"})
    assert admitted.status_code == 302 and is_signed_in(client)

    settings.ADMIN_PASSWORD_SIGN_IN = False
    other = Client()
    other.post("/admin/login/", {"username": "ops", "password": "pw-long-enough-123"})
    assert not is_signed_in(other)


def test_deactivating_someone_ends_the_session_they_opened_with_sso(
    client, sso, manager, django_capture_on_commit_callbacks
):
    sso.user("kim", groups=["sales-team"])
    sign_in_with_sso(client, "kim")
    with django_capture_on_commit_callbacks(execute=True):
        done = user_deactivate(actor=manager, user=User.objects.get(username="kim"))
    assert done.sessions == 1
    assert not is_signed_in(client)
    refused = sign_in_with_sso(Client(), "kim")  # the provider still lets her in; the library does not
    assert refused.status_code == 403


def test_a_user_deactivated_while_signed_in_with_sso_is_signed_out_at_the_next_request(client, sso):
    sso.user("jane", groups=["sales-team"])
    sign_in_with_sso(client, "jane")
    assert client.get("/").status_code == 200
    User.objects.filter(username="jane").update(is_active=False)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# -- configuration --------------------------------------------------------------------------------


def test_a_role_map_naming_something_that_is_not_a_role_fails_the_checks(settings):
    settings.OIDC_ROLE_MAP = {"sales-team": "Sales", "admins": "Admins"}
    with pytest.raises(SystemCheckError, match="Admins"):
        call_command("check")


def test_the_role_map_is_read_as_pairs():
    from django.core.exceptions import ImproperlyConfigured

    from enablement.settings import env_map

    environ = {"MAP": "sales-team=Sales, sales-managers = Managers", "BAD": "sales-team"}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environ.items():
            patch.setenv(name, value)
        assert env_map("MAP") == {"sales-team": "Sales", "sales-managers": "Managers"}
        with pytest.raises(ImproperlyConfigured):
            env_map("BAD")


# -- signing out ----------------------------------------------------------------------------------


def provider_session_is_open(client, browser) -> bool:
    """Whether the provider still knows `browser`: its authorize answers straight to the callback
    (signed in there) rather than with its sign-in form."""
    start = client.get("/sso/start/")
    authorize = browser.get(start["Location"], allow_redirects=False, timeout=5)
    return authorize.headers["Location"].startswith("http://testserver/sso/callback/")


def test_signing_out_after_sso_ends_the_session_at_the_provider_too(client, sso):
    sso.user("lena", groups=["sales-team"])
    browser = requests.Session()
    sign_in_with_sso(client, "lena", browser=browser)
    assert provider_session_is_open(Client(), browser)

    response = client.post("/logout/")
    assert not is_signed_in(client)  # the library's session is over before the browser leaves
    assert response.status_code == 302
    there = urlsplit(response["Location"])
    assert f"{there.scheme}://{there.netloc}{there.path}" == sso.issuer + "/end-session"
    query = parse_qs(there.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/login/"]
    hint = jwt.decode(query["id_token_hint"][0], options={"verify_signature": False})
    assert hint["sub"] == Person.objects.get(user__username="lena").sso_subject  # the token it issued her

    back = browser.get(response["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302 and back.headers["Location"] == "http://testserver/login/"
    assert not provider_session_is_open(Client(), browser)  # signing in again asks for the password
    assert AuditEvent.objects.filter(event="user.signed_out", object_id=User.objects.get(username="lena").pk).exists()


def test_a_password_user_signs_out_as_before(client, sso, rep):
    client.post("/login/", {"username": "rep", "password": "pass-1234-word"})
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not is_signed_in(client)


def test_signing_out_while_the_provider_is_down_still_ends_the_librarys_session(client, settings, sso):
    sso.user("mona", groups=["sales-team"])
    sign_in_with_sso(client, "mona")
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/openid"  # the provider is gone
    response = client.post("/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert "could not be asked to end your session" in response.content.decode()
    assert not is_signed_in(client)


# -- the issuer changes ---------------------------------------------------------------------------

FORMER_ISSUER = "https://old-login.example.com/realms/corp"


def linked_at_the_former_issuer(username, **fields):
    user = UserFactory(username=username, groups=["Sales"], **fields)
    Person.objects.update_or_create(user=user, defaults={"sso_issuer": FORMER_ISSUER, "sso_subject": "old-42"})
    return user


def test_after_the_issuer_changes_an_account_is_not_moved_unless_allowed(client, settings, sso):
    settings.OIDC_RELINK_BY = ""
    nora = linked_at_the_former_issuer("nora", email="nora@example.com")
    sso.user("nora", groups=["sales-team"])
    response = sign_in_with_sso(client, "nora")
    assert response.status_code == 403
    page = response.content.decode()
    assert "set up with a sign-in at another provider" in page and FORMER_ISSUER in page
    assert not is_signed_in(client)
    assert not User.objects.filter(username="nora").exclude(pk=nora.pk).exists()  # no second account
    person = Person.objects.get(user=nora)
    assert (person.sso_issuer, person.sso_subject) == (FORMER_ISSUER, "old-42")  # still as it was


def test_with_relinking_by_username_the_account_moves_to_the_new_issuer(client, settings, sso):
    settings.OIDC_RELINK_BY = "username"
    olga = linked_at_the_former_issuer("olga")
    subject = sso.user("olga", groups=["sales-team"])
    assert sign_in_with_sso(client, "olga").status_code == 302
    assert is_signed_in(client)
    person = Person.objects.get(user=olga)
    assert (person.sso_issuer, person.sso_subject) == (sso.issuer, subject)
    moved = AuditEvent.objects.get(event="user.sso_relinked")
    assert moved.object_id == olga.pk and moved.actor == olga
    assert moved.additional_data == {"from_issuer": FORMER_ISSUER, "to_issuer": sso.issuer, "by": "username"}
    assert sign_in_with_sso(Client(), "olga").status_code == 302  # and is found by subject from now on
    assert AuditEvent.objects.filter(event="user.sso_relinked").count() == 1


def test_with_relinking_by_email_only_a_verified_matching_address_moves_the_account(client, settings, sso):
    settings.OIDC_RELINK_BY = "email"
    pia = linked_at_the_former_issuer("pia.old", email="Pia@Example.com")
    subject = sso.user("pia", groups=["sales-team"], email="pia@example.com")
    assert sign_in_with_sso(client, "pia").status_code == 302
    person = Person.objects.get(user=pia)
    assert (person.sso_issuer, person.sso_subject) == (sso.issuer, subject)
    assert not User.objects.filter(username="pia").exists()  # the same account, its username kept

    # an address the provider has not verified proves nothing: someone new, not the former account
    rolf = linked_at_the_former_issuer("rolf.old", email="rolf@example.com")
    sso.user("rolf", groups=["sales-team"], email="rolf@example.com", email_verified=False)
    assert sign_in_with_sso(Client(), "rolf").status_code == 302
    assert Person.objects.get(user=rolf).sso_issuer == FORMER_ISSUER
    assert Person.objects.get(user__username="rolf").sso_issuer == sso.issuer


def test_with_relinking_by_email_a_username_linked_elsewhere_and_no_matching_address_is_refused(client, settings, sso):
    settings.OIDC_RELINK_BY = "email"
    linked_at_the_former_issuer("quinn", email="quinn@old.example.com")
    sso.user("quinn", groups=["sales-team"], email="quinn@example.com")
    response = sign_in_with_sso(client, "quinn")
    assert response.status_code == 403
    assert "verified email address at the new provider is not the account" in response.content.decode()


def test_an_administrator_is_never_moved_to_a_new_issuer(client, settings, sso):
    settings.OIDC_RELINK_BY = "username"
    linked_at_the_former_issuer("rita", is_staff=True)
    sso.user("rita", groups=["sales-team"])
    response = sign_in_with_sso(client, "rita")
    assert response.status_code == 403 and "local account, which cannot be" in response.content.decode()
    assert Person.objects.get(user__username="rita").sso_issuer == FORMER_ISSUER
