"""The Slack settings page: everyone with a role links their Slack member id and picks their direct
messages; managers (configure_slack_channels) route events to channels; the page says when Slack is
off; bad input is a 400 that changes nothing; changes are audited."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import AuditEvent, SlackEvent, SlackProfile, SlackRoute

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/settings/slack/"
ROUTES = "/settings/slack/routes/"


def test_the_page_says_slack_is_off_without_a_token(settings, rep_client):
    settings.SLACK_BOT_TOKEN = ""
    page = rep_client.get(PAGE).content.decode()
    assert "Slack is off on this server" in page and 'id="slack-off"' in page


def test_the_page_says_nothing_of_the_sort_with_a_token(settings, rep_client):
    settings.SLACK_BOT_TOKEN = "xoxb-test"
    page = rep_client.get(PAGE).content.decode()
    assert "Slack is off" not in page
    assert "http://testserver/integrations/slack/commands/" in page


def test_a_rep_links_their_member_id_and_picks_their_messages(rep_client, rep):
    response = rep_client.post(PAGE, {"member_id": " u012ab3cd ", "events": ["request_status", "buyer_first_view"]})
    assert response.status_code == 302 and response["Location"] == PAGE
    profile = SlackProfile.objects.get(user=rep)
    assert profile.member_id == "U012AB3CD"
    assert [e for e in SlackEvent.values if getattr(profile, e)] == ["request_status", "buyer_first_view"]
    audited = AuditEvent.objects.filter(event="slack_profile.created").get()
    assert audited.actor == rep and audited.changes["member_id"] == [None, "U012AB3CD"]
    page = rep_client.get(PAGE).content.decode()
    assert "Linked to Slack member <code>U012AB3CD</code>" in page
    assert 'value="buyer_first_view" id="id_events_2" checked' in page


def test_unlinking_keeps_the_choices_and_stops_the_messages(rep_client, rep):
    SlackProfile.objects.create(user=rep, member_id="U0REP")
    assert rep_client.post(PAGE, {"member_id": "", "events": ["review_due"]}).status_code == 302
    profile = SlackProfile.objects.get(user=rep)
    assert profile.member_id == "" and not profile.wants("review_due")


@pytest.mark.parametrize(
    "data,error",
    [
        ({"member_id": "not-an-id"}, "A Slack member id looks like U012AB3CD"),
        ({"member_id": "C012AB3CD"}, "A Slack member id looks like U012AB3CD"),
        ({"member_id": "U0\x00X"}, "Null characters are not allowed"),
        ({"member_id": "U0REP", "events": ["fly"]}, "Select a valid choice"),
    ],
)
def test_a_bad_member_id_or_choice_is_a_400_that_changes_nothing(rep_client, data, error):
    response = rep_client.post(PAGE, data)
    assert response.status_code == 400 and error in response.content.decode()
    assert not SlackProfile.objects.exists()


def test_a_member_id_links_one_account_only(rep_client, other_rep):
    SlackProfile.objects.create(user=other_rep, member_id="U0TAKEN")
    response = rep_client.post(PAGE, {"member_id": "u0taken"})
    assert response.status_code == 400 and "linked to another account" in response.content.decode()
    assert SlackProfile.objects.count() == 1


def test_only_managers_see_and_change_channel_routes(client, rep, marketer, manager):
    for user in (rep, marketer):
        client.force_login(user)
        assert "Channels</h2>" not in client.get(PAGE).content.decode()
        assert client.post(ROUTES, {"event": "weekly_digest", "channel": "C0SALES"}).status_code == 403
    assert not SlackRoute.objects.exists()
    client.force_login(manager)
    assert "Channels</h2>" in client.get(PAGE).content.decode()


def test_a_manager_routes_an_event_to_a_channel_and_removes_it(manager_client, manager):
    assert manager_client.post(ROUTES, {"event": "weekly_digest", "channel": "C0SALES"}).status_code == 302
    assert manager_client.post(ROUTES, {"event": "weekly_digest", "channel": "C0SALES"}).status_code == 302  # again
    route = SlackRoute.objects.get()
    assert (route.event, route.channel, route.created_by) == ("weekly_digest", "C0SALES", manager)
    assert AuditEvent.objects.filter(event="slack_route.created", actor=manager).count() == 1
    page = manager_client.get(PAGE).content.decode()
    assert "Weekly digest: the assets that helped win" in page and "<code>C0SALES</code>" in page
    assert manager_client.post(f"{ROUTES}{route.pk}/delete/").status_code == 302
    assert not SlackRoute.objects.exists()
    assert AuditEvent.objects.filter(event="slack_route.deleted", actor=manager).count() == 1
    assert manager_client.post(f"{ROUTES}{route.pk}/delete/").status_code == 404


@pytest.mark.parametrize(
    "data,error",
    [
        ({"event": "weekly_digest", "channel": "sales"}, "Give the channel&#x27;s id"),
        ({"event": "weekly_digest", "channel": "#Sales Team"}, "Give the channel&#x27;s id"),
        ({"event": "weekly_digest", "channel": "<!channel>"}, "Give the channel&#x27;s id"),
        ({"event": "everything", "channel": "C0SALES"}, "Select a valid choice"),
        ({"channel": "C0SALES"}, "This field is required"),
    ],
)
def test_a_bad_route_is_a_400_that_changes_nothing(manager_client, data, error):
    response = manager_client.post(ROUTES, data)
    assert response.status_code == 400 and error in response.content.decode()
    assert not SlackRoute.objects.exists()


def test_the_routes_page_takes_no_get(manager_client):
    assert manager_client.get(ROUTES).status_code == 405


def test_the_header_links_the_page_for_everyone_with_a_role(rep_client, client, outsider):
    assert 'href="/settings/slack/"' in rep_client.get("/").content.decode()
    client.force_login(outsider)
    assert client.get(PAGE).status_code == 403


@pytest.mark.parametrize("size", [2, 30])
def test_the_page_runs_the_same_queries_whatever_the_number_of_routes(manager_client, manager, size):
    for number in range(size):
        SlackRoute.objects.create(event=SlackEvent.values[number % 5], channel=f"C0CHAN{number:03d}")
    for number in range(size):
        SlackProfile.objects.create(user=UserFactory(), member_id=f"U0USER{number:03d}")
    manager_client.get(PAGE)  # warm up per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert manager_client.get(PAGE).status_code == 200
    # Queries: the session, the user, the user's roles, the viewer's profile, the routes.
    assert len(queries) == 5, [q["sql"][:80] for q in queries]
