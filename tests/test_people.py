"""People and their lifecycle: the managers' people page, last activity, and deactivation (page,
service and `manage.py deactivate_user` / `list_users`): access ends everywhere, work is handed
over through the services, history stays, and hostile input changes nothing."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from content.calendar import calendar_feed_for
from content.models import Asset, CalendarFeed, ContentRequest, Person, RequestEvent, SignedInSession, Usage
from content.people import PeopleError, user_deactivate

from .factories import AssetFactory, ContentRequestFactory, UsageFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "pass-1234-word"


def signed_in(user) -> Client:
    """A browser signed in with the user's password (a real session, recorded at sign-in)."""
    browser = Client()
    assert browser.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return browser


@pytest.fixture
def leaver(db):
    """A marketer with work in flight, a token, a calendar feed, a session and some history."""
    user = UserFactory(username="leaver", first_name="Lee", last_name="Leaving", groups=["Marketing"])
    return user


@pytest.fixture
def successor(db):
    return UserFactory(username="sue", first_name="Sue", last_name="Successor", groups=["Marketing"])


@pytest.fixture
def work(leaver, rep):
    open_requests = [
        ContentRequestFactory(requester=rep, assignee=leaver, status="triaged"),
        ContentRequestFactory(requester=rep, assignee=leaver, status="in_progress"),
    ]
    delivered = ContentRequestFactory(requester=rep, assignee=leaver, status="declined", decline_reason="Out of scope")
    assets = [AssetFactory(owner=leaver), AssetFactory(owner=leaver, status="draft", published_at=None)]
    usage = UsageFactory(user=leaver, asset=assets[0])
    Token.objects.create(user=leaver)
    calendar_feed_for(leaver)
    return {"open": open_requests, "closed": delivered, "assets": assets, "usage": usage}


# -- the service ----------------------------------------------------------------------------------


def test_deactivating_ends_access_and_hands_the_work_over(
    manager, leaver, successor, work, django_capture_on_commit_callbacks
):
    browser = signed_in(leaver)
    feed_url = f"/calendar/feed/{CalendarFeed.objects.get(user=leaver).secret}.ics"
    assert browser.get(feed_url).status_code == 200
    events_before = RequestEvent.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        done = user_deactivate(actor=manager, user=leaver, successor=successor)

    assert (done.open_requests, done.assets, done.token, done.calendar_feed, done.sessions) == (2, 2, True, True, 1)
    leaver.refresh_from_db()
    assert not leaver.is_active
    # access, everywhere
    assert browser.get("/").status_code == 302
    assert not Session.objects.exists() and not SignedInSession.objects.exists()
    assert not Token.objects.filter(user=leaver).exists()
    assert Client().get(feed_url).status_code == 404
    # the work, through the services: an event each
    for request in work["open"]:
        request.refresh_from_db()
        assert request.assignee == successor
        assert (
            request.events.latest("id").note
            == "Handed over from Lee Leaving to Sue Successor. Lee Leaving was deactivated."
        )
    assert RequestEvent.objects.count() == events_before + 2
    assert set(Asset.objects.filter(owner=successor)) == set(work["assets"])
    # the history stays
    work["closed"].refresh_from_db()
    assert work["closed"].assignee == leaver
    assert Usage.objects.get(pk=work["usage"].pk).user == leaver
    person = Person.objects.get(user=leaver)
    assert (person.deactivated_by, person.successor) == (manager, successor)
    assert person.deactivated_at is not None


def test_someone_with_nothing_to_hand_over_needs_no_successor(manager, rep):
    done = user_deactivate(actor=manager, user=rep, successor=None)
    assert (done.open_requests, done.assets) == (0, 0)
    rep.refresh_from_db()
    assert not rep.is_active


def nothing_changed(leaver, work):
    leaver.refresh_from_db()
    assert leaver.is_active
    assert Token.objects.filter(user=leaver).exists() and CalendarFeed.objects.filter(user=leaver).exists()
    assert ContentRequest.objects.filter(assignee=leaver, status__in=["triaged", "in_progress"]).count() == 2
    assert Asset.objects.filter(owner=leaver).count() == 2
    assert not Person.objects.filter(user=leaver, deactivated_at__isnull=False).exists()


