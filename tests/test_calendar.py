"""The calendar selector: events by type and visibility, won-deal support and its three states,
the month grid and the month summary."""

import datetime
from decimal import Decimal

import pytest

from content.calendar import (
    CalendarFilters,
    calendar_events,
    compact_money,
    month_grid,
    month_summary,
    parse_month,
)
from content.calendar.filters import CalendarFilterSet, CalendarRangeFilterSet
from content.filtering import FilterError
from content.models import Competitor, FunnelStage, Persona
from content.support import refresh_support

from .calendar_helpers import at, next_month_first, published_on
from .factories import AssetFactory, ContentRequestFactory, DealFactory, UsageFactory, UserFactory

pytestmark = pytest.mark.django_db

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def events_of(user, start=MARCH[0], end=MARCH[1], **filters):
    return calendar_events(user=user, start=start, end=end, filters=CalendarFilters(**filters))


def by_asset(events, event_type="published"):
    return {e.asset_id: e for e in events if e.type == event_type}


def test_support_figures_match_hand_computed_deals(marketer, rep):
    asset = published_on(datetime.date(2026, 3, 2))
    close = datetime.date(2026, 5, 31)
    won_a = DealFactory(status="won", close_date=close, amount=Decimal("60000"))
    won_b = DealFactory(status="won", close_date=close, amount=Decimal("24000"))
    won_after = DealFactory(status="won", close_date=close, amount=Decimal("99000"))
    lost = DealFactory(status="lost", close_date=close, amount=Decimal("50000"))
    open_deal = DealFactory(status="open")
    UsageFactory(asset=asset, deal=won_a, user=rep, used_at=at(datetime.date(2026, 4, 1)))
    UsageFactory(asset=asset, deal=won_a, user=rep, used_at=at(datetime.date(2026, 4, 2)))  # same deal again
    UsageFactory(asset=asset, deal=won_b, user=rep, used_at=at(close))  # on the close day: counts
    UsageFactory(asset=asset, deal=won_after, user=rep, used_at=at(close + datetime.timedelta(days=1)))
    UsageFactory(asset=asset, deal=lost, user=rep, used_at=at(datetime.date(2026, 4, 3)))
    UsageFactory(asset=asset, deal=open_deal, user=rep, used_at=at(datetime.date(2026, 4, 4)))
    refresh_support()

    event = by_asset(events_of(marketer))[asset.pk]
    # won_a (60,000) + won_b (24,000); the use after close and the lost deal do not count
    assert (event.won_deals, event.influenced_revenue) == (2, Decimal("84000.00"))
    assert event.state == "supports_won"
    assert event.state_label == "✓ supports 2 won · $84k"


def test_the_three_support_states(marketer, rep):
    day = datetime.date(2026, 3, 10)
    winner = published_on(day, title="Winner")
    used = published_on(day, title="Used")
    piloted = published_on(day, title="Piloted before release")
    published_on(day, title="Unused")
    won = DealFactory(status="won", close_date=datetime.date(2026, 4, 30), amount=Decimal("1000"))
    UsageFactory(asset=winner, deal=won, user=rep, used_at=at(datetime.date(2026, 3, 20)))
    UsageFactory(asset=used, deal=DealFactory(status="open"), user=rep, used_at=at(datetime.date(2026, 3, 21)))
    # used, but only before it was published: still "unused since publishing"
    UsageFactory(asset=piloted, deal=DealFactory(status="open"), user=rep, used_at=at(datetime.date(2026, 2, 1)))
    refresh_support()

    states = {e.title: (e.state, e.state_label) for e in events_of(marketer) if e.type == "published"}
    assert states == {
        "Winner": ("supports_won", "✓ supports 1 won · $1k"),
        "Used": ("used_no_wins", "used, no wins yet"),
        "Piloted before release": ("unused", "unused since publishing"),
        "Unused": ("unused", "unused since publishing"),
    }
    piloted.refresh_from_db()
    assert piloted.usage_count == 1  # which is why usage_count alone cannot tell "unused since publishing"


def test_an_asset_published_with_a_release_date_ahead_goes_live_and_is_not_yet_unused(marketer, rep):
    from django.utils import timezone

    next_week = timezone.localdate() + datetime.timedelta(days=7)
    scheduled = published_on(next_week, title="Next week's battle card")
    won = DealFactory(status="won", close_date=next_week, amount=Decimal("1000"))
    UsageFactory(asset=scheduled, deal=won, user=rep, used_at=at(next_week))
    refresh_support()
    (event,) = [e for e in events_of(marketer, start=next_week, end=next_week) if e.type == "published"]
    assert (event.state, event.state_label, event.type_label) == ("scheduled", "not live yet", "Goes live")
    assert (event.won_deals, event.influenced_revenue_by_currency) == (0, {})  # no figures before release
    # once its day has come, it is an ordinary publication
    live = published_on(datetime.date(2026, 3, 10), title="Live")
    (event,) = [e for e in events_of(marketer) if e.asset_id == live.pk]
    assert (event.state, event.type_label) == ("unused", "Published")


