"""The MCP tools as clients see them: names (a public contract), descriptions, JSON schemas of their
arguments, and the content.permissions rule each applies, the matching API endpoint's."""

from collections.abc import Callable
from dataclasses import dataclass

from ..models import MANUAL_USAGE_ACTIONS, AssetKind
from ..search import SEARCH_MODES
from ..search.filters import MAX_QUERY_LENGTH
from ..sharing import MAX_ASSETS, MAX_NOTE
from . import tools
from .tools import SEARCH_LIMIT

MAX_SEARCH_LIMIT = 20
KINDS = list(AssetKind.values)
SLUG = {"type": "string", "maxLength": 100}


@dataclass(frozen=True)
class Tool:
    name: str
    title: str
    description: str
    action: str  # the content.permissions rule the matching API endpoint applies
    schema: dict
    run: Callable  # (request, arguments) -> (text, structured content)
    read_only: bool = True


def _schema(properties: dict, required: list[str]) -> dict:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


TOOLS = {
    tool.name: tool
    for tool in (
        Tool(
            name="search_assets",
            title="Search the content library",
            description="Search the assets you may open (case studies, battle cards, one-pagers, objection "
            "entries, …) with the library's own ranking, best first, each with its title, URL and the passage "
            'that matches best. Words, "quoted phrases", -excluded words and `or` work as in the library.',
            action="view_library",
            schema=_schema(
                {
                    "query": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LENGTH},
                    "kind": {"type": "string", "enum": KINDS},
                    "stage": {**SLUG, "description": "A funnel stage slug (resource enablement://definitions/stages)."},
                    "persona": {**SLUG, "description": "A persona slug (resource enablement://definitions/personas)."},
                    "competitor": {**SLUG, "description": "A competitor slug."},
                    "tag": {"type": "string", "maxLength": 100},
                    "mode": {"type": "string", "enum": list(SEARCH_MODES), "description": "hybrid (default)."},
                    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_SEARCH_LIMIT, "default": SEARCH_LIMIT},
                },
                ["query"],
            ),
            run=tools.search_assets,
        ),
        Tool(
            name="get_asset",
            title="Read one asset",
            description="One asset you may open, by id: its fields as the API gives them (body in Markdown, "
            "kind-specific fields, review state), with its URL.",
            action="view_library",
            schema=_schema({"asset_id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}}, ["asset_id"]),
            run=tools.get_asset,
        ),
        Tool(
            name="prepare_deal",
            title="Prepare for a deal",
            description="For a deal you may see, by CRM id: the assets that fit its stage, personas and "
            "competitors (proven won-deal support first), the objections you may hear and a battle card per "
            "competitor, each with its title and URL.",
            action="view_deals",
            schema=_schema({"crm_id": {"type": "string", "minLength": 1, "maxLength": 64}}, ["crm_id"]),
            run=tools.prepare_deal,
        ),
        Tool(
            name="log_usage",
            title="Log that you used an asset in a deal",
            description="Record that you used an asset in one of your deals (shared, presented, sent, or heard "
            "for an objection entry), optionally how helpful (1-5) and a note.",
            action="log_usage",
            schema=_schema(
                {
                    "asset_id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                    "crm_id": {"type": "string", "minLength": 1, "maxLength": 64},
                    "action": {"type": "string", "enum": list(MANUAL_USAGE_ACTIONS)},
                    "stage": {**SLUG, "description": "Funnel stage slug; default: the deal's stage."},
                    "helpful": {"type": "integer", "minimum": 1, "maximum": 5},
                    "note": {"type": "string", "maxLength": 5000},
                },
                ["asset_id", "crm_id", "action"],
            ),
            run=tools.log_usage,
            read_only=False,
        ),
        Tool(
            name="create_share_link",
            title="Create a tracked link for a buyer",
            description=f"A tracked link for a buyer in one of your deals, showing 1 to {MAX_ASSETS} published "
            "assets written for buyers (case studies, one-pagers, decks, comparison guides); the buyer's views "
            "are counted as uses.",
            action="share_assets",
            schema=_schema(
                {
                    "asset_ids": {
                        "type": "array",
                        "items": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                        "minItems": 1,
                        "maxItems": MAX_ASSETS,
                    },
                    "crm_id": {"type": "string", "minLength": 1, "maxLength": 64},
                    "note": {"type": "string", "maxLength": MAX_NOTE, "description": "Shown to the buyer as text."},
                    "expires_at": {
                        "type": "string",
                        "description": "ISO 8601 date and time; default in 90 days, at most 365.",
                    },
                },
                ["asset_ids", "crm_id"],
            ),
            run=tools.create_share_link,
            read_only=False,
        ),
        Tool(
            name="submit_request",
            title="Ask marketing for content",
            description="Submit a content request to marketing: what is missing and why, optionally the kind, "
            "stage, persona, competitor (slugs), the deal it blocks (CRM id) and a needed-by date.",
            action="submit_request",
            schema=_schema(
                {
                    "title": {"type": "string", "minLength": 1, "maxLength": 200},
                    "description": {"type": "string", "minLength": 1},
                    "kind": {"type": "string", "enum": KINDS},
                    "stage": SLUG,
                    "persona": SLUG,
                    "competitor": SLUG,
                    "crm_id": {"type": "string", "maxLength": 64},
                    "needed_by": {"type": "string", "description": "YYYY-MM-DD"},
                },
                ["title", "description"],
            ),
            run=tools.submit_request,
            read_only=False,
        ),
    )
}

__all__ = ["TOOLS", "Tool"]
