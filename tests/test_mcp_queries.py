"""The MCP tools run a fixed number of SQL queries whatever the data size: each call posted to
/mcp/ in process (stateless, so one POST is a whole call) at two data sizes."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import AssetKind, FunnelStage
from content.tokens import token_issue

from .factories import AssetFactory, CompetitorFactory, DealFactory

pytestmark = pytest.mark.django_db


def post_call(client, token, tool, arguments):
    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
    response = client.post(
        "/mcp/",
        data=json.dumps(message),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"},
    )
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    assert not result["isError"], result
    return result["structuredContent"]


def queries_for(client, token, tool, arguments):
    with CaptureQueriesContext(connection) as captured:
        answer = post_call(client, token, tool, arguments)
    return len(captured), answer


@pytest.fixture
def setting(rep):
    stage = FunnelStage.objects.get(slug="evaluating")
    rival = CompetitorFactory(name="Ledgerly")
    deal = DealFactory(crm_id="006REP0001", owner=rep, funnel_stage=stage)
    deal.competitors.add(rival)

    def add_assets(count):
        for n in range(count):
            for kind in (AssetKind.CASE_STUDY, AssetKind.OBJECTION, AssetKind.BATTLE_CARD):
                asset = AssetFactory(kind=kind, title=f"Invoice {kind} {n}", summary="Invoice capture.")
                asset.stages.add(stage)
                asset.competitors.add(rival)
                asset.tags.add(f"tag{n}")

    return {"token": token_issue(user=rep).key, "add_assets": add_assets}


# Each call reads the token with its user and the user's roles (1), then
# - search_assets: the library version its ranking is kept under (the shared cache's table without
#   Redis), the assets pinned by a competitor or customer named in the query, whether few assets
#   have support, the candidates, the ranked page's ids, its assets, their taxonomy, and writes the
#   search log row (9 on SQLite; PostgreSQL's backend plans its own, as constant);
# - prepare_deal: the deal, its personas, its competitors, the recommended assets, the objection
#   entries, the battle cards, and the two that give each pick its reasons (9);
# - get_asset: the asset, its stages, personas, competitors and tags (6).
@pytest.mark.parametrize(
    "tool,arguments,expected",
    [
        ("search_assets", {"query": "invoice"}, 9),
        ("prepare_deal", {"crm_id": "006REP0001"}, 9),
        ("get_asset", None, 6),
    ],
)
def test_each_tool_runs_the_same_queries_at_two_data_sizes(client, setting, tool, arguments, expected):
    setting["add_assets"](2)
    arguments = arguments or {"asset_id": AssetFactory(title="Invoice one-pager").pk}
    small, first = queries_for(client, setting["token"], tool, arguments)
    setting["add_assets"](12)
    large, second = queries_for(client, setting["token"], tool, arguments)
    assert first != second or tool == "get_asset"  # more results, same number of queries
    assert small == large
    if tool != "search_assets" or connection.vendor == "sqlite":  # each backend plans its search apart
        assert small == expected
