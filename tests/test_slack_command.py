"""The /library slash command: a signed request from a linked member gets the library's own top
three (the ranking of GET /api/v1/assets/?q=, under that member's visibility rules) with links; an
unlinked member is told where to link their account; unsigned, stale and replayed requests are a
401 and nothing is done."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import AssetStatus, SearchLog, SlackProfile

from .factories import AssetFactory
from .slack_helpers import COMMAND_URL, SIGNING_SECRET, command_form, signed_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def slack_on(settings):
    settings.SLACK_BOT_TOKEN = "xoxb-test-token"
    settings.SLACK_SIGNING_SECRET = SIGNING_SECRET


@pytest.fixture
def library():
    titles = [
        "Pricing objection: too expensive",
        "Pricing battle card against Rival",
        "Healthcare pricing one-pager",
        "Pricing calculator deck",
        "Onboarding guide",
    ]
    return [AssetFactory(title=title, summary=f"About {title.lower()}.") for title in titles]


def link_slack(user, member_id="U0REP"):
    return SlackProfile.objects.create(user=user, member_id=member_id)


def texts(answer) -> str:
    return "\n".join(block["text"]["text"] for block in answer.get("blocks", []) if "text" in block) + answer["text"]


def test_a_linked_rep_gets_the_librarys_own_top_three_with_links(slack_on, client, rep, rep_api, library):
    link_slack(rep)
    response = signed_command(client, command_form("U0REP", "pricing"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    expected = rep_api.get("/api/v1/assets/", {"q": "pricing"}).json()["results"][:3]
    assert len(expected) == 3
    sections = answer["blocks"][1:4]
    for block, asset in zip(sections, expected, strict=True):
        assert f"<http://127.0.0.1:8000/assets/{asset['id']}/|{asset['title']}>" in block["text"]["text"]
    assert answer["blocks"][0]["text"]["text"] == "*Top 3 for “pricing”*"
    assert "http://127.0.0.1:8000/?q=pricing" in answer["blocks"][-1]["elements"][0]["text"]
    # counted in search analytics like any search (the command's, then the API call's)
    assert list(SearchLog.objects.order_by("id").values_list("query", flat=True)) == ["pricing", "pricing"]


def test_a_rep_never_sees_a_draft_that_a_marketer_would(slack_on, client, rep, marketer):
    AssetFactory(title="Pricing draft in progress", status=AssetStatus.DRAFT, published_at=None)
    link_slack(rep, "U0REP")
    link_slack(marketer, "U0MKT")
    as_rep = signed_command(client, command_form("U0REP", "pricing draft")).json()
    assert "Pricing draft in progress" not in texts(as_rep)
    assert "Nothing in the library matches" in as_rep["text"]
    as_marketer = signed_command(client, command_form("U0MKT", "pricing draft")).json()
    assert "Pricing draft in progress" in texts(as_marketer) and "_draft_" in texts(as_marketer)


def test_an_unlinked_member_is_told_where_to_link_their_account(slack_on, client, library):
    answer = signed_command(client, command_form("U0STRANGER", "pricing")).json()
    assert answer == {
        "response_type": "ephemeral",
        "text": "Your Slack account is not linked to the content library. Link your account at "
        "http://127.0.0.1:8000/settings/slack/ and try again.",
    }
    assert not SearchLog.objects.exists()


def test_a_deactivated_account_is_as_good_as_unlinked(slack_on, client, rep, library):
    link_slack(rep)
    rep.is_active = False
    rep.save()
    assert "not linked" in signed_command(client, command_form("U0REP", "pricing")).json()["text"]


def test_a_linked_account_with_no_role_reads_nothing(slack_on, client, outsider, library):
    link_slack(outsider, "U0OUT")
    answer = signed_command(client, command_form("U0OUT", "pricing")).json()
    assert "no role that may read the library" in answer["text"] and "blocks" not in answer


@pytest.mark.parametrize("words", ["", "   ", "\x00\x01"])
def test_no_words_get_a_hint_instead_of_the_whole_library(slack_on, client, rep, library, words):
    link_slack(rep)
    answer = signed_command(client, command_form("U0REP", words)).json()
    assert answer["text"].startswith("Type what you need after the command") and "blocks" not in answer
    assert not SearchLog.objects.exists()


@pytest.mark.parametrize(
    "words",
    [
        "<!channel> pricing",
        "<@U0BOSS> <http://evil.example|pricing>",
        "pricing & *bold* _it_ `code` ~x~",
        "pricing " + "x" * 5000,
        "' OR 1=1 -- pricing",
        '"pricing" -onboarding or (',
        "价格 pricing 🚀",
    ],
)
def test_hostile_words_are_searched_as_words_and_echoed_as_text(slack_on, client, rep, library, words):
    link_slack(rep)
    response = signed_command(client, command_form("U0REP", words))
    assert response.status_code == 200
    answer = response.json()
    shown = texts(answer)
    for raw in ("<!channel>", "<@U0BOSS>", "<http://evil"):
        assert raw not in shown
    assert len(answer["text"]) < 1000


def test_a_title_cannot_forge_a_mention_or_a_link(slack_on, client, rep):
    AssetFactory(title="Pricing <!here> | <http://evil.example|win>")
    link_slack(rep)
    shown = texts(signed_command(client, command_form("U0REP", "pricing")).json())
    assert "<!here>" not in shown and "<http://evil" not in shown
    assert "Pricing &lt;!here&gt; ¦ &lt;http://evil.example¦win&gt;" in shown


def test_slacks_ssl_check_is_answered_empty(slack_on, client):
    response = signed_command(client, {"ssl_check": "1", "token": "x"})
    assert response.status_code == 200 and response.json() == {}


# -- signatures ---------------------------------------------------------------------------------------


def _refused(response):
    return response.status_code == 401 and response.json() == {"detail": "Invalid, stale or replayed Slack signature."}


def test_an_unsigned_request_is_refused_and_nothing_is_done(slack_on, client, rep, library):
    link_slack(rep)
    response = client.post(COMMAND_URL, data=command_form("U0REP", "pricing"))
    assert _refused(response)
    assert not SearchLog.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"secret": "another-secret"},
        {"signature": "v0=" + "0" * 64},
        {"signature": "v1=abc"},
        {"timestamp": "not-a-number"},
        {"timestamp": "9" * 40},
        {"timestamp": ""},
    ],
    ids=["wrong secret", "wrong digest", "other scheme", "word timestamp", "huge timestamp", "no timestamp"],
)
def test_a_wrongly_signed_request_is_refused(slack_on, client, rep, library, change):
    link_slack(rep)
    assert _refused(signed_command(client, command_form("U0REP", "pricing"), **change))
    assert not SearchLog.objects.exists()


# 10 s past the window either way: a busy machine may take a second or two between signing and checking
@pytest.mark.parametrize("offset", [-310, 310, -3600])
def test_a_request_signed_outside_the_five_minute_window_is_refused(slack_on, client, rep, library, offset):
    link_slack(rep)
    stale = int(time.time()) + offset
    assert _refused(signed_command(client, command_form("U0REP", "pricing"), timestamp=stale))


def test_a_request_signed_within_the_window_is_answered(slack_on, client, rep, library):
    link_slack(rep)
    response = signed_command(client, command_form("U0REP", "pricing"), timestamp=int(time.time()) - 240)
    assert response.status_code == 200


def test_a_body_changed_after_signing_is_refused(slack_on, client, rep, library):
    link_slack(rep)
    timestamp = str(int(time.time()))
    from urllib.parse import urlencode

    from slack_sdk.signature import SignatureVerifier

    signed = SignatureVerifier(SIGNING_SECRET).generate_signature(
        timestamp=timestamp, body=urlencode(command_form("U0OTHER", "pricing"))
    )
    response = signed_command(
        client, command_form("U0REP", "pricing"), timestamp=timestamp, signature=signed
    )  # someone else's body under this signature
    assert _refused(response)


def test_a_replayed_request_is_refused(slack_on, client, rep, library):
    link_slack(rep)
    timestamp = str(int(time.time()))
    first = signed_command(client, command_form("U0REP", "pricing"), timestamp=timestamp)
    again = signed_command(client, command_form("U0REP", "pricing"), timestamp=timestamp)
    assert first.status_code == 200 and _refused(again)
    assert SearchLog.objects.count() == 1


def test_without_a_signing_secret_every_request_is_refused(settings, client, rep, library):
    settings.SLACK_SIGNING_SECRET = ""
    link_slack(rep)
    assert _refused(signed_command(client, command_form("U0REP", "pricing"), secret="anything"))


def test_the_command_takes_no_get_and_needs_no_csrf_token_but_pages_still_do(slack_on, rep, library):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    link_slack(rep)
    assert strict.get(COMMAND_URL).status_code == 405
    assert signed_command(strict, command_form("U0REP", "pricing")).status_code == 200
    strict.force_login(rep)
    assert strict.post("/settings/slack/", {"member_id": "U0REP"}).status_code == 403  # CSRF still applies


def test_the_command_is_in_the_api_schema(admin_client):
    schema = admin_client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/integrations/slack/commands/"]["post"]
    assert (
        "401" in operation["responses"] and "application/x-www-form-urlencoded" in operation["requestBody"]["content"]
    )


def _command_queries(client, words) -> int:
    # other words each time: the same body signed in the same second would be a replay (401)
    with CaptureQueriesContext(connection) as queries:
        assert signed_command(client, command_form("U0REP", words)).status_code == 200
    return len(queries)


def test_the_command_runs_the_same_queries_whatever_the_library_size(slack_on, client, rep):
    link_slack(rep)
    for number in range(5):
        AssetFactory(title=f"Pricing sheet {number}", summary="Pricing for every segment.")
    signed_command(client, command_form("U0REP", "warm up"))  # per-process caches (content types, search words)
    small = _command_queries(client, "pricing sheet")
    for number in range(5, 60):
        AssetFactory(title=f"Pricing sheet {number}", summary="Pricing for every segment.")
    # Queries: the replay cache's add (a count for culling, then the key read and written, in a
    # savepoint), the linked profile with its user, the user's roles, the ranked top three (the
    # search's statements, PostgreSQL's in a savepoint with its planner setting), the search log.
    assert small == _command_queries(client, "sheet pricing") <= 15
