"""/api/v1/requests/: the role matrix, transitions (400 and nothing changes when refused), +1,
comments, filters, and constant queries on the list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from content.models import ContentRequest, FunnelStage, RequestComment, RequestStatus, RequestSupport

from .factories import AssetFactory, ContentRequestFactory, DealFactory, UserFactory
from .requests_helpers import fast_password_hashing, request_in  # noqa: F401

pytestmark = pytest.mark.django_db

LIST = "/api/v1/requests/"


def detail(pk, suffix=""):
    return f"/api/v1/requests/{pk}/{suffix}"


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_rep_submits_a_request_and_gets_its_figures_back(rep):
    stage = FunnelStage.objects.first()
    DealFactory(crm_id="006XYZ", amount=25000, owner=rep)
    response = api_for(rep).post(
        LIST,
        {
            "title": "Migration guide",
            "description": "Buyers fear the switch.",
            "stage": stage.slug,
            "deal": "006XYZ",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "new"
    assert body["requester"] == "rep"
    assert (body["stage"], body["deal"], body["business_impact"]) == (stage.slug, "006XYZ", "25000.00")
    assert body["triage_due"] and body["sla_state"] in ("on_track", "due_soon")
    assert body["sla_label"] in ("Triage on track", "Triage due soon")
    assert body["is_overdue"] is False
    assert body["url"].endswith(f"/requests/{body['id']}/")


def test_submitting_without_a_title_is_a_400(rep):
    response = api_for(rep).post(LIST, {"description": "Why"}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()


def test_an_outsider_gets_403_everywhere(outsider):
    request = ContentRequestFactory()
    client = api_for(outsider)
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"title": "x", "description": "y"}, format="json").status_code == 403
    assert client.get(detail(request.pk)).status_code == 403


def test_anonymous_callers_are_refused():
    assert APIClient().get(LIST).status_code in (401, 403)


def test_a_rep_lists_only_their_own_and_supported_requests(rep, other_rep):
    own = ContentRequestFactory(requester=rep)
    backed = ContentRequestFactory(requester=other_rep)
    RequestSupport.objects.create(request=backed, user=rep)
    ContentRequestFactory(requester=other_rep)
    ids = {r["id"] for r in api_for(rep).get(LIST).json()["results"]}
    assert ids == {own.pk, backed.pk}


def test_marketing_lists_every_request_and_filters_them(marketer, rep):
    stage = FunnelStage.objects.first()
    staged = ContentRequestFactory(stage=stage, requester=rep)
    accepted = request_in(RequestStatus.ACCEPTED, assignee=marketer)
    ContentRequestFactory()
    client = api_for(marketer)
    assert client.get(LIST).json()["count"] == 3
    assert [r["id"] for r in client.get(LIST, {"stage": stage.slug}).json()["results"]] == [staged.pk]
    assert [r["id"] for r in client.get(LIST, {"status": "accepted"}).json()["results"]] == [accepted.pk]
    assert [r["id"] for r in client.get(LIST, {"assignee": "marketer"}).json()["results"]] == [accepted.pk]
    assert client.get(LIST, {"mine": "true"}).json()["count"] == 0


def test_mine_means_submitted_or_supported(rep, other_rep):
    own = ContentRequestFactory(requester=rep)
    backed = ContentRequestFactory(requester=other_rep)
    RequestSupport.objects.create(request=backed, user=rep)
    ids = {r["id"] for r in api_for(rep).get(LIST, {"mine": "true"}).json()["results"]}
    assert ids == {own.pk, backed.pk}


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (RequestStatus.NEW, 200),
        (RequestStatus.ACCEPTED, 200),
        (RequestStatus.DELIVERED, 404),
        (RequestStatus.DECLINED, 404),
    ],
)
def test_a_rep_reads_another_reps_request_only_while_it_is_open(rep, other_rep, status, code):
    extra = {"decline_reason": "No."} if status == RequestStatus.DECLINED else {}
    request = request_in(status, requester=other_rep, **extra)
    assert api_for(rep).get(detail(request.pk)).status_code == code


def test_a_marketer_moves_a_request_through_the_workflow(marketer):
    request = request_in(RequestStatus.NEW)
    asset = AssetFactory()
    client = api_for(marketer)
    for payload in (
        {"status": "triaged", "assignee": "marketer", "priority": 3},
        {"status": "accepted"},
        {"status": "in_progress"},
        {"status": "delivered", "delivered_asset": asset.pk},
    ):
        response = client.patch(detail(request.pk), payload, format="json")
        assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["delivered_asset"], body["assignee"], body["priority"]) == (
        "delivered",
        asset.pk,
        "marketer",
        3,
    )
    assert request.events.count() == 6  # the assignment, the priority and four moves


def test_an_invalid_transition_is_a_400_with_the_message_and_changes_nothing(marketer):
    request = request_in(RequestStatus.NEW)
    response = api_for(marketer).patch(
        detail(request.pk), {"status": "delivered", "priority": 4, "assignee": "marketer"}, format="json"
    )
    assert response.status_code == 400
    assert "cannot become delivered" in response.json()["detail"]
    request.refresh_from_db()
    assert (request.status, request.priority, request.assignee) == (RequestStatus.NEW, 2, None)
    assert request.events.count() == 0


def test_declining_without_a_reason_is_a_400(marketer):
    request = request_in(RequestStatus.NEW)
    response = api_for(marketer).patch(detail(request.pk), {"status": "declined"}, format="json")
    assert response.status_code == 400
    assert "why" in response.json()["detail"]


def test_marking_a_duplicate_through_the_api_merges_its_supporters(marketer, other_rep):
    original = request_in(RequestStatus.ACCEPTED)
    duplicate = request_in(RequestStatus.NEW, deal=DealFactory(amount=700))
    RequestSupport.objects.create(request=duplicate, user=other_rep)
    response = api_for(marketer).patch(
        detail(duplicate.pk), {"status": "duplicate", "duplicate_of": original.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["duplicate_of"] == original.pk
    merged = api_for(marketer).get(detail(original.pk)).json()
    assert (merged["supporters_count"], merged["business_impact"]) == (2, "700.00")


@pytest.mark.parametrize(
    "field", ["status", "assignee", "priority", "decline_reason", "duplicate_of", "delivered_asset"]
)
def test_a_rep_may_not_change_triage_fields_even_on_their_own_request(rep, marketer, field):
    request = ContentRequestFactory(requester=rep)
    other = ContentRequestFactory()
    values = {
        "status": "accepted",
        "assignee": "marketer",
        "priority": 4,
        "decline_reason": "x",
        "duplicate_of": other.pk,
        "delivered_asset": AssetFactory().pk,
    }
    response = api_for(rep).patch(detail(request.pk), {field: values[field]}, format="json")
    assert response.status_code == 403
    request.refresh_from_db()
    assert (request.status, request.priority, request.assignee) == (RequestStatus.NEW, 2, None)


def test_a_rep_rewords_their_own_new_request_but_not_someone_elses_nor_a_triaged_one(rep, other_rep):
    own = ContentRequestFactory(requester=rep)
    client = api_for(rep)
    assert client.patch(detail(own.pk), {"title": "Clearer"}, format="json").json()["title"] == "Clearer"
    theirs = ContentRequestFactory(requester=other_rep)
    assert client.patch(detail(theirs.pk), {"title": "Mine now"}, format="json").status_code == 403
    triaged = request_in(RequestStatus.TRIAGED, requester=rep)
    assert client.patch(detail(triaged.pk), {"title": "Late"}, format="json").status_code == 400


def test_put_and_delete_are_not_offered(marketer):
    request = ContentRequestFactory()
    client = api_for(marketer)
    assert client.put(detail(request.pk), {"title": "x"}, format="json").status_code == 405
    assert client.delete(detail(request.pk)).status_code == 405


def test_plus_one_is_201_then_200_and_refused_on_your_own_request(rep, other_rep):
    request = ContentRequestFactory(requester=other_rep)
    DealFactory(crm_id="006D", owner=rep)
    client = api_for(rep)
    first = client.post(detail(request.pk, "support/"), {"deal": "006D"}, format="json")
    second = client.post(detail(request.pk, "support/"), {}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == {"request": request.pk, "user": "rep", "deal": "006D", "created": True}
    assert RequestSupport.objects.filter(request=request).count() == 1
    own = ContentRequestFactory(requester=rep)
    refused = client.post(detail(own.pk, "support/"), {}, format="json")
    assert refused.status_code == 400 and "own request" in refused.json()["detail"]


def test_comments_are_listed_and_added(rep, marketer):
    request = ContentRequestFactory(requester=rep)
    RequestComment.objects.create(request=request, author=marketer, body="On it.")
    client = api_for(rep)
    posted = client.post(detail(request.pk, "comments/"), {"body": "Thanks!"}, format="json")
    assert posted.status_code == 201 and posted.json()["author"] == "rep"
    listed = client.get(detail(request.pk, "comments/")).json()
    assert [c["body"] for c in listed] == ["On it.", "Thanks!"]
    assert client.post(detail(request.pk, "comments/"), {"body": ""}, format="json").status_code == 400


def test_a_rep_cannot_comment_on_another_reps_closed_request(rep, other_rep):
    request = request_in(RequestStatus.DECLINED, requester=other_rep, decline_reason="No.")
    assert api_for(rep).post(detail(request.pk, "comments/"), {"body": "Hm"}, format="json").status_code == 404


def test_the_list_exposes_the_sla_clock(marketer):
    request_in(RequestStatus.NEW, triage_due=timezone.localdate() - datetime.timedelta(days=2))
    row = api_for(marketer).get(LIST).json()["results"][0]
    assert (row["is_overdue"], row["sla_state"], row["sla_label"]) == (True, "overdue", "Triage overdue")


def test_a_request_in_progress_past_its_needed_by_date_is_not_overdue_it_was_triaged_in_time(marketer):
    today = timezone.localdate()
    request_in(
        RequestStatus.IN_PROGRESS,
        triage_due=today - datetime.timedelta(days=5),
        triaged_at=timezone.now() - datetime.timedelta(days=6),
        needed_by=today - datetime.timedelta(days=1),
    )
    row = api_for(marketer).get(LIST).json()["results"][0]
    assert (row["is_overdue"], row["sla_state"], row["sla_label"]) == (False, "met", "Triaged in time")


# The same request filed twice


def _file(client, title="Migration guide", **extra):
    body = {"title": title, "description": "Buyers fear the switch.", "check_duplicate": True, **extra}
    return client.post(LIST, body, format="json")


def test_filing_the_same_request_again_is_a_409_naming_the_first_and_writes_nothing(rep):
    client = api_for(rep)
    first = _file(client).json()
    again = _file(client, title="  migration GUIDE ")
    assert again.status_code == 409
    body = again.json()
    assert (body["code"], body["existing_id"]) == ("duplicate_request", first["id"])
    assert body["existing_url"].endswith(f"/requests/{first['id']}/")
    assert f"request #{first['id']}" in body["detail"]
    assert ContentRequest.objects.count() == 1


def test_without_check_duplicate_the_api_files_it_as_before(rep):
    client = api_for(rep)
    _file(client)
    second = _file(client, check_duplicate=False)
    assert second.status_code == 201
    third = client.post(LIST, {"title": "Migration guide", "description": "Again."}, format="json")
    assert third.status_code == 201
    assert ContentRequest.objects.filter(title="Migration guide").count() == 3


@pytest.mark.parametrize(
    "why",
    ["another requester", "another title", "the first is closed", "the first is older than the window"],
)
def test_only_the_same_requester_title_open_and_recent_counts_as_the_same_request(rep, other_rep, why):
    first = ContentRequestFactory(requester=rep, title="Migration guide")
    client = api_for(rep)
    title = "Migration guide"
    if why == "another requester":
        client = api_for(other_rep)
    elif why == "another title":
        title = "Migration guide for CFOs"
    elif why == "the first is closed":
        ContentRequest.objects.filter(pk=first.pk).update(status=RequestStatus.DECLINED, decline_reason="No.")
    else:
        ContentRequest.objects.filter(pk=first.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert _file(client, title=title).status_code == 201


def test_a_window_of_zero_turns_the_check_off(rep, settings):
    settings.REQUEST_DUPLICATE_WINDOW_HOURS = 0
    client = api_for(rep)
    _file(client)
    assert _file(client).status_code == 201


def test_the_schema_documents_the_409_and_check_duplicate(marketer):
    schema = api_for(marketer).get("/api/schema/", {"format": "json"}).json()
    create = schema["paths"]["/api/v1/requests/"]["post"]
    assert "409" in create["responses"]
    body = create["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "check_duplicate" in schema["components"]["schemas"][body]["properties"]


@pytest.mark.parametrize("count", [10, 1000])
def test_the_list_runs_a_constant_number_of_queries(marketer, count):
    requester = UserFactory(groups=["Sales"])
    deal = DealFactory()
    ContentRequest.objects.bulk_create(
        ContentRequest(title=f"R{i}", description="d", requester=requester, deal=deal if i % 2 else None)
        for i in range(count)
    )
    client = api_for(marketer)
    # roles of the user 1, count 1, the page with every figure and related row 1 = 3
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"page_size": 100})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(count, 100)
    assert len(queries) == 3, "\n".join(q["sql"][:120] for q in queries)


@pytest.mark.parametrize("params", [{"assignee": "marketer"}, {"assignee": "none"}, {"status": "accepted"}])
def test_the_board_and_the_api_filter_the_same_requests(marketer, marketer_client, params):
    request_in(RequestStatus.ACCEPTED, assignee=marketer, title="Assigned")
    request_in(RequestStatus.NEW, title="Nobody's")
    ids = {r["id"] for r in api_for(marketer).get(LIST, params).json()["results"]}
    board = marketer_client.get("/requests/triage/", params)
    shown = {card.pk for column in board.context["columns"] for card in column["cards"]}
    assert ids and ids == shown


def test_a_bad_filter_is_a_400_naming_it_on_the_api_and_a_message_on_the_board(marketer, marketer_client):
    response = api_for(marketer).get(LIST, {"status": "lost"})
    assert response.status_code == 400 and list(response.json()) == ["status"]
    board = marketer_client.get("/requests/triage/", {"status": "lost"})
    assert board.status_code == 400 and "These filters cannot be used" in board.content.decode()
