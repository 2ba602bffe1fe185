"""Tracked share links, written once for the deal page, the asset page, deal prep and the API: create,
revoke, and count a buyer's views honestly.

A link names one deal of its creator and up to SHARE_LINK_MAX_ASSETS published assets of external
kinds. A view counts only when a person is likely behind it: not a HEAD or prefetch request, not a
mail scanner or link expander (content/data/link_scanners.txt), not the sender checking their own
link just after creating it. The first counted view of each asset logs a `buyer_viewed` usage on the
deal (once per asset and deal, enforced by a constraint), which counts for won-deal support like any
use (the asset's stored figures are refreshed by a worker, so that the buyer does not wait); the
first counted view of a link tells its sender in the app and by mail.
"""

import datetime
import functools
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from .audit import audit_event
from .deal_picker import deal_label
from .jobs import mail_later
from .models import (
    Asset,
    AssetKind,
    Deal,
    Notification,
    ShareLink,
    ShareLinkAsset,
    ShareView,
    SlackEvent,
    Usage,
    UsageAction,
)
from .models.sharing import ShareViewKind
from .names import person_name
from .permissions import can, can_view_deal, visible_assets, visible_deals
from .slack import escape, slack_later
from .slack import link as slack_link
from .support import refresh_support_later

# Kinds a buyer may see; the others are written for the seller's side only.
EXTERNAL_KINDS = frozenset({AssetKind.CASE_STUDY, AssetKind.ONE_PAGER, AssetKind.DECK, AssetKind.COMPARISON_GUIDE})
MAX_ASSETS = 25
MAX_NOTE = 10_000
DEFAULT_DAYS = 90
MAX_DAYS = 365
DEALS_TO_PICK = 200
# Views from the sender's own session this soon after creating the link are the sender checking it.
CREATOR_GRACE = datetime.timedelta(seconds=60)
PREFETCH_HEADERS = {"purpose": ("prefetch", "preview"), "sec-purpose": ("prefetch",), "x-moz": ("prefetch",)}
SCANNERS_FILE = Path(__file__).resolve().parent / "data" / "link_scanners.txt"


def _kind_label(kind: str) -> str:
    """ "a battle card", "an email template": the kind as it reads in a sentence."""
    label = (AssetKind(kind).label if kind in AssetKind.values else kind).lower()
    return f"{'an' if label[:1] in 'aeiou' else 'a'} {label}"


def _clean_assets(user, assets) -> list[Asset]:
    ids = []
    for item in assets or []:
        value = item.pk if isinstance(item, Asset) else item
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError({"assets": f"{value!r} is not an asset id."}) from None
        if not 1 <= number < 2**63:
            raise ValidationError({"assets": f"No asset with id {number}."})
        if number not in ids:
            ids.append(number)
    if not ids:
        raise ValidationError({"assets": "Choose at least one asset to share."})
    if len(ids) > MAX_ASSETS:
        raise ValidationError({"assets": f"A link holds at most {MAX_ASSETS} assets; {len(ids)} were chosen."})
    found = Asset.objects.in_bulk(ids)
    errors = []
    for number in ids:
        asset = found.get(number)
        if asset is None or not (asset.is_released() or can(user, "view_unpublished_assets")):
            errors.append(f"No asset with id {number}.")
        elif asset.kind not in EXTERNAL_KINDS:
            errors.append(
                f"“{asset.title}” is {_kind_label(asset.kind)}: internal, for the seller's side only, "
                "so it cannot be shared with a buyer."
            )
        elif not asset.is_released():
            errors.append(f"“{asset.title}” is not published; only published assets can be shared.")
    if errors:
        raise ValidationError({"assets": errors})
    return [found[number] for number in ids]


def _clean_deal(user, deal) -> Deal:
    if not isinstance(deal, Deal):
        deal = Deal.objects.filter(crm_id=str(deal or "")[:64]).first() if deal else None
    if deal is None or not can_view_deal(user, deal):
        raise ValidationError({"deal": "No deal with this CRM id among your deals."})
    if not may_share_in(user, deal):
        raise ValidationError({"deal": f"You can share links only for your own deals; {deal.crm_id} is not yours."})
    return deal


def _clean_expiry(expires_at, now) -> datetime.datetime:
    if expires_at in (None, ""):
        return now + datetime.timedelta(days=DEFAULT_DAYS)
    if isinstance(expires_at, datetime.date) and not isinstance(expires_at, datetime.datetime):
        expires_at = timezone.make_aware(datetime.datetime.combine(expires_at, datetime.time(23, 59, 59)))
    if not isinstance(expires_at, datetime.datetime):
        raise ValidationError({"expires_at": "Give the expiry as a date and time."})
    if timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    if expires_at <= now:
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    if expires_at > now + datetime.timedelta(days=MAX_DAYS):
        raise ValidationError({"expires_at": f"A link lives at most {MAX_DAYS} days."})
    return expires_at