def test_events_cover_planned_published_review_and_requests_by_date(marketer):
    planned = AssetFactory(status="draft", published_at=None, planned_publish_date=datetime.date(2026, 3, 5))
    shipped = published_on(datetime.date(2026, 3, 6))
    review = AssetFactory(published_at=at(datetime.date(2025, 12, 1)), verification_interval_days=100)
    accepted = ContentRequestFactory(status="accepted", needed_by=datetime.date(2026, 3, 20), kind="battle_card")
    in_progress = ContentRequestFactory(status="in_progress", needed_by=datetime.date(2026, 3, 21))
    ContentRequestFactory(status="new", needed_by=datetime.date(2026, 3, 22))  # not accepted yet
    ContentRequestFactory(status="accepted", needed_by=datetime.date(2026, 4, 2))  # outside the range
    AssetFactory(status="draft", planned_publish_date=datetime.date(2026, 4, 1))  # outside the range

    got = [(e.type, e.date, e.asset_id or e.request_id) for e in events_of(marketer)]
    assert got == [
        ("planned", datetime.date(2026, 3, 5), planned.pk),
        ("published", datetime.date(2026, 3, 6), shipped.pk),
        ("review", datetime.date(2026, 3, 11), review.pk),
        ("request", datetime.date(2026, 3, 20), accepted.pk),
        ("request", datetime.date(2026, 3, 21), in_progress.pk),
    ]


def test_reps_see_released_assets_and_request_titles_but_no_drafts(rep):
    AssetFactory(status="draft", published_at=None, planned_publish_date=datetime.date(2026, 3, 5))
    AssetFactory(status="in_review", published_at=None, planned_publish_date=datetime.date(2026, 3, 6))
    released = published_on(datetime.date(2026, 3, 6))
    future = published_on(datetime.date(2999, 3, 6))  # scheduled release: hidden from reps
    ContentRequestFactory(status="accepted", needed_by=datetime.date(2026, 3, 20), title="ROI calculator")

    events = events_of(rep)
    assert [(e.type, e.asset_id or e.title) for e in events] == [
        ("published", released.pk),
        ("request", "ROI calculator"),
    ]
    assert events[1].url == ""  # a rep may not open other reps' requests
    assert future.pk not in {
        e.asset_id for e in events_of(rep, start=datetime.date(2999, 3, 1), end=datetime.date(2999, 3, 31))
    }


def test_an_outsider_sees_no_events(outsider):
    published_on(datetime.date(2026, 3, 6))
    assert events_of(outsider) == []


def test_filters_by_kind_stage_persona_competitor_and_owner(marketer):
    stage = FunnelStage.objects.order_by("order").first()
    persona = Persona.objects.first() or Persona.objects.create(name="CFO")
    rival = Competitor.objects.create(name="Globex")
    day = datetime.date(2026, 3, 9)
    match = published_on(day, kind="battle_card", owner=marketer)
    match.stages.add(stage, FunnelStage.objects.order_by("order").last())  # two stages: still one event
    match.personas.add(persona)
    match.competitors.add(rival)
    published_on(day, kind="battle_card")
    published_on(day, kind="case_study", owner=marketer)
    ContentRequestFactory(
        status="accepted",
        needed_by=day,
        kind="battle_card",
        competitor=rival,
        assignee=marketer,
        stage=stage,
        persona=persona,
    )
    ContentRequestFactory(status="accepted", needed_by=day, kind="battle_card", assignee=marketer)

    events = events_of(
        marketer, kind="battle_card", stage=stage.slug, persona=persona.slug, competitor=rival.slug, owner=marketer.pk
    )
    assert [(e.type, e.asset_id) for e in events if e.type == "published"] == [("published", match.pk)]
    assert [e.type for e in events if e.type == "request"] == ["request"]
    assert [e.asset_id for e in events_of(marketer, stage=stage.slug) if e.is_asset] == [match.pk]


def calendar_filters(params):
    return CalendarFilterSet(params).calendar_filters()


def test_filters_reject_an_unknown_kind_and_an_unknown_owner():
    with pytest.raises(FilterError, match="Unknown kind"):
        calendar_filters({"kind": "poem"})
    with pytest.raises(FilterError, match="No user named 'bob'"):
        calendar_filters({"owner": "bob"})


