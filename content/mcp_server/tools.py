"""What the MCP tools do (names and schemas: catalog.py). Each validates its arguments the way the
matching API endpoint does and calls the same service; it returns a short text that cites every
asset by title and absolute URL, and the same answer as structured content."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.urls import reverse

from ..api.assets import AssetSerializer
from ..api.requests import ContentRequestCreateSerializer
from ..api.share_links import ShareLinkWriteSerializer
from ..api.usage import UsageWriteSerializer
from ..asset_selectors import attach_taxonomy
from ..deal_prep import prepare_deal as deal_prep_for
from ..models import Deal, ShareLinkAsset
from ..permissions import visible_assets, visible_deals
from ..requesting import request_submit, suggestions_for
from ..search import record_search, run_search
from ..search.filters import AssetFilterSet
from ..search.paging import COUNT_CAP, CappedPaginator
from ..semantic.fusion import attach_passages
from ..sharing import share_link_create
from ..usage import log_usage as usage_log
from .errors import ToolError, from_domain, serializer_sentence

SEARCH_LIMIT = 10


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def _cite(request, asset) -> dict:
    return {
        "id": asset.pk,
        "title": asset.title,
        "kind": asset.kind,
        "url": _absolute(request, asset.get_absolute_url()),
    }


def _line(citation: dict) -> str:
    return f"{citation['title']} — {citation['url']}"


# search_assets ------------------------------------------------------------------------------------


def search_assets(request, arguments: dict):
    user = request.user
    data = QueryDict(mutable=True)
    data["q"] = arguments["query"]
    for name in ("kind", "stage", "persona", "competitor", "tag", "mode"):
        if arguments.get(name):
            data[name] = arguments[name]
    filterset = AssetFilterSet(data, request=request)
    try:
        params = filterset.search_params()
    except ValidationError as error:
        raise from_domain(error) from None
    if not params.q.strip():
        raise ToolError("query: say what to search for.")
    limit = arguments.get("limit", SEARCH_LIMIT)
    # The API's search: the same function, the same count cap, the same passages and search log.
    result = run_search(user=user, params=params)
    paginator = CappedPaginator(result.assets, limit, cap=COUNT_CAP, known_count=result.match_count)
    page = paginator.page(1) if paginator.count else []
    assets = attach_passages(attach_taxonomy(page), result)
    record_search(user=user, params=params, result_count=paginator.count)
    results = []
    for asset in assets:
        passage = asset.best_passage
        results.append(
            {
                **_cite(request, asset),
                "summary": asset.summary,
                "stages": asset.taxonomy["stages"],
                "personas": asset.taxonomy["personas"],
                "competitors": asset.taxonomy["competitors"],
                "needs_review": asset.is_stale(),
                "passage": None
                if passage is None
                else {
                    "text": passage.text,
                    "page": passage.page,
                    "score": passage.score,
                    "url": _absolute(request, asset.get_absolute_url() + f"#passage-{passage.ordinal}"),
                },
            }
        )
    answer = {
        "query": params.q,
        "count": paginator.count,
        "count_capped": paginator.count_capped,
        "corrected_query": result.corrected_query,
        "partial_match": result.partial_match,
        "results": results,
    }
    if not results:
        return f"No asset you can open matches “{params.q}”.", answer
    lines = [f"{paginator.count}{'+' if paginator.count_capped else ''} assets match “{params.q}”; the best:"]
    if result.corrected_query:
        lines.append(f"(nothing matched as typed; showing results for “{result.corrected_query}”)")
    for number, item in enumerate(results, 1):
        lines.append(f"{number}. {_line(item)}")
        if item["passage"]:
            lines.append(f"   “{item['passage']['text'][:300]}” — {item['passage']['url']}")
        elif item["summary"]:
            lines.append(f"   {item['summary'][:300]}")
    return "\n".join(lines), answer


# get_asset ----------------------------------------------------------------------------------------


def get_asset(request, arguments: dict):
    asset = (
        visible_assets(request.user)
        .select_related("owner", "verified_by")
        .prefetch_related("stages", "personas", "competitors", "tags")
        .filter(pk=arguments["asset_id"])
        .first()
    )
    if asset is None:
        raise ToolError(f"No asset with id {arguments['asset_id']} that you can open.")
    data = AssetSerializer(asset, context={"request": request}).data
    data.pop("passage", None)
    lines = [f"{asset.title} ({asset.get_kind_display()}) — {data['url']}", data["review"]["text"]]
    for label, name in (("Summary", "summary"), ("Objection", "objection"), ("Response", "response")):
        if data.get(name):
            lines.append(f"{label}: {data[name]}")
    if data.get("body"):
        lines.append("")
        lines.append(data["body"])
    return "\n".join(lines), dict(data)


# prepare_deal -------------------------------------------------------------------------------------


def prepare_deal(request, arguments: dict):
    crm_id = arguments["crm_id"].strip()
    deals = Deal.objects.select_related("funnel_stage", "owner").prefetch_related("personas", "competitors")
    # Another rep's deal reads like a missing one, as on the deal prep page: CRM ids cannot be probed.
    deal = visible_deals(request.user, deals).filter(crm_id=crm_id).first()
    if deal is None:
        raise ToolError(f"No deal with CRM id “{crm_id}” among the deals you may see.")
    prep = deal_prep_for(deal=deal, user=request.user)
    deal_info = {
        "crm_id": deal.crm_id,
        "name": deal.name,
        "account": deal.account,
        "stage": deal.funnel_stage.name if deal.funnel_stage_id else None,
        "status": deal.status,
        "amount": str(deal.amount) if deal.amount is not None else None,
        "currency": deal.currency,
        "close_date": deal.close_date.isoformat() if deal.close_date else None,
        "personas": [p.name for p in deal.personas.all()],
        "competitors": [c.name for c in deal.competitors.all()],
        "url": _absolute(request, deal.get_absolute_url()),
        "prep_url": _absolute(request, reverse("deal-prep-detail", args=[deal.crm_id])),
    }
    recommended = [
        {**_cite(request, a), "summary": a.summary, "won_deal_count": a.won_deal_count} for a in prep.recommended
    ]
    objections = [{**_cite(request, a), "objection": a.objection, "response": a.response} for a in prep.objections]
    battle_cards = [
        {"competitor": competitor.name, "asset": _cite(request, card) if card else None}
        for competitor, card in prep.battle_cards
    ]
    answer = {"deal": deal_info, "recommended": recommended, "objections": objections, "battle_cards": battle_cards}
    lines = [f"Deal prep for {deal.name} ({deal.crm_id}, {deal_info['stage'] or 'no stage'}) — {deal_info['prep_url']}"]
    if not (recommended or objections or battle_cards):
        lines.append("The deal names no stage, persona or competitor: nothing to recommend yet.")
    if recommended:
        lines.append("Bring:")
        lines += [f"- {_line(item)} (won deals supported: {item['won_deal_count']})" for item in recommended]
    if objections:
        lines.append("Objections you may hear:")
        lines += [f"- {_line(item)}: “{item['objection']}”" for item in objections]
    for card in battle_cards:
        where = _line(card["asset"]) if card["asset"] else "no battle card yet"
        lines.append(f"Against {card['competitor']}: {where}")
    return "\n".join(lines), answer


# log_usage ----------------------------------------------------------------------------------------


def log_usage(request, arguments: dict):
    incoming = UsageWriteSerializer(
        data={
            "asset": arguments["asset_id"],
            "deal": arguments["crm_id"],
            "action": arguments["action"],
            **{name: arguments[name] for name in ("stage", "helpful", "note") if name in arguments},
        }
    )
    if not incoming.is_valid():
        raise ToolError(serializer_sentence(incoming.errors))
    try:
        usage = usage_log(user=request.user, **incoming.validated_data)
    except (ValidationError, PermissionDenied) as error:
        raise from_domain(error) from None
    cited = _cite(request, usage.asset)
    answer = {
        "id": usage.pk,
        "asset": cited,
        "deal": usage.deal.crm_id,
        "action": usage.action,
        "stage": usage.stage.slug if usage.stage_id else None,
        "helpful": usage.helpful,
        "note": usage.note,
        "used_at": usage.used_at.isoformat(),
    }
    return f"Logged: {usage.get_action_display().lower()} {_line(cited)} in deal {usage.deal.crm_id}.", answer


# create_share_link --------------------------------------------------------------------------------


def create_share_link(request, arguments: dict):
    incoming = ShareLinkWriteSerializer(
        data={
            "assets": arguments["asset_ids"],
            "deal": arguments["crm_id"],
            **{name: arguments[name] for name in ("note", "expires_at") if name in arguments},
        }
    )
    if not incoming.is_valid():
        raise ToolError(serializer_sentence(incoming.errors))
    try:
        link = share_link_create(user=request.user, **incoming.validated_data)
    except (ValidationError, PermissionDenied) as error:
        raise from_domain(error) from None
    items = ShareLinkAsset.objects.filter(link=link).select_related("asset").order_by("position")
    assets = [_cite(request, item.asset) for item in items]
    url = link.public_url  # the buyer's address, as the API and the pages give it (SITE_URL)
    answer = {
        "id": link.pk,
        "url": url,
        "deal": link.deal.crm_id,
        "assets": assets,
        "note": link.note,
        "expires_at": link.expires_at.isoformat(),
    }
    lines = [f"Tracked link for the buyer in deal {link.deal.crm_id}: {url}", "It shows:"]
    lines += [f"- {_line(item)}" for item in assets]
    lines.append(f"It expires on {link.expires_at:%Y-%m-%d}.")
    return "\n".join(lines), answer


# submit_request -----------------------------------------------------------------------------------


def submit_request(request, arguments: dict):
    data = {}
    for name in ("title", "description", "kind", "stage", "persona", "competitor", "needed_by"):
        if arguments.get(name) not in (None, ""):
            data[name] = arguments[name]
    if arguments.get("crm_id"):
        data["deal"] = arguments["crm_id"]
    incoming = ContentRequestCreateSerializer(data=data, context={"request": request})
    if not incoming.is_valid():
        raise ToolError(serializer_sentence(incoming.errors))
    # What the request form shows while it is typed: assets that may answer it, open requests to +1.
    found = suggestions_for(user=request.user, title=incoming.validated_data["title"], limit=3)
    fields = dict(incoming.validated_data)
    fields.pop("check_duplicate", None)  # an assistant's repeat of an open request is always refused
    try:
        created = request_submit(requester=request.user, **fields)
    except (ValidationError, PermissionDenied) as error:
        raise from_domain(error) from None
    url = _absolute(request, created.get_absolute_url())
    answer = {
        "id": created.pk,
        "title": created.title,
        "status": created.status,
        "kind": created.kind,
        "deal": created.deal.crm_id if created.deal_id else None,
        "triage_due": created.triage_due.isoformat() if created.triage_due else None,
        "url": url,
    }
    answer["matching_assets"] = [_cite(request, asset) for asset in found["assets"]]
    answer["open_requests"] = [
        {"id": other.pk, "title": other.title, "url": _absolute(request, other.get_absolute_url())}
        for other in found["requests"]
    ]
    due = f"; marketing triages it by {created.triage_due:%Y-%m-%d}" if created.triage_due else ""
    lines = [f"Request #{created.pk} “{created.title}” submitted{due}: {url}"]
    if answer["matching_assets"]:
        lines.append("Already in the library, and may answer it:")
        lines += [f"- {_line(item)}" for item in answer["matching_assets"]]
    if answer["open_requests"]:
        lines.append("Open requests asking for something close (a +1 there helps marketing weigh it):")
        lines += [f"- {_line(item)}" for item in answer["open_requests"]]
    return "\n".join(lines), answer