def share_link_create(*, user, assets, deal, note="", expires_at=None) -> ShareLink:
    """A link for `assets` in one of `user`'s deals; all or nothing."""
    if not can(user, "share_assets"):
        raise PermissionDenied("You may not share assets.")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": f"The note is limited to {MAX_NOTE:,} characters ({len(note):,} given)."})
    if "\x00" in note:
        raise ValidationError({"note": "The note contains a NUL character."})
    now = timezone.now()
    deal = _clean_deal(user, deal)
    cleaned = _clean_assets(user, assets)
    expires_at = _clean_expiry(expires_at, now)
    with transaction.atomic():
        link = ShareLink(deal=deal, created_by=user, note=note, created_at=now, expires_at=expires_at)
        link.audited_assets = [asset.pk for asset in cleaned]  # in its audit event (its items come after)
        link.save()
        ShareLinkAsset.objects.bulk_create(
            [ShareLinkAsset(link=link, asset=asset, position=index) for index, asset in enumerate(cleaned)]
        )
    return link


def may_share_in(user, deal: Deal) -> bool:
    """Whether `user` may send a link for `deal`: its owner, or a manager."""
    return can(user, "share_assets") and (deal.owner_id == user.pk or can(user, "log_usage_for_others"))


def is_shareable(asset: Asset) -> bool:
    """Whether the asset may go into a link: released, of a kind written for buyers."""
    return asset.kind in EXTERNAL_KINDS and asset.is_released()


def deals_to_share_in(user, limit: int = DEALS_TO_PICK) -> list[Deal]:
    """The user's own open deals by name, offered where a link starts from an asset (one query);
    a manager sends links in others' deals from those deals' pages."""
    if not can(user, "share_assets"):
        return []
    deals = list(Deal.objects.open().owned_by(user).only("id", "name", "account").order_by("name", "id")[:limit])
    for deal in deals:
        deal.label = deal_label(deal)
    return deals


def shareable_assets(user, limit: int = 50):
    """What may go into a link: released assets of external kinds, by title."""
    return list(
        visible_assets(user)
        .released()
        .filter(kind__in=EXTERNAL_KINDS)
        .only("id", "title", "kind")
        .order_by("title", "id")[:limit]
    )


def deal_links(user, deal: Deal, limit: int = 20):
    """The deal's links the user may see, newest first, with their assets and counted views."""
    return list(
        visible_share_links(user, ShareLink.objects.filter(deal=deal))
        .select_related("created_by")
        .prefetch_related("items__asset")
        .annotate(view_count=Count("views"))
        .order_by("-created_at", "-id")[:limit]
    )


def recent_buyer_views(user, deal: Deal, limit: int = 10) -> list[ShareView]:
    """The latest counted buyer views of the deal's links the user may see, newest first, each with
    its asset and link (one query)."""
    links = visible_share_links(user, ShareLink.objects.filter(deal=deal))
    return list(
        ShareView.objects.filter(link__in=links)
        .select_related("asset", "link")
        .only("kind", "visitor", "viewed_at", "seconds", "asset__title", "asset__kind", "link__created_at")
        .order_by("-viewed_at", "-id")[:limit]
    )


def may_revoke(user, link: ShareLink) -> bool:
    return link.created_by_id == user.pk or can(user, "log_usage_for_others")


def share_link_revoke(*, user, link: ShareLink) -> ShareLink:
    """Revoke: the buyer's page answers 410 from now on. Revoking twice keeps the first time."""
    if not may_revoke(user, link):
        raise PermissionDenied("Only the sender or a manager revokes a link.")
    with transaction.atomic():
        link = ShareLink.objects.select_for_update().get(pk=link.pk)
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
    return link


def visible_share_links(user, queryset=None):
    """Reps list the links they sent; marketers and managers every link of a deal they may see."""
    queryset = ShareLink.objects.all() if queryset is None else queryset
    if not can(user, "share_assets"):
        return queryset.none()
    if can(user, "view_all_deals"):
        return queryset
    return queryset.filter(created_by=user, deal__in=visible_deals(user))


@functools.cache
def scanner_markers() -> tuple[str, ...]:
    lines = SCANNERS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip().lower() for line in lines if line.strip() and not line.lstrip().startswith("#"))


def is_automated(request) -> bool:
    """True for requests no buyer made: HEAD, prefetch and preview requests, scanners, expanders,
    crawlers and scripts (by the User-Agent list), and requests with no User-Agent at all."""
    if request.method == "HEAD":
        return True
    for header, values in PREFETCH_HEADERS.items():
        if request.headers.get(header, "").strip().lower() in values:
            return True
    agent = request.headers.get("user-agent", "").lower()
    return not agent or any(marker in agent for marker in scanner_markers())


def _is_sender_checking(request, link: ShareLink, now) -> bool:
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and user.pk == link.created_by_id
        and now - link.created_at < CREATOR_GRACE
    )


def counts_as_buyer(request, link: ShareLink, now=None) -> bool:
    now = now or timezone.now()
    return not is_automated(request) and not _is_sender_checking(request, link, now)