@pytest.mark.parametrize(
    "case,message",
    [
        ("themselves", "You cannot deactivate yourself"),
        ("no successor", "choose who takes them over"),
        ("inactive successor", "is deactivated and cannot take anything over"),
        ("successor is the leaver", "must be someone else"),
        ("successor not in marketing", "is not in marketing"),
    ],
)
def test_a_refused_deactivation_changes_nothing(manager, leaver, successor, rep, work, case, message):
    actor, heir = manager, successor
    if case == "themselves":
        leaver.groups.add(*manager.groups.all())
        actor = leaver
    elif case == "no successor":
        heir = None
    elif case == "inactive successor":
        User.objects.filter(pk=successor.pk).update(is_active=False)
    elif case == "successor is the leaver":
        heir = leaver
    elif case == "successor not in marketing":
        heir = rep
    with pytest.raises(PeopleError, match=message):
        user_deactivate(actor=actor, user=leaver, successor=heir)
    nothing_changed(leaver, work)


def test_a_failure_half_way_undoes_the_whole_deactivation(manager, leaver, successor, work, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the calendar is unreachable")

    monkeypatch.setattr("content.people.calendar_feed_revoke", broken)
    with pytest.raises(RuntimeError):
        user_deactivate(actor=manager, user=leaver, successor=successor)
    nothing_changed(leaver, work)
    assert not RequestEvent.objects.filter(note__startswith="Handed over").exists()


def test_only_managers_deactivate_and_only_superusers_deactivate_superusers(manager, marketer, rep, successor):
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=marketer, user=rep, successor=successor)
    root = User.objects.create_superuser("root", "root@example.com", "pw-long-enough-123")
    with pytest.raises(PeopleError, match="only a superuser"):
        user_deactivate(actor=manager, user=root, successor=successor)
    with pytest.raises(PeopleError, match="already deactivated"):
        User.objects.filter(pk=rep.pk).update(is_active=False)
        rep.refresh_from_db()
        user_deactivate(actor=manager, user=rep)


def test_a_user_deactivated_while_signed_in_is_signed_out_at_the_next_request(rep):
    """Even without the service (say, unticked in the admin): Django's ModelBackend refuses an
    inactive user when it reads the session, so the next request is anonymous."""
    browser = signed_in(rep)
    assert browser.get("/").status_code == 200
    User.objects.filter(pk=rep.pk).update(is_active=False)
    response = browser.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_signing_in_and_out_is_recorded_per_session(rep):
    browser = signed_in(rep)
    key = browser.session.session_key
    assert list(SignedInSession.objects.values_list("user", "session_key")) == [(rep.pk, key)]
    browser.post("/logout/")
    assert not SignedInSession.objects.exists()


# -- last activity --------------------------------------------------------------------------------


def test_activity_is_written_once_per_interval(settings, rep):
    settings.LAST_SEEN_INTERVAL_SECONDS = 300
    browser = signed_in(rep)
    browser.get("/definitions/")
    first = Person.objects.get(user=rep).last_seen_at
    assert first is not None and timezone.now() - first < datetime.timedelta(seconds=10)
    with CaptureQueriesContext(connection) as ctx:
        browser.get("/definitions/")
    assert not [q for q in ctx.captured_queries if '"content_person"' in q["sql"]]  # no write within the interval
    assert Person.objects.get(user=rep).last_seen_at == first