def test_the_owner_is_a_username_and_a_numeric_user_id_still_works(marketer):
    by_name = calendar_filters({"owner": marketer.username, "stage": "engaged"})
    assert by_name == CalendarFilters(owner=marketer.pk, stage="engaged")
    assert calendar_filters({"owner": str(marketer.pk), "stage": "engaged"}) == by_name  # deprecated


def test_a_username_made_of_digits_is_a_username_before_it_is_an_id(marketer):
    numbered = UserFactory(username=str(marketer.pk))
    assert calendar_filters({"owner": str(marketer.pk)}).owner == numbered.pk


def test_the_month_grid_starts_weeks_on_monday_and_pads_partial_weeks():
    # March 2026 starts on a Sunday and ends on a Tuesday
    weeks = month_grid(2026, 3, [])
    assert len(weeks) == 6 and all(len(week) == 7 for week in weeks)
    assert all(week[0].date.weekday() == 0 for week in weeks)
    assert weeks[0][0].date == datetime.date(2026, 2, 23) and not weeks[0][0].in_month
    assert weeks[0][6].date == datetime.date(2026, 3, 1) and weeks[0][6].in_month
    assert weeks[-1][1].date == datetime.date(2026, 3, 31) and weeks[-1][2].in_month is False
    # February 2021 fills exactly four weeks
    assert len(month_grid(2021, 2, [])) == 4


def test_the_month_grid_puts_events_on_their_days(marketer):
    asset = published_on(datetime.date(2026, 3, 18))
    weeks = month_grid(2026, 3, events_of(marketer))
    cells = {day.date: day.events for week in weeks for day in week}
    assert [e.asset_id for e in cells[datetime.date(2026, 3, 18)]] == [asset.pk]
    assert sum(len(events) for events in cells.values()) == 1


def test_the_month_summary_counts_the_months_published_assets_by_state(marketer, rep):
    won = DealFactory(status="won", close_date=datetime.date(2026, 6, 1), amount=Decimal("5000"))
    a = published_on(datetime.date(2026, 3, 3))
    b = published_on(datetime.date(2026, 3, 4))
    published_on(datetime.date(2026, 3, 5))
    published_on(datetime.date(2026, 2, 27))  # in the grid's first week, not in March
    UsageFactory(asset=a, deal=won, user=rep, used_at=at(datetime.date(2026, 4, 1)))
    UsageFactory(asset=b, deal=DealFactory(), user=rep, used_at=at(datetime.date(2026, 4, 1)))
    refresh_support()
    events = events_of(marketer, start=datetime.date(2026, 2, 23), end=datetime.date(2026, 4, 5))

    summary = month_summary(events, 2026, 3)
    assert (summary.published, summary.supports_won, summary.used_no_wins, summary.unused) == (3, 1, 1, 1)


def date_range(start, end):
    params = {name: value for name, value in (("start", start), ("end", end)) if value is not None}
    return CalendarRangeFilterSet(params).date_range()


def test_month_and_date_range_parsing():
    assert parse_month("2026-03") == datetime.date(2026, 3, 1)
    assert parse_month("", today=datetime.date(2026, 7, 9)) == datetime.date(2026, 7, 1)
    for bad in ("2026-13", "March", "2026-3-1", "0000-01"):
        with pytest.raises(ValueError):
            parse_month(bad)
    assert date_range("2026-03-01", "2026-03-31") == MARCH
    for start, end in (
        ("2026-03-31", "2026-03-01"),
        ("2026-3-1", "2026-03-31"),
        (None, "2026-03-31"),
        ("2026-02-30", "2026-03-31"),
        ("2026-01-01", "2027-01-02"),
        ("2026-W01-1", "2026-03-01"),
    ):
        with pytest.raises(FilterError):
            date_range(start, end)


def test_money_is_compact_in_badges_and_kept_per_currency():
    assert [compact_money({"USD": v}) for v in ("0", "840", "84000", "1200000", "3000000")] == [
        "$0",
        "$840",
        "$84k",
        "$1.2M",
        "$3M",
    ]
    # the reporting currency first, then the others by code
    assert compact_money({"GBP": "950", "EUR": "1200000", "USD": "84000"}) == "$84k · €1.2M · £950"


def test_planned_assets_next_month_are_on_the_calendar(marketer):
    day = next_month_first() + datetime.timedelta(days=3)
    asset = AssetFactory(status="draft", published_at=None, planned_publish_date=day)
    events = events_of(marketer, start=day, end=day)
    assert [(e.type, e.asset_id, e.state, e.won_deals) for e in events] == [("planned", asset.pk, "planned", 0)]
