"""The iCalendar subscription: parsed back with icalendar, reachable only by its owner's current secret."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from content.calendar import calendar_feed_for
from content.models import CalendarFeed
from content.support import refresh_support

from .calendar_helpers import at, published_on
from .factories import AssetFactory, ContentRequestFactory, DealFactory, UsageFactory

pytestmark = pytest.mark.django_db


def feed_url(user):
    return reverse("calendar-feed", args=[calendar_feed_for(user).secret])


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def vevents(cal):
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_the_feed_parses_into_all_day_events_with_stable_uids(client, marketer, rep, settings):
    settings.SITE_URL = "https://enablement.example.com"
    today = timezone.localdate()
    shipped = published_on(today - datetime.timedelta(days=3), title="Pricing one-pager")
    won = DealFactory(status="won", close_date=today + datetime.timedelta(days=1), amount=Decimal("84000"))
    UsageFactory(asset=shipped, deal=won, user=rep, used_at=at(today - datetime.timedelta(days=1)))
    refresh_support()
    planned = AssetFactory(
        status="draft",
        published_at=None,
        title="Q3 deck",
        kind="deck",
        planned_publish_date=today + datetime.timedelta(days=20),
    )
    request = ContentRequestFactory(
        status="in_progress", title="SOC 2 summary", needed_by=today + datetime.timedelta(days=40)
    )
    AssetFactory(status="draft", planned_publish_date=today + datetime.timedelta(days=400))  # beyond six months

    events = vevents(parse(client.get(feed_url(marketer))))
    assert set(events) == {
        f"asset-{shipped.pk}-published@enablement",
        f"asset-{shipped.pk}-review@enablement",  # 90 days after publication: inside the six months
        f"asset-{planned.pk}-planned@enablement",
        f"request-{request.pk}-needed@enablement",
    }
    published = events[f"asset-{shipped.pk}-published@enablement"]
    assert published.decoded("DTSTART") == today - datetime.timedelta(days=3)
    assert published.decoded("DTEND") == today - datetime.timedelta(days=2)
    assert str(published["SUMMARY"]) == "Published: Pricing one-pager [One-pager · ✓ supports 1 won · $84k]"
    description = str(published["DESCRIPTION"])
    assert "1 closed-won deal(s), influenced revenue $84,000" in description
    assert f"https://enablement.example.com/assets/{shipped.pk}/" in description
    assert str(events[f"asset-{planned.pk}-planned@enablement"]["SUMMARY"]) == "Planned: Q3 deck [Deck · planned]"

    again = vevents(parse(client.get(feed_url(marketer))))
    assert set(again) == set(events)  # same UIDs on every refresh


def test_the_feed_shows_only_what_its_owner_may_see(client, rep):
    today = timezone.localdate()
    AssetFactory(status="draft", published_at=None, planned_publish_date=today + datetime.timedelta(days=5))
    shipped = published_on(today - datetime.timedelta(days=1))
    assert set(vevents(parse(client.get(feed_url(rep))))) == {
        f"asset-{shipped.pk}-published@enablement",
        f"asset-{shipped.pk}-review@enablement",
    }


def test_the_feed_needs_no_session(client, rep):
    client.logout()
    assert client.get(feed_url(rep)).status_code == 200


@pytest.mark.parametrize("secret", ["nope", "a" * 43, "x" * 64])
def test_an_unknown_secret_is_a_bare_404(client, rep, secret):
    published_on(timezone.localdate(), title="Secret roadmap")
    response = client.get(reverse("calendar-feed", args=[secret]))
    assert response.status_code == 404
    assert b"Secret roadmap" not in response.content and b"BEGIN:VCALENDAR" not in response.content


def test_a_malformed_feed_path_is_a_404(client):
    assert client.get("/calendar/feed/../../etc/passwd.ics").status_code == 404
    assert client.get("/calendar/feed/abc.json").status_code == 404


def test_an_inactive_or_roleless_owner_has_no_feed(client, rep, outsider):
    url = feed_url(rep)
    rep.is_active = False
    rep.save()
    assert client.get(url).status_code == 404
    assert client.get(feed_url(outsider)).status_code == 404


def test_resetting_the_secret_kills_the_old_url(client, rep, other_rep):
    old_url = feed_url(rep)
    client.force_login(rep)
    response = client.post(reverse("calendar-feed-reset"))
    assert response.status_code == 302
    assert client.get(old_url).status_code == 404
    assert client.get(feed_url(rep)).status_code == 200
    assert feed_url(rep) != old_url


def test_a_user_resets_only_their_own_secret(client, rep, other_rep):
    theirs = calendar_feed_for(other_rep).secret
    client.force_login(rep)
    client.post(reverse("calendar-feed-reset"), {"user": other_rep.pk, "secret": theirs})
    assert CalendarFeed.objects.get(user=other_rep).secret == theirs


def test_the_calendar_page_shows_only_the_viewers_own_feed_url(rep_client, rep, other_rep):
    theirs = calendar_feed_for(other_rep).secret
    content = rep_client.get(reverse("calendar")).content.decode()
    assert calendar_feed_for(rep).secret in content
    assert theirs not in content


def test_reset_is_post_only_and_needs_a_role(client, rep, outsider):
    client.force_login(rep)
    assert client.get(reverse("calendar-feed-reset")).status_code == 405
    client.force_login(outsider)
    assert client.post(reverse("calendar-feed-reset")).status_code == 403
    client.logout()
    response = client.post(reverse("calendar-feed-reset"))
    assert response.status_code == 302 and "/login" in response["Location"]


def _fill(size):
    today = timezone.localdate()
    owner = AssetFactory().owner
    for i in range(size):
        published_on(today - datetime.timedelta(days=i % 60), owner=owner)
    ContentRequestFactory(status="accepted", needed_by=today + datetime.timedelta(days=3))


def test_the_feed_costs_the_same_queries_with_5_or_500_assets(client, marketer):
    # the feed and its user, the user's roles, then one query per event type
    url = feed_url(marketer)
    _fill(5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _fill(495)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(vevents(parse(response))) > 500
    assert len(small) == len(large) <= 7