def test_api_token_use_counts_as_activity(settings, rep):
    settings.LAST_SEEN_INTERVAL_SECONDS = 300
    token = Token.objects.create(user=rep)
    Client().get("/api/v1/assets/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert Person.objects.get(user=rep).last_seen_at is not None


# -- the people page ------------------------------------------------------------------------------


def test_the_people_page_shows_each_users_access(manager_client, rep, marketer):
    Token.objects.create(user=rep)
    calendar_feed_for(marketer)
    User.objects.filter(pk=rep.pk).update(last_login=timezone.now())
    Person.objects.create(user=rep, last_seen_at=timezone.now())
    response = manager_client.get("/people/")
    assert response.status_code == 200
    rows = {user.username: user for user in response.context["page"]}
    assert [role.name for role in rows["rep"].roles] == ["Sales"]
    assert rows["rep"].has_token and not rows["rep"].has_calendar_feed
    assert rows["marketer"].has_calendar_feed and not rows["marketer"].has_token
    page = response.content.decode()
    assert f'href="/people/{rep.pk}/deactivate/"' in page
    assert f'href="/people/{response.context["user"].pk}/deactivate/"' not in page  # not oneself


def test_the_people_page_filters_by_role_status_and_name(manager_client, rep, other_rep, marketer, outsider):
    User.objects.filter(pk=other_rep.pk).update(is_active=False)

    def listed(query):
        return sorted(u.username for u in manager_client.get("/people/" + query).context["page"])

    assert listed("?role=Sales") == ["rep", "rep2"]
    assert listed("?role=Sales&active=yes") == ["rep"]
    assert listed("?active=no") == ["rep2"]
    assert listed("?role=none") == ["outsider"]
    assert listed("?q=Marketer") == ["marketer"]  # a last name no other user is given (theirs are random)
    bad = manager_client.get("/people/?role=Admins")
    assert bad.status_code == 400 and 'id="f-role-error"' in bad.content.decode()


def test_the_people_page_reads_a_constant_number_of_queries(manager_client, manager):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert manager_client.get("/people/").status_code == 200
        return len(ctx.captured_queries)

    UserFactory.create_batch(3, groups=["Sales"])
    few = queries()
    for user in UserFactory.create_batch(30, groups=["Sales", "Marketing"]):
        Token.objects.create(user=user)
        calendar_feed_for(user)
    # session, the manager and their roles, count, the page of users, their roles
    assert queries() == few == 6


def test_the_deactivate_page_confirms_first_then_deactivates(manager_client, leaver, successor, work):
    confirm = manager_client.get(f"/people/{leaver.pk}/deactivate/")
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "2 open content requests" in page and "2 assets" in page and "API token: revoked" in page
    assert 'value="sue"' in page and 'value="leaver"' not in page
    leaver.refresh_from_db()
    assert leaver.is_active  # asking changes nothing

    done = manager_client.post(f"/people/{leaver.pk}/deactivate/", {"successor": "sue"}, follow=True)
    assert done.redirect_chain[-1][0] == "/people/"
    assert "is deactivated: 2 open requests and 2 assets handed over" in done.content.decode()
    leaver.refresh_from_db()
    assert not leaver.is_active


@pytest.mark.parametrize(
    "successor_name,message",
    [("nobody-here", "No user named"), ("", "choose who takes them over"), ("rep", "is not in marketing")],
)
def test_the_deactivate_page_refuses_bad_input_and_changes_nothing(
    manager_client, leaver, work, rep, successor_name, message
):
    response = manager_client.post(f"/people/{leaver.pk}/deactivate/", {"successor": successor_name})
    assert response.status_code == 400
    assert message in response.content.decode()
    nothing_changed(leaver, work)


def test_a_manager_cannot_deactivate_themselves_from_the_page(manager_client, manager):
    response = manager_client.post(f"/people/{manager.pk}/deactivate/", {})
    assert response.status_code == 400 and "You cannot deactivate yourself" in response.content.decode()


# -- the commands ---------------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_list_users_prints_a_line_per_user_with_the_page_filters(rep, marketer, manager):
    Token.objects.create(user=rep)
    lines = run("list_users", "--role", "Sales").splitlines()
    assert lines[0].split("\t")[:4] == ["username", "name", "email", "roles"]
    assert lines[1].split("\t") == ["rep", "Riley Rep", "rep@example.com", "Sales", "yes", "", "", "yes", "no"]
    assert lines[-1] == "1 user"
    assert run("list_users").splitlines()[-1] == "3 users"
    with pytest.raises(CommandError, match="role"):
        run("list_users", "--role", "Admins")


def test_deactivate_user_offboards_from_a_script(manager, leaver, successor, work):
    out = run("deactivate_user", "leaver", "--successor", "sue", "--by", "manager")
    assert out.strip() == (
        "deactivated leaver: 2 open requests and 2 assets handed over; 0 sessions ended; "
        "API token revoked; calendar feed revoked."
    )
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert RequestEvent.objects.filter(actor=manager, note__startswith="Handed over").count() == 2


@pytest.mark.parametrize(
    "args,message",
    [
        (["ghost", "--successor", "sue", "--by", "manager"], "no user named 'ghost'"),
        (["leaver", "--successor", "ghost", "--by", "manager"], "no user named 'ghost' \\(--successor\\)"),
        (["leaver", "--by", "manager"], "choose who takes them over"),
        (["leaver", "--successor", "sue", "--by", "rep"], "rep is not a manager"),
    ],
)
def test_deactivate_user_refuses_bad_input_and_changes_nothing(manager, leaver, successor, rep, work, args, message):
    with pytest.raises(CommandError, match=message):
        run("deactivate_user", *args)
    nothing_changed(leaver, work)
