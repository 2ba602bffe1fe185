"""Slack notifications: request status changes and comments, a buyer's first view of a link, assets
due for review and the weekly digest reach the people who asked for them (direct messages) and the
channels routed each event, only after the change commits, through a fake Slack on this machine;
a Slack outage never breaks the change and is logged."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from content.models import (
    Asset,
    BackgroundJob,
    DealStatus,
    JobStatus,
    RequestStatus,
    RequestSupport,
    SlackEvent,
    SlackProfile,
    SlackRoute,
)
from content.requesting import request_comment, request_support, request_transition
from content.sharing import share_link_create

from .factories import AssetFactory, ContentRequestFactory, DealFactory, UsageFactory, UserFactory
from .test_share_links import buyer_get

pytestmark = pytest.mark.django_db

ALL_OFF = dict.fromkeys(SlackEvent.values, False)


def linked(user, member_id, **wants):
    return SlackProfile.objects.create(user=user, member_id=member_id, **{**ALL_OFF, **wants})


def due(asset, review_by):
    """Set the review date the asset's save computes (from its verification) to `review_by`."""
    Asset.objects.filter(pk=asset.pk).update(review_by=review_by)


def route(event, channel):
    return SlackRoute.objects.create(event=event, channel=channel)


@pytest.fixture
def supported_request(rep, other_rep):
    request = ContentRequestFactory(requester=rep, title="Healthcare ROI case study")
    RequestSupport.objects.create(request=request, user=other_rep)
    return request


def test_a_status_change_reaches_who_asked_for_it_and_its_channel_only_after_commit(
    fake_slack, supported_request, rep, other_rep, marketer, django_capture_on_commit_callbacks
):
    linked(rep, "U0REP", request_status=True)
    linked(other_rep, "U0OTHER", request_comment=True)  # wants comments, not status changes
    linked(marketer, "U0MKT", request_status=True)  # the one who made the change
    route(SlackEvent.REQUEST_STATUS, "C0REQUESTS")
    route(SlackEvent.REQUEST_COMMENT, "C0COMMENTS")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request_transition(request=supported_request, actor=marketer, to_status=RequestStatus.TRIAGED)
    assert fake_slack.calls == []  # nothing leaves inside the transaction
    for callback in callbacks:
        callback()
    assert fake_slack.channels() == ["C0REQUESTS", "U0REP"]
    (text,) = fake_slack.to("U0REP")
    assert "from new to triaged" in text and "Healthcare ROI case study" in text
    assert f"<http://127.0.0.1:8000/requests/{supported_request.pk}/|Request #{supported_request.pk}>" in text
    assert fake_slack.messages()[0]["auth"] == "Bearer xoxb-test-token"


def test_a_comment_reaches_the_others_concerned_and_the_comments_channel(
    fake_slack, supported_request, rep, other_rep, django_capture_on_commit_callbacks
):
    linked(rep, "U0REP", request_comment=True)
    linked(other_rep, "U0OTHER", request_comment=True)
    route(SlackEvent.REQUEST_COMMENT, "#content-requests")
    with django_capture_on_commit_callbacks(execute=True):
        request_comment(request=supported_request, author=other_rep, body="Any news? The deal closes Friday.")
    assert fake_slack.channels() == ["#content-requests", "U0REP"]  # not its author
    assert "Any news? The deal closes Friday." in fake_slack.to("U0REP")[0]


def test_other_request_changes_are_not_sent_to_slack(fake_slack, rep, other_rep, django_capture_on_commit_callbacks):
    linked(rep, "U0REP", **dict.fromkeys(SlackEvent.values, True))
    route(SlackEvent.REQUEST_STATUS, "C0REQUESTS")
    with django_capture_on_commit_callbacks(execute=True):
        request_support(request=ContentRequestFactory(requester=rep), user=other_rep)  # a +1: mail and app only
    assert fake_slack.calls == []