def record_views(*, request, link: ShareLink, assets, kind=ShareViewKind.VIEW, visitor="") -> list[ShareView]:
    """Record a counted view of each of `assets` through `link` (nothing when no buyer is behind
    the request). The first counted view of an asset logs its `buyer_viewed` usage on the deal;
    the first of the link tells the sender."""
    now = timezone.now()
    if not assets or not counts_as_buyer(request, link, now):
        return []
    with transaction.atomic():
        views = ShareView.objects.bulk_create(
            [ShareView(link=link, asset=asset, kind=kind, visitor=visitor[:32], viewed_at=now) for asset in assets]
        )
        logged = _log_buyer_views(link, assets, now)
        # A link read as already opened stays so: only a link that was not is stamped (once, by
        # the first of concurrent first views), which saves every later view an UPDATE.
        first = link.first_viewed_at is None and (
            ShareLink.objects.filter(pk=link.pk, first_viewed_at__isnull=True).update(first_viewed_at=now)
        )
        if first:
            link.first_viewed_at = now
            _tell_sender(link, assets)
        # one event per counted view (a page or a download), not per page image
        audit_event(
            actor=None,
            verb="share_link.viewed",
            obj=link,
            request=request,
            kind=str(kind),
            assets=[asset.pk for asset in assets],
            visitor=visitor[:32],
        )
        if logged:
            refresh_support_later(logged)  # the buyer does not wait for the seller's figures
    return views


def link_assets(link: ShareLink) -> list[Asset]:
    """The link's assets in their order, each marked `buyer_viewed` when its buyer's view is logged
    on the deal already (one query), so that recording a later view reads nothing more."""
    logged = Usage.objects.filter(deal_id=link.deal_id, asset_id=OuterRef("asset_id"), action=UsageAction.BUYER_VIEWED)
    items = link.items.select_related("asset").annotate(buyer_viewed=Exists(logged))
    assets = []
    for item in items:
        item.asset.buyer_viewed = item.buyer_viewed
        assets.append(item.asset)
    return assets


def _already_logged(link: ShareLink, assets) -> set[int]:
    if all(hasattr(asset, "buyer_viewed") for asset in assets):  # read with the link (link_assets)
        return {asset.pk for asset in assets if asset.buyer_viewed}
    return set(
        Usage.objects.filter(deal_id=link.deal_id, action=UsageAction.BUYER_VIEWED, asset__in=[a.pk for a in assets])
        .order_by()
        .values_list("asset_id", flat=True)
    )


def _log_buyer_views(link: ShareLink, assets, now) -> list[int]:
    """One `buyer_viewed` usage per asset and deal, logged by the first counted view; concurrent
    first views race on the constraint and the losers leave the winner's row alone."""
    deal = link.deal
    done = _already_logged(link, assets)
    logged = []
    for asset in assets:
        if asset.pk in done:
            continue
        try:
            with transaction.atomic():
                Usage.objects.create(
                    asset=asset,
                    deal=deal,
                    user=link.created_by,
                    action=UsageAction.BUYER_VIEWED,
                    stage_id=deal.funnel_stage_id,
                    used_at=now,
                    note=f"The buyer opened tracked link {link.pk}.",
                )
        except IntegrityError:
            continue
        logged.append(asset.pk)
    return logged


def _tell_sender(link: ShareLink, assets) -> None:
    deal = link.deal
    titles = ", ".join(asset.title for asset in assets)
    message = f"Your buyer at {deal.account or deal.name} opened the link you sent: {titles}"[:500]
    Notification.objects.create(user=link.created_by, url=deal.get_absolute_url(), message=message)
    sender = person_name(link.created_by)
    slack_later(
        event=SlackEvent.BUYER_FIRST_VIEW,
        text=f"{escape(sender)}'s buyer at {escape(deal.account or deal.name)} opened a tracked link for the first "
        f"time: {escape(titles)}\n{slack_link(deal.get_absolute_url(), deal.name)}",
        users=[link.created_by],
    )
    address = link.created_by.email
    if address:
        body = f"{message}\n\n{settings.SITE_URL.rstrip('/')}{deal.get_absolute_url()}\n"
        mail_later(subject=f"[{deal.name}] Your buyer opened your link"[:200], body=body, to=[address])


def record_seconds(*, link: ShareLink, visitor: str, seconds) -> int:
    """The beacon: how long the visitor kept the page open, on their latest views of the link
    (only ever raised, at most an hour)."""
    try:
        seconds = max(0, min(int(seconds), 3600))
    except (TypeError, ValueError):
        raise ValidationError({"seconds": "A whole number of seconds."}) from None
    if not visitor:
        return 0
    latest = ShareView.objects.filter(link=link, visitor=visitor, kind=ShareViewKind.VIEW).order_by("-viewed_at")
    first = latest.values_list("viewed_at", flat=True).first()
    if first is None:
        return 0
    return (
        ShareView.objects.filter(link=link, visitor=visitor, kind=ShareViewKind.VIEW, viewed_at=first)
        .exclude(seconds__gte=seconds)
        .update(seconds=seconds)
    )
