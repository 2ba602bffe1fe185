"""The request pages: submit with suggestions, My requests, a request's page, the triage board
with its in-place actions, who may see what, and the board's constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content.models import (
    Competitor,
    ContentRequest,
    FunnelStage,
    Notification,
    Persona,
    RequestStatus,
    RequestSupport,
)
from content.requesting import request_transition

from .factories import AssetFactory, ContentRequestFactory, DealFactory, UserFactory
from .requests_helpers import fast_password_hashing, request_in  # noqa: F401

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


# Submitting


def test_a_rep_submits_a_request_and_lands_on_its_page(rep_client, rep):
    stage = FunnelStage.objects.first()
    deal = DealFactory(crm_id="006ABC", owner=rep)
    response = rep_client.post(
        reverse("request-new"),
        {
            "title": "ROI calculator for CFOs",
            "description": "CFOs ask for numbers.",
            "kind": "one_pager",
            "stage": stage.slug,
            "deal": "006ABC",
            "needed_by": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        },
    )
    created = ContentRequest.objects.get()
    assert response.status_code == 302
    assert response.url == created.get_absolute_url()
    assert (created.requester, created.stage, created.deal) == (rep, stage, deal)
    assert created.triage_due is not None


def test_filing_the_same_request_again_warns_and_offers_the_first_and_writes_nothing(rep_client, rep):
    form = {"title": "ROI calculator for CFOs", "description": "CFOs ask for numbers."}
    first = rep_client.post(reverse("request-new"), form)
    existing = ContentRequest.objects.get()
    again = rep_client.post(reverse("request-new"), {**form, "title": "roi calculator for cfos "})
    assert again.status_code == 409
    html = again.content.decode()
    assert 'id="duplicate-warning"' in html and f'href="{existing.get_absolute_url()}"' in html
    assert f"Open #{existing.pk} ROI calculator for CFOs" in html
    assert 'name="confirm_duplicate" value="true"' in html
    assert "CFOs ask for numbers." in html  # what was typed is kept
    assert first.status_code == 302 and ContentRequest.objects.count() == 1


def test_confirming_files_a_second_request(rep_client):
    form = {"title": "ROI calculator for CFOs", "description": "CFOs ask for numbers."}
    rep_client.post(reverse("request-new"), form)
    response = rep_client.post(reverse("request-new"), {**form, "confirm_duplicate": "true"})
    assert response.status_code == 302
    assert ContentRequest.objects.filter(title="ROI calculator for CFOs").count() == 2


def test_the_form_refuses_an_unknown_deal_and_keeps_what_was_typed(rep_client):
    response = rep_client.post(reverse("request-new"), {"title": "Something", "description": "Why", "deal": "nope"})
    assert response.status_code == 400
    assert "None of your open deals is called “nope”" in response.content.decode()
    assert 'value="Something"' in response.content.decode()
    assert ContentRequest.objects.count() == 0


def test_the_form_is_prefilled_from_the_librarys_zero_result_link(rep_client):
    stage = FunnelStage.objects.first()
    persona = Persona.objects.first()
    competitor = Competitor.objects.create(name="Acme Rival")
    query = f"?title=Pricing+battle+card&kind=battle_card&stage={stage.slug}&persona={persona.slug}&competitor={competitor.slug}"
    page = rep_client.get(reverse("request-new") + query).content.decode()
    assert 'value="Pricing battle card"' in page
    assert f'<option value="{stage.slug}" selected>' in page
    assert f'<option value="{persona.slug}" selected>' in page
    assert f'<option value="{competitor.slug}" selected>' in page
    assert '<option value="battle_card" selected>' in page


def test_suggestions_show_matching_published_assets_and_open_requests(rep_client, other_rep):
    AssetFactory(title="Security whitepaper for banks")
    AssetFactory(title="Security draft", status="draft", published_at=None)
    open_one = ContentRequestFactory(title="Security questionnaire answers", requester=other_rep)
    request_in(RequestStatus.DECLINED, title="Security FAQ", decline_reason="No.")
    response = rep_client.get(reverse("request-suggestions"), {"title": "security"}, **HTMX)
    page = response.content.decode()
    assert "Security whitepaper for banks" in page
    assert "Security draft" not in page  # reps never see drafts
    assert f"#{open_one.pk} Security questionnaire answers" in page
    assert "+1 this instead" in page
    assert "Security FAQ" not in page  # closed requests are not offered


def test_suggestions_match_words_of_a_longer_title(rep_client, other_rep):
    wanted = ContentRequestFactory(title="Competitive pricing comparison", requester=other_rep)
    page = rep_client.get(reverse("request-suggestions"), {"title": "pricing sheet"}).content.decode()
    assert wanted.title in page


def test_plus_one_from_the_suggestions_supports_the_request_instead_of_filing_a_new_one(rep_client, rep, other_rep):
    existing = ContentRequestFactory(requester=other_rep)
    response = rep_client.post(reverse("request-support", args=[existing.pk]))
    assert response.status_code == 302
    assert RequestSupport.objects.filter(request=existing, user=rep).exists()
    assert ContentRequest.objects.count() == 1
    rep_client.post(reverse("request-support", args=[existing.pk]))
    assert RequestSupport.objects.filter(request=existing).count() == 1


# Reading


def test_my_requests_lists_own_and_supported_requests_and_the_latest_notifications(rep_client, rep, other_rep):
    own = ContentRequestFactory(requester=rep, title="Mine")
    supported = ContentRequestFactory(requester=other_rep, title="Theirs I back")
    RequestSupport.objects.create(request=supported, user=rep)
    ContentRequestFactory(requester=other_rep, title="Not mine")
    Notification.objects.create(user=rep, request=own, message="Marketing triaged it.")
    page = rep_client.get(reverse("my-requests")).content.decode()
    assert "Mine" in page and "Theirs I back" in page
    assert "Not mine" not in page
    assert "Marketing triaged it." in page
    assert "Triage board" not in page
    assert Notification.objects.get().read_at is not None


def test_my_requests_has_a_friendly_empty_state_and_marketers_get_a_link_to_the_board(marketer_client):
    page = marketer_client.get(reverse("my-requests")).content.decode()
    assert "You have not asked for anything yet" in page
    assert reverse("request-triage") in page


def test_a_request_page_interleaves_events_and_comments_by_time(rep_client, rep, marketer):
    request = ContentRequestFactory(requester=rep)
    rep_client.post(reverse("request-comment", args=[request.pk]), {"body": "First, a comment."})
    request_transition(request=request, actor=marketer, to_status=RequestStatus.TRIAGED)
    rep_client.post(reverse("request-comment", args=[request.pk]), {"body": "Then another."})
    page = rep_client.get(request.get_absolute_url()).content.decode()
    first, moved, second = (page.index(s) for s in ("First, a comment.", "to triaged", "Then another."))
    assert first < moved < second
    assert 'id="triage-heading"' not in page  # reps do not triage


def test_marketers_see_the_triage_actions_on_a_request_page(marketer_client):
    request = request_in(RequestStatus.TRIAGED)
    page = marketer_client.get(request.get_absolute_url()).content.decode()
    assert 'id="triage-heading"' in page
    assert 'name="to_status" value="accepted"' in page
    assert 'name="to_status" value="in_progress"' not in page  # not allowed from triaged


@pytest.mark.parametrize(
    ("status", "visible"),
    [
        (RequestStatus.NEW, True),
        (RequestStatus.IN_PROGRESS, True),
        (RequestStatus.DELIVERED, False),
        (RequestStatus.DECLINED, False),
        (RequestStatus.DUPLICATE, False),
    ],
)
def test_a_rep_may_open_another_reps_request_only_while_it_is_open(rep_client, other_rep, status, visible):
    extra = {"decline_reason": "No."} if status == RequestStatus.DECLINED else {}
    request = request_in(status, requester=other_rep, **extra)
    response = rep_client.get(request.get_absolute_url())
    assert response.status_code == (200 if visible else 404)


def test_a_rep_still_sees_a_closed_request_they_supported(rep_client, rep, other_rep):
    request = request_in(RequestStatus.DECLINED, requester=other_rep, decline_reason="No.")
    RequestSupport.objects.create(request=request, user=rep)
    assert rep_client.get(request.get_absolute_url()).status_code == 200


def test_an_outsider_sees_no_request_page(client, outsider):
    client.force_login(outsider)
    request = ContentRequestFactory()
    for url in (
        reverse("my-requests"),
        reverse("request-new"),
        request.get_absolute_url(),
        reverse("request-triage"),
    ):
        assert client.get(url).status_code == 403


# Triage


def test_a_rep_cannot_open_the_board_nor_act_on_a_request(rep_client):
    request = ContentRequestFactory()
    assert rep_client.get(reverse("request-triage")).status_code == 403
    response = rep_client.post(
        reverse("request-triage-action", args=[request.pk, "transition"]), {"to_status": "accepted"}
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def test_the_board_puts_requests_in_status_columns_most_urgent_first(marketer_client):
    today = timezone.localdate()
    later = request_in(RequestStatus.NEW, title="Due later", triage_due=today + datetime.timedelta(days=9))
    overdue = request_in(RequestStatus.NEW, title="Overdue one", triage_due=today - datetime.timedelta(days=3))
    request_in(RequestStatus.IN_PROGRESS, title="Being made")
    page = marketer_client.get(reverse("request-triage")).content.decode()
    new_column = page.split('id="column-new"')[1].split('id="column-triaged"')[0]
    assert new_column.index(overdue.title) < new_column.index(later.title)
    assert "Triage overdue</span>" in new_column
    assert "Being made" in page.split('id="column-in_progress"')[1]


def test_equally_urgent_requests_are_ordered_by_business_impact(marketer_client):
    due = timezone.localdate() + datetime.timedelta(days=5)
    small = request_in(RequestStatus.NEW, title="Small deal", triage_due=due, deal=DealFactory(amount=100))
    big = request_in(RequestStatus.NEW, title="Big deal", triage_due=due, deal=DealFactory(amount=90000))
    page = marketer_client.get(reverse("request-triage")).content.decode()
    assert page.index(big.title) < page.index(small.title)


def test_the_board_filters_by_stage_persona_competitor_and_assignee(marketer_client, marketer):
    stage = FunnelStage.objects.first()
    request_in(RequestStatus.NEW, title="Staged", stage=stage, assignee=marketer)
    request_in(RequestStatus.NEW, title="Unstaged")
    page = marketer_client.get(reverse("request-triage"), {"stage": stage.slug}).content.decode()
    assert "Staged" in page and "Unstaged" not in page
    page = marketer_client.get(reverse("request-triage"), {"assignee": "none"}).content.decode()
    assert "Unstaged" in page and ">#" + str(ContentRequest.objects.get(title="Staged").pk) not in page
    page = marketer_client.get(reverse("request-triage"), {"assignee": "marketer"}).content.decode()
    assert "Staged" in page and "Unstaged" not in page


def test_assigning_in_place_re_renders_the_card(marketer_client, marketer):
    request = request_in(RequestStatus.NEW)
    response = marketer_client.post(
        reverse("request-triage-action", args=[request.pk, "assign"]), {"assignee": marketer.pk}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<article class="request-card')
    assert "Assignment saved." in html
    request.refresh_from_db()
    assert request.assignee == marketer


def test_an_invalid_action_shows_its_error_inline_and_changes_nothing(marketer_client):
    request = request_in(RequestStatus.NEW)
    response = marketer_client.post(
        reverse("request-triage-action", args=[request.pk, "transition"]), {"to_status": "declined"}, **HTMX
    )
    assert 'role="alert"' in response.content.decode()
    assert "Say why the request is declined." in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def test_assign_priority_duplicate_and_deliver_from_the_board(marketer_client, marketer):
    request = request_in(RequestStatus.NEW)
    original = request_in(RequestStatus.ACCEPTED)
    url = lambda action: reverse("request-triage-action", args=[request.pk, action])  # noqa: E731
    marketer_client.post(url("assign"), {"assignee": marketer.pk}, **HTMX)
    marketer_client.post(url("priority"), {"priority": 4}, **HTMX)
    marketer_client.post(url("transition"), {"to_status": "duplicate", "duplicate_of": original.pk}, **HTMX)
    request.refresh_from_db()
    assert (request.assignee, request.priority, request.status, request.duplicate_of) == (
        marketer,
        4,
        RequestStatus.DUPLICATE,
        original,
    )
    asset = AssetFactory()
    marketer_client.post(
        reverse("request-triage-action", args=[original.pk, "transition"]),
        {"to_status": "delivered", "delivered_asset": asset.pk},
        **HTMX,
    )
    original.refresh_from_db()
    assert (original.status, original.delivered_asset) == (RequestStatus.DELIVERED, asset)


def test_a_plain_form_post_redirects_back_with_a_message(marketer_client):
    request = request_in(RequestStatus.NEW)
    response = marketer_client.post(
        reverse("request-triage-action", args=[request.pk, "transition"]),
        {"to_status": "triaged", "next": "/requests/triage/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/requests/triage/"
    assert "Now triaged." in response.content.decode()


def test_the_pickers_find_originals_and_published_assets(marketer_client):
    original = ContentRequestFactory(title="Healthcare case study")
    AssetFactory(title="Healthcare one-pager")
    AssetFactory(title="Healthcare draft", status="draft", published_at=None)
    found = marketer_client.get(reverse("request-lookup"), {"q": "health"}).content.decode()
    assert f'value="#{original.pk} Healthcare case study"' in found
    assets = marketer_client.get(reverse("request-asset-lookup"), {"q": "health"}).content.decode()
    assert "Healthcare one-pager" in assets and "Healthcare draft" not in assets


def _bulk_requests(n):
    requester = UserFactory(groups=["Sales"])
    today = timezone.localdate()
    stage = FunnelStage.objects.first()
    deal = DealFactory()
    statuses = [RequestStatus.NEW, RequestStatus.TRIAGED, RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS]
    ContentRequest.objects.bulk_create(
        ContentRequest(
            title=f"Request {i}",
            description="Needed.",
            requester=requester,
            status=statuses[i % 4],
            stage=stage,
            deal=deal if i % 3 == 0 else None,
            triage_due=today + datetime.timedelta(days=i % 7 - 3),
        )
        for i in range(n)
    )
    ids = list(ContentRequest.objects.values_list("pk", flat=True)[:50])
    RequestSupport.objects.bulk_create(RequestSupport(request_id=pk, user=requester) for pk in ids[1:])


@pytest.mark.parametrize("count", [10, 1000])
def test_the_board_runs_a_constant_number_of_queries(marketer_client, count):
    # session + user + groups (roles) = 3; counts by status 1; four open columns 4 (the closed
    # cards load when their disclosure opens); stages, personas, competitors, marketers for the
    # filters and the assign selects 4; the marketer's assets due for review, counted for the
    # header's "Due for review" badge 1 = 13 in all.
    _bulk_requests(count)
    with CaptureQueriesContext(connection) as queries:
        response = marketer_client.get(reverse("request-triage"))
    assert response.status_code == 200
    assert len(queries) == 13, "\n".join(q["sql"][:120] for q in queries)