def test_people_and_channels_see_what_others_typed_as_text_never_as_mentions_or_links(
    fake_slack, rep, other_rep, django_capture_on_commit_callbacks
):
    linked(rep, "U0REP", request_comment=True)
    request = ContentRequestFactory(requester=rep, title="<!channel> & <http://evil.example|click>")
    with django_capture_on_commit_callbacks(execute=True):
        request_comment(request=request, author=other_rep, body="<@U0BOSS> look *here*")
    (text,) = fake_slack.to("U0REP")
    assert "<!channel>" not in text and "<@U0BOSS>" not in text and "<http://evil" not in text
    assert "&lt;!channel&gt; &amp; &lt;http://evil.example|click&gt;" in text
    assert "&lt;@U0BOSS&gt;" in text


def test_an_unlinked_or_deactivated_person_gets_no_direct_message(
    fake_slack, supported_request, rep, other_rep, marketer, django_capture_on_commit_callbacks
):
    SlackProfile.objects.create(user=rep, member_id="", request_status=True)  # never linked
    linked(other_rep, "U0OTHER", request_status=True)
    other_rep.is_active = False
    other_rep.save()
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(request=supported_request, actor=marketer, to_status=RequestStatus.TRIAGED)
    assert fake_slack.calls == []


def test_with_no_token_slack_is_off_and_nothing_is_queued(
    settings, supported_request, rep, marketer, django_capture_on_commit_callbacks
):
    settings.SLACK_BOT_TOKEN = ""
    linked(rep, "U0REP", request_status=True)
    route(SlackEvent.REQUEST_STATUS, "C0REQUESTS")
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(request=supported_request, actor=marketer, to_status=RequestStatus.TRIAGED)
    assert not BackgroundJob.objects.filter(kind="slack_message").exists()


@pytest.mark.parametrize("failure", [500, "channel_not_found"])
def test_a_slack_outage_or_refusal_never_breaks_the_change_and_is_logged(
    fake_slack, failure, supported_request, rep, marketer, django_capture_on_commit_callbacks, caplog
):
    fake_slack.failure = failure
    linked(rep, "U0REP", request_status=True)
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(request=supported_request, actor=marketer, to_status=RequestStatus.ACCEPTED)
    supported_request.refresh_from_db()
    assert supported_request.status == RequestStatus.ACCEPTED
    job = BackgroundJob.objects.get(kind="slack_message")
    assert job.status == JobStatus.FAILED and job.attempts == 3  # retried, then reported
    assert len(fake_slack.messages()) == 3
    assert "Slack refused the request_status message to U0REP" in caplog.text
    assert "failed for good" in caplog.text


def test_an_unreachable_slack_never_breaks_the_change_and_is_logged(
    settings, supported_request, rep, marketer, django_capture_on_commit_callbacks, caplog
):
    from .slack_helpers import FakeSlack

    with FakeSlack() as closed:  # a port that answered once and is now closed
        address = closed.url
    settings.SLACK_BOT_TOKEN, settings.SLACK_API_URL, settings.SLACK_TIMEOUT_SECONDS = "xoxb-t", address, 2
    linked(rep, "U0REP", request_status=True)
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(request=supported_request, actor=marketer, to_status=RequestStatus.ACCEPTED)
    supported_request.refresh_from_db()
    assert supported_request.status == RequestStatus.ACCEPTED
    assert BackgroundJob.objects.get(kind="slack_message").status == JobStatus.FAILED
    assert "Slack unreachable for the request_status message to U0REP" in caplog.text


def test_a_buyers_first_view_tells_the_sender_and_the_channel_once(
    fake_slack, client, rep, django_capture_on_commit_callbacks
):
    linked(rep, "U0REP", buyer_first_view=True)
    route(SlackEvent.BUYER_FIRST_VIEW, "C0WINS")
    deal = DealFactory(owner=rep, name="Globex renewal", account="Globex")
    link = share_link_create(user=rep, assets=[AssetFactory(title="Globex ROI story")], deal=deal)
    with django_capture_on_commit_callbacks(execute=True):
        buyer_get(client, link.get_absolute_url())
        buyer_get(client, link.get_absolute_url())  # a later view: nothing more
    assert fake_slack.channels() == ["C0WINS", "U0REP"]
    text = fake_slack.to("U0REP")[0]
    assert "buyer at Globex opened a tracked link" in text and "Globex ROI story" in text
    assert "|Globex renewal>" in text


