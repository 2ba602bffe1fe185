"""The /library slash command: Slack's signed request is verified (slack_sdk's SignatureVerifier,
a five-minute window, and each signature accepted once), then the member's linked account searches
the library with the one ranking of `GET /api/v1/assets/?q=` under its own visibility rules, and the
top three come back as an ephemeral answer with links."""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.urls import reverse
from slack_sdk.signature import SignatureVerifier

from ..models import AssetStatus, SlackProfile
from ..permissions import can
from ..search import SearchParams, record_search, run_search
from .messages import escape, link

TOP = 3
MAX_WORDS = 200  # characters of the query kept
SUMMARY_LIMIT = 160
# Slack refuses a request older than five minutes (the verifier's window); a signature seen within
# twice that is a replay whatever its timestamp says.
REPLAY_SECONDS = 10 * 60
TIMESTAMP = re.compile(r"^\d{1,12}\Z")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def signature_is_fresh(*, body: bytes, timestamp: str, signature: str) -> bool:
    """True for a request Slack signed with SLACK_SIGNING_SECRET within five minutes and not seen
    before. False without a secret configured: nothing unsigned is ever answered."""
    secret = settings.SLACK_SIGNING_SECRET
    if not secret or not TIMESTAMP.match(timestamp or "") or not signature or len(signature) > 100:
        return False
    if not SignatureVerifier(secret).is_valid(body=body, timestamp=timestamp, signature=signature):
        return False
    # Only the first request with this signature gets through (cache.add is atomic in Redis and in
    # the database cache every worker shares).
    return caches["shared"].add(f"slack-signature:{signature}", 1, timeout=REPLAY_SECONDS)


def _ephemeral(text: str, blocks=None) -> dict:
    answer = {"response_type": "ephemeral", "text": text}
    if blocks:
        answer["blocks"] = blocks
    return answer


def _settings_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("slack-settings")


def clean_words(text) -> str:
    return " ".join(CONTROL.sub(" ", str(text or "")).split())[:MAX_WORDS]


def _asset_block(asset) -> dict:
    line = f"*{link(asset.get_absolute_url(), asset.title)}* · {escape(asset.get_kind_display())}"
    if asset.status != AssetStatus.PUBLISHED:
        line += f" · _{escape(asset.get_status_display().lower())}_"
    summary = (asset.summary or "").strip()
    if summary:
        if len(summary) > SUMMARY_LIMIT:
            summary = summary[: SUMMARY_LIMIT - 1] + "…"
        line += f"\n{escape(summary)}"
    return {"type": "section", "text": {"type": "mrkdwn", "text": line}}


def library_answer(*, member_id: str, text: str) -> dict:
    """The answer to `/library <text>` typed by Slack member `member_id`."""
    profile = (
        SlackProfile.objects.select_related("user")
        .filter(member_id=str(member_id or "")[:20], user__is_active=True)
        .exclude(member_id="")
        .first()
    )
    if profile is None:
        return _ephemeral(
            f"Your Slack account is not linked to the content library. Link your account at {_settings_url()} "
            "and try again."
        )
    user = profile.user
    if not can(user, "view_library"):
        return _ephemeral("Your library account has no role that may read the library; ask a manager.")
    words = clean_words(text)
    if not words:
        return _ephemeral("Type what you need after the command, e.g. `/library pricing objection healthcare`.")
    params = SearchParams(q=words)
    result = run_search(user=user, params=params)
    top = list(result.assets[:TOP])
    found = result.match_count if result.match_count is not None else len(top)
    record_search(user=user, params=params, result_count=found)
    search_url = settings.SITE_URL.rstrip("/") + reverse("library") + "?" + urlencode({"q": words})
    if not top:
        return _ephemeral(
            f"Nothing in the library matches “{escape(words)}”. "
            f"Ask marketing for it: {link(reverse('request-new'), 'new content request')}."
        )
    heading = f"Top {len(top)} for “{escape(words)}”"
    if result.corrected_query:
        heading += f" (showing results for “{escape(result.corrected_query)}”)"
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{heading}*"}}]
    blocks += [_asset_block(asset) for asset in top]
    more = link(search_url, "See every result in the library")
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": more}]})
    fallback = heading + ": " + "; ".join(escape(asset.title) for asset in top)
    return _ephemeral(fallback, blocks)
