"""The MCP server at /mcp/, through the SDK's own client against a live server: each tool, each
role's refusals, bad arguments, and calls without a valid token."""

import datetime

import httpx
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from mcp.shared.exceptions import McpError
from rest_framework.authtoken.models import Token

from content.models import (
    AssetKind,
    AssetStatus,
    ContentRequest,
    FunnelStage,
    Persona,
    SearchLog,
    ShareLink,
    Usage,
)
from content.taxonomy_defaults import FUNNEL_STAGES, GROUPS, PERSONAS
from content.tokens import token_issue, token_revoke

from .factories import AssetFactory, CompetitorFactory, ContentRequestFactory, DealFactory, UserFactory
from .mcp_helpers import call_tool, http_failure, with_session

pytestmark = pytest.mark.django_db(transaction=True)

TOOL_NAMES = {"search_assets", "get_asset", "prepare_deal", "log_usage", "create_share_link", "submit_request"}


class World:
    """Five people, a few assets around one competitor and stage, a deal for each of two reps."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.url = base_url + "/mcp/"
        # A transactional test flushes every table afterwards, seeded rows included: seed them again.
        for stage in FUNNEL_STAGES:
            FunnelStage.objects.update_or_create(slug=stage["slug"], defaults=stage)
        for persona in PERSONAS:
            Persona.objects.update_or_create(slug=persona["slug"], defaults=persona)
        for name in GROUPS:
            Group.objects.get_or_create(name=name)
        self.rep = UserFactory(username="rep", groups=["Sales"])
        self.other_rep = UserFactory(username="rep2", groups=["Sales"])
        self.marketer = UserFactory(username="marketer", groups=["Marketing"])
        self.manager = UserFactory(username="manager", groups=["Managers"])
        self.outsider = UserFactory(username="outsider", groups=[])
        self.stage = FunnelStage.objects.get(slug="evaluating")
        self.rival = CompetitorFactory(name="Ledgerly")
        self.case_study = self._asset(
            kind=AssetKind.CASE_STUDY,
            title="Northwind cut invoice processing by 80%",
            summary="How Northwind automated invoice approval in six weeks.",
            customer="Northwind",
        )
        self.one_pager = self._asset(title="Invoice automation one-pager", summary="Invoice capture, in one page.")
        self.battle_card = self._asset(kind=AssetKind.BATTLE_CARD, title="Battle card: Ledgerly", summary="Win.")
        self.objection = self._asset(
            kind=AssetKind.OBJECTION,
            title="Too expensive",
            objection="Your invoice tool costs too much.",
            response="Compare it with the manual work it replaces.",
        )
        self.draft = self._asset(title="Invoice roadmap draft", status=AssetStatus.DRAFT, published_at=None)
        self.rep_deal = self._deal("006REP0001", "Acme renewal", self.rep)
        self.other_deal = self._deal("006OTHER001", "Globex secret expansion", self.other_rep)
        self.tokens = {
            user.username: token_issue(user=user).key
            for user in (self.rep, self.other_rep, self.marketer, self.manager, self.outsider)
        }

    def _asset(self, **fields):
        asset = AssetFactory(**fields)
        asset.stages.add(self.stage)
        asset.competitors.add(self.rival)
        return asset

    def _deal(self, crm_id, name, owner):
        deal = DealFactory(crm_id=crm_id, name=name, owner=owner, funnel_stage=self.stage)
        deal.competitors.add(self.rival)
        return deal

    def call(self, who: str, tool: str, arguments: dict | None = None):
        return call_tool(self.url, self.tokens[who], tool, arguments)

    def asset_url(self, asset) -> str:
        return f"{self.base}/assets/{asset.pk}/"


@pytest.fixture
def world(live_server):
    return World(live_server.url)


def refusal(result) -> str:
    """The text of a tool error; a refusal carries no structured data."""
    assert result.isError, result
    assert result.structuredContent is None
    [content] = result.content
    return content.text


# The session -------------------------------------------------------------------------------------


def test_the_server_lists_its_tools_and_the_shared_definitions(world):
    async def listing(session):
        return await session.list_tools(), await session.list_resources()

    tools, resources = with_session(world.url, world.tokens["rep"], listing)
    assert {tool.name for tool in tools.tools} == TOOL_NAMES
    search = next(tool for tool in tools.tools if tool.name == "search_assets")
    assert search.inputSchema["required"] == ["query"] and search.annotations.readOnlyHint is True
    assert {str(r.uri) for r in resources.resources} == {
        "enablement://definitions/stages",
        "enablement://definitions/personas",
        "enablement://definitions/competitors",
    }


def test_the_definitions_read_as_the_definitions_page_shows_them(world):
    async def read(session):
        return await session.read_resource("enablement://definitions/stages")

    [contents] = with_session(world.url, world.tokens["rep"], read).contents
    assert contents.mimeType == "text/markdown"
    assert "## 4. Evaluating (`evaluating`)" in contents.text
    assert FUNNEL_STAGES[3]["definition"] in contents.text
    assert f"{world.base}/definitions/" in contents.text


# search_assets ------------------------------------------------------------------------------------


def test_search_ranks_as_the_api_does_and_cites_each_title_and_url(world):
    result = world.call("rep", "search_assets", {"query": "invoice"})
    assert not result.isError
    found = result.structuredContent["results"]
    api = httpx.get(
        f"{world.base}/api/v1/assets/",
        params={"q": "invoice"},
        headers={"Authorization": f"Token {world.tokens['rep']}"},
    ).json()
    assert [item["id"] for item in found] == [item["id"] for item in api["results"]]
    # the two with "invoice" in their title; the draft has it too, but is not the rep's to see
    assert result.structuredContent["count"] == api["count"] == 2
    assert {item["id"] for item in found} == {world.case_study.pk, world.one_pager.pk}
    text = result.content[0].text
    for item in found:
        assert item["url"] == f"{world.base}/assets/{item['id']}/"
        assert f"{item['title']} — {item['url']}" in text
    assert SearchLog.objects.filter(user=world.rep, query="invoice", result_count=2).exists()


def test_search_filters_by_kind_and_sees_drafts_only_for_marketing(world):
    cases = world.call("rep", "search_assets", {"query": "invoice", "kind": "case_study"}).structuredContent
    assert [item["id"] for item in cases["results"]] == [world.case_study.pk]
    drafts = world.call("marketer", "search_assets", {"query": "roadmap"}).structuredContent
    assert [item["id"] for item in drafts["results"]] == [world.draft.pk]


def test_search_gives_the_passage_that_matches(live_server, counting_encoder):
    world = World(live_server.url)
    result = world.call("rep", "search_assets", {"query": "Northwind invoice approval", "mode": "hybrid"})
    first = result.structuredContent["results"][0]
    assert first["id"] == world.case_study.pk
    assert first["passage"]["text"].startswith("Northwind cut invoice processing")
    assert first["passage"]["url"] == world.asset_url(world.case_study) + "#passage-0"
    assert first["passage"]["url"] in result.content[0].text


def test_search_with_an_unknown_stage_finds_nothing_as_the_api_does(world):
    result = world.call("rep", "search_assets", {"query": "invoice", "stage": "nowhere"})
    assert result.structuredContent["results"] == []
    assert result.content[0].text == "No asset you can open matches “invoice”."


# get_asset ----------------------------------------------------------------------------------------


def test_get_asset_gives_the_api_fields_and_the_asset_url(world):
    result = world.call("rep", "get_asset", {"asset_id": world.objection.pk})
    data = result.structuredContent
    assert data["title"] == "Too expensive" and data["response"] == "Compare it with the manual work it replaces."
    assert data["url"] == world.asset_url(world.objection)
    assert data["competitors"] == [world.rival.slug]
    assert f"Too expensive (Objection entry) — {world.asset_url(world.objection)}" in result.content[0].text


def test_a_rep_cannot_read_a_draft_but_a_marketer_can(world):
    text = refusal(world.call("rep", "get_asset", {"asset_id": world.draft.pk}))
    assert text == f"No asset with id {world.draft.pk} that you can open."
    assert "roadmap" not in text
    assert world.call("marketer", "get_asset", {"asset_id": world.draft.pk}).structuredContent["status"] == "draft"


# prepare_deal -------------------------------------------------------------------------------------


def test_prepare_deal_lists_what_to_bring_with_titles_and_urls(world):
    result = world.call("rep", "prepare_deal", {"crm_id": "006REP0001"})
    prep = result.structuredContent
    assert prep["deal"]["name"] == "Acme renewal" and prep["deal"]["prep_url"] == f"{world.base}/prep/006REP0001/"
    assert {item["id"] for item in prep["recommended"]} == {world.case_study.pk, world.one_pager.pk}
    assert [item["id"] for item in prep["objections"]] == [world.objection.pk]
    assert prep["battle_cards"] == [
        {
            "competitor": "Ledgerly",
            "asset": {
                "id": world.battle_card.pk,
                "title": "Battle card: Ledgerly",
                "kind": "battle_card",
                "url": world.asset_url(world.battle_card),
            },
        }
    ]
    assert f"Battle card: Ledgerly — {world.asset_url(world.battle_card)}" in result.content[0].text


def test_another_reps_deal_is_refused_with_no_data(world):
    text = refusal(world.call("rep", "prepare_deal", {"crm_id": "006OTHER001"}))
    assert text == "No deal with CRM id “006OTHER001” among the deals you may see."
    assert "Globex" not in text
    # The same words as a deal that does not exist: CRM ids cannot be probed.
    assert refusal(world.call("rep", "prepare_deal", {"crm_id": "006NONE"})) == (
        "No deal with CRM id “006NONE” among the deals you may see."
    )


@pytest.mark.parametrize("who", ["marketer", "manager"])
def test_marketing_and_managers_prepare_any_deal(world, who):
    result = world.call(who, "prepare_deal", {"crm_id": "006OTHER001"})
    assert result.structuredContent["deal"]["name"] == "Globex secret expansion"


# log_usage ----------------------------------------------------------------------------------------


def test_log_usage_records_a_use_in_the_reps_deal(world):
    arguments = {"asset_id": world.case_study.pk, "crm_id": "006REP0001", "action": "shared", "helpful": 4}
    result = world.call("rep", "log_usage", arguments)
    usage = Usage.objects.get()
    assert (usage.user, usage.deal, usage.asset, usage.helpful, usage.stage) == (
        world.rep,
        world.rep_deal,
        world.case_study,
        4,
        world.stage,
    )
    assert result.structuredContent["asset"]["url"] == world.asset_url(world.case_study)
    assert world.asset_url(world.case_study) in result.content[0].text


def test_log_usage_in_another_reps_deal_is_refused_and_writes_nothing(world):
    arguments = {"asset_id": world.case_study.pk, "crm_id": "006OTHER001", "action": "shared"}
    text = refusal(world.call("rep", "log_usage", arguments))
    assert "006OTHER001 is not yours" in text
    heard = {"asset_id": world.case_study.pk, "crm_id": "006REP0001", "action": "heard"}
    assert refusal(world.call("rep", "log_usage", heard)) == "action: 'heard' is only for objection entries."
    assert not Usage.objects.exists()


# create_share_link --------------------------------------------------------------------------------


def test_create_share_link_gives_the_buyer_url_and_cites_the_assets(world):
    arguments = {"asset_ids": [world.case_study.pk, world.one_pager.pk], "crm_id": "006REP0001", "note": "As promised"}
    result = world.call("rep", "create_share_link", arguments)
    link = ShareLink.objects.get()
    assert (link.deal, link.created_by, link.note) == (world.rep_deal, world.rep, "As promised")
    assert result.structuredContent["url"] == link.public_url  # SITE_URL, as the API and the pages give it
    assert [item["id"] for item in result.structuredContent["assets"]] == [world.case_study.pk, world.one_pager.pk]
    assert f"Northwind cut invoice processing by 80% — {world.asset_url(world.case_study)}" in result.content[0].text


def test_share_links_follow_the_sharing_rules(world):
    internal = {"asset_ids": [world.battle_card.pk], "crm_id": "006REP0001"}
    assert "internal, for the seller's side only" in refusal(world.call("rep", "create_share_link", internal))
    others = {"asset_ids": [world.case_study.pk], "crm_id": "006OTHER001"}
    assert refusal(world.call("rep", "create_share_link", others)) == (
        "deal: No deal with this CRM id among your deals."
    )
    assert "006OTHER001 is not yours" in refusal(world.call("marketer", "create_share_link", others))
    assert not ShareLink.objects.exists()
    assert not world.call("manager", "create_share_link", others).isError  # managers send links in any deal
    assert ShareLink.objects.get().created_by == world.manager


# submit_request -----------------------------------------------------------------------------------


def test_submit_request_files_a_request_for_marketing(world):
    earlier = ContentRequestFactory(title="Ledgerly pricing sheet", requester=world.other_rep)
    arguments = {
        "title": "Ledgerly pricing comparison",
        "description": "Buyers ask how our price compares.",
        "kind": "comparison_guide",
        "stage": "evaluating",
        "competitor": world.rival.slug,
        "crm_id": "006REP0001",
    }
    result = world.call("rep", "submit_request", arguments)
    request = ContentRequest.objects.exclude(pk=earlier.pk).get()
    assert (request.requester, request.deal, request.stage, request.competitor, request.status) == (
        world.rep,
        world.rep_deal,
        world.stage,
        world.rival,
        "new",
    )
    answer, text = result.structuredContent, result.content[0].text
    assert answer["url"] == f"{world.base}/requests/{request.pk}/" and answer["url"] in text
    # what already answers it, as the request form suggests while it is typed
    assert world.battle_card.pk in {item["id"] for item in answer["matching_assets"]}
    assert f"Battle card: Ledgerly — {world.asset_url(world.battle_card)}" in text
    assert answer["open_requests"] == [
        {"id": earlier.pk, "title": "Ledgerly pricing sheet", "url": f"{world.base}/requests/{earlier.pk}/"}
    ]


def test_submit_request_refuses_another_reps_deal_and_unknown_slugs(world):
    base = {"title": "Need a deck", "description": "For the board."}
    assert refusal(world.call("rep", "submit_request", {**base, "crm_id": "006OTHER001"})).startswith("deal:")
    assert refusal(world.call("rep", "submit_request", {**base, "persona": "nobody"})).startswith("persona:")
    assert refusal(world.call("rep", "submit_request", {**base, "needed_by": "yesterday"})).startswith("needed_by:")
    assert not ContentRequest.objects.exists()


def test_submitting_the_same_open_request_again_is_refused_naming_the_first(world):
    base = {"title": "Need a deck", "description": "For the board."}
    assert not world.call("rep", "submit_request", base).isError
    first = ContentRequest.objects.get()
    assert f"request #{first.pk}" in refusal(world.call("rep", "submit_request", base))
    assert ContentRequest.objects.count() == 1


# Roles --------------------------------------------------------------------------------------------


def test_someone_in_no_role_gets_nothing_from_any_tool_or_resource(world):
    calls = {
        "search_assets": {"query": "invoice"},
        "get_asset": {"asset_id": world.case_study.pk},
        "prepare_deal": {"crm_id": "006REP0001"},
        "log_usage": {"asset_id": world.case_study.pk, "crm_id": "006REP0001", "action": "shared"},
        "create_share_link": {"asset_ids": [world.case_study.pk], "crm_id": "006REP0001"},
        "submit_request": {"title": "Need a deck", "description": "For the board."},
    }
    for tool, arguments in calls.items():
        assert refusal(world.call("outsider", tool, arguments)).startswith("Your role may not do this"), tool

    async def read(session):
        return await session.read_resource("enablement://definitions/personas")

    with pytest.raises(McpError, match="Your role may not do this"):
        with_session(world.url, world.tokens["outsider"], read)
    assert not (Usage.objects.exists() or ShareLink.objects.exists() or ContentRequest.objects.exists())


# Bad input ----------------------------------------------------------------------------------------


def test_an_unknown_tool_is_a_protocol_error(world):
    with pytest.raises(McpError, match="Unknown tool: delete_everything"):
        world.call("rep", "delete_everything", {})


@pytest.mark.parametrize(
    "tool,arguments,message",
    [
        ("get_asset", {"asset_id": "seven"}, "'seven' is not of type 'integer'"),
        ("get_asset", {}, "'asset_id' is a required property"),
        ("search_assets", {"query": "invoice", "limit": 500}, "500 is greater than the maximum of 20"),
        ("search_assets", {"query": "invoice", "kind": "poem"}, "'poem' is not one of"),
        ("prepare_deal", {"crm_id": "006REP0001", "extra": 1}, "Additional properties are not allowed"),
        ("create_share_link", {"asset_ids": "1,2", "crm_id": "006REP0001"}, "'1,2' is not of type 'array'"),
        ("log_usage", {"asset_id": 1, "crm_id": "006REP0001", "action": "sold"}, "'sold' is not one of"),
    ],
)
def test_wrong_arguments_are_refused_by_the_schema(world, tool, arguments, message):
    text = refusal(world.call("rep", tool, arguments))
    assert text.startswith("Input validation error:") and message in text


def test_an_unknown_resource_is_a_protocol_error(world):
    async def read(session):
        return await session.read_resource("enablement://definitions/secrets")

    with pytest.raises(McpError, match="Unknown resource"):
        with_session(world.url, world.tokens["rep"], read)


# Authentication -----------------------------------------------------------------------------------


def test_without_a_token_the_client_is_refused_with_401(world):
    assert http_failure(world.url, None) == 401
    assert http_failure(world.url, "not-a-token") == 401
    raw = httpx.post(world.url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert raw.status_code == 401 and raw.headers["WWW-Authenticate"].startswith("Bearer")
    assert raw.json()["error"]["message"] == "Send your API token as 'Authorization: Bearer <token>'."


def test_a_revoked_or_expired_token_is_refused(world, settings):
    token = world.tokens["rep"]
    assert with_session(world.url, token, lambda session: session.send_ping()) is not None
    token_revoke(user=world.rep)
    assert http_failure(world.url, token) == 401
    marketer_token = world.tokens["marketer"]
    Token.objects.filter(key=marketer_token).update(created=timezone.now() - datetime.timedelta(days=400))
    assert http_failure(world.url, marketer_token) == 401
    raw = httpx.post(world.url, json={}, headers={"Authorization": f"Bearer {marketer_token}"})
    assert raw.json()["error"]["message"] == "Invalid token."  # expired: refused, then deleted


def test_the_apis_token_scheme_works_too(world):
    tools = with_session(world.url, world.tokens["rep"], lambda session: session.list_tools(), scheme="Token")
    assert {tool.name for tool in tools.tools} == TOOL_NAMES


def test_the_endpoint_opens_no_stream(world):
    headers = {"Authorization": f"Bearer {world.tokens['rep']}", "Accept": "text/event-stream"}
    response = httpx.get(world.url, headers=headers, timeout=10)
    assert response.status_code == 405 and response.headers["Allow"] == "POST"


# Single sign-on: the company's provider's access token ---------------------------------------------


def _linked_at_the_provider(sso, user, provider_groups):
    """The state a first sign-in through single sign-on leaves: the provider's identity linked here."""
    from content.models import Person

    subject = sso.user(user.username, groups=provider_groups)
    Person.objects.update_or_create(user=user, defaults={"sso_issuer": sso.issuer, "sso_subject": subject})
    return sso.access_token(user.username)


def test_an_access_token_of_the_provider_works_for_a_linked_account_with_its_roles(world, sso):
    access_token = _linked_at_the_provider(sso, world.rep, ["sales-team"])
    tools = with_session(world.url, access_token, lambda session: session.list_tools())
    assert {tool.name for tool in tools.tools} == TOOL_NAMES
    found = call_tool(world.url, access_token, "search_assets", {"query": "invoice"}).structuredContent
    titles = {asset["title"] for asset in found["results"]}
    assert world.one_pager.title in titles and world.draft.title not in titles  # the rep's rules
    refused = call_tool(world.url, access_token, "prepare_deal", {"crm_id": world.other_deal.crm_id})
    assert "Globex" not in refusal(refused)


def test_a_provider_token_is_refused_unlinked_expired_or_once_the_account_is_deactivated(world, sso):
    sso.user("stranger", groups=["sales-team"])  # known to the provider, never signed in here
    stranger = sso.access_token("stranger")
    assert http_failure(world.url, stranger) == 401
    raw = httpx.post(world.url, json={}, headers={"Authorization": f"Bearer {stranger}"})
    assert "neither an API token nor an access token of Example Corp" in raw.json()["error"]["message"]
    access_token = _linked_at_the_provider(sso, world.rep, ["sales-team"])
    assert http_failure(world.url, sso.access_token("rep", expired=True)) == 401
    assert with_session(world.url, access_token, lambda session: session.send_ping()) is not None
    world.rep.is_active = False
    world.rep.save()
    assert http_failure(world.url, access_token) == 401  # the provider's answer is kept; the account is read


def test_without_single_sign_on_a_bearer_is_only_an_api_token(world, settings):
    settings.OIDC_ISSUER = ""
    raw = httpx.post(world.url, json={}, headers={"Authorization": "Bearer some-provider-token"})
    assert raw.status_code == 401 and raw.json()["error"]["message"] == "Invalid token."