def test_a_sender_who_turned_buyer_views_off_is_not_told(fake_slack, client, rep, django_capture_on_commit_callbacks):
    linked(rep, "U0REP", buyer_first_view=False, request_status=True)
    link = share_link_create(user=rep, assets=[AssetFactory()], deal=DealFactory(owner=rep))
    with django_capture_on_commit_callbacks(execute=True):
        buyer_get(client, link.get_absolute_url())
    assert fake_slack.calls == []


def test_assets_due_for_review_go_to_each_owner_and_the_whole_list_to_the_channel(
    fake_slack, marketer, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    other = UserFactory(username="unlinked-marketer", groups=["Marketing"])
    linked(marketer, "U0MKT", review_due=True)
    route(SlackEvent.REVIEW_DUE, "C0CONTENT")
    due(AssetFactory(title="Overdue battle card", owner=marketer), today - datetime.timedelta(days=3))
    due(AssetFactory(title="Due soon one-pager", owner=other), today + datetime.timedelta(days=5))
    due(AssetFactory(title="Fresh deck", owner=marketer), today + datetime.timedelta(days=60))
    due(AssetFactory(title="Draft due", owner=marketer, status="draft", published_at=None), today)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("slack_due_for_review", stdout=(out := _Out()))
    assert out.text.strip() == "queued direct messages 1, channel messages 1, not linked or turned off 1"
    (mine,) = fake_slack.to("U0MKT")
    assert "1 of your assets is due for review" in mine and "Overdue battle card" in mine and "overdue since" in mine
    assert "Due soon one-pager" not in mine and "Fresh deck" not in mine and "Draft due" not in mine
    (channel,) = fake_slack.to("C0CONTENT")
    assert "2 published assets due for review within 14 days" in channel
    assert "Overdue battle card" in channel and "Due soon one-pager" in channel


def test_the_due_for_review_command_says_when_slack_is_off(settings):
    settings.SLACK_BOT_TOKEN = ""
    call_command("slack_due_for_review", stdout=(out := _Out()))
    assert out.text.strip() == "Slack is off (SLACK_BOT_TOKEN is not set): nothing sent."


def test_the_weekly_digest_lists_the_assets_that_helped_win_with_the_report_figures(
    fake_slack, rep, other_rep, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    winner = AssetFactory(title="Healthcare ROI story")
    loser_only = AssetFactory(title="Old pricing sheet")
    for number in range(3):  # three deals closed this week: two won with the winner, one lost with the other
        won = number < 2
        deal = DealFactory(
            status=DealStatus.WON if won else DealStatus.LOST,
            close_date=today - datetime.timedelta(days=number),
            amount=Decimal("12000.00"),
            currency="USD",
        )
        UsageFactory(
            asset=winner if won else loser_only, deal=deal, used_at=timezone.now() - datetime.timedelta(days=9)
        )
    linked(rep, "U0REP", weekly_digest=True)
    linked(other_rep, "U0OTHER", weekly_digest=False)
    route(SlackEvent.WEEKLY_DIGEST, "C0SALES")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("slack_weekly_digest", stdout=(out := _Out()))
    assert out.text.strip() == "queued direct messages 1, channel messages 1, not linked or turned off 0"
    assert fake_slack.channels() == ["C0SALES", "U0REP"]
    text = fake_slack.to("C0SALES")[0]
    # by hand: 3 closed, 2 won, baseline 2/3 = 67%; the winner supported 2 won deals, 2 closed (< 5: no rate)
    assert "2 of 3 deals closed in the period were won (baseline 67%)" in text
    assert (
        f"1. <http://127.0.0.1:8000/assets/{winner.pk}/|Healthcare ROI story> (One-pager): supported 2 won deals"
        in text
    )
    assert "2 closed, not enough data for a win rate; influenced $24,000" in text
    assert "Old pricing sheet" not in text  # it helped lose, not win


def test_a_week_without_wins_says_so(fake_slack, django_capture_on_commit_callbacks):
    route(SlackEvent.WEEKLY_DIGEST, "C0SALES")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("slack_weekly_digest", stdout=_Out())
    assert "No won deal of the period was supported" in fake_slack.to("C0SALES")[0]


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass
