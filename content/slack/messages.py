"""Posting to Slack: one background job per message (a direct message to a member, or a post to a
channel), enqueued once the change that caused it has committed, sent by slack_sdk's WebClient.

A Slack outage never breaks or slows the change: the job is retried with a growing delay, then
marked failed, and every refusal or failure is logged. Without SLACK_BOT_TOKEN nothing is queued."""

import logging

from django.conf import settings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ..jobs import job_handler, job_start
from ..models import SlackProfile, SlackRoute

log = logging.getLogger(__name__)

MAX_TEXT = 3000  # Slack shows at most about 4,000 characters of a message's text


def slack_enabled() -> bool:
    """Slack is on when the bot token is configured."""
    return bool(settings.SLACK_BOT_TOKEN)


def web_client() -> WebClient:
    return WebClient(
        token=settings.SLACK_BOT_TOKEN,
        base_url=settings.SLACK_API_URL.rstrip("/") + "/",
        timeout=settings.SLACK_TIMEOUT_SECONDS,
    )


def escape(text) -> str:
    """Text as Slack shows it literally: `&`, `<` and `>` escaped, so that words typed by people (a
    request title, a comment, a slash command's words) cannot mention @channel or forge a link."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    """A Slack link to `url` (a path is made absolute with SITE_URL) showing `label` (escaped)."""
    if url.startswith("/"):
        url = settings.SITE_URL.rstrip("/") + url
    return f"<{url.replace('|', '%7C').replace('>', '%3E')}|{escape(label).replace('|', '¦')}>"


def members_wanting(users, event: str) -> list[str]:
    """The Slack member ids of those of `users` (active, linked) who want `event` by direct message
    (one query)."""
    ids = [getattr(user, "pk", user) for user in users]
    if not ids:
        return []
    profiles = SlackProfile.objects.filter(user_id__in=ids, user__is_active=True, **{event: True}).exclude(member_id="")
    return sorted(profiles.values_list("member_id", flat=True))


def channels_for(event: str) -> list[str]:
    """The channels routed `event` (one query)."""
    return list(SlackRoute.objects.filter(event=event).order_by("channel").values_list("channel", flat=True))


def slack_later(*, event: str, text: str, users=(), members=(), channels=None) -> int:
    """Queue `text` (Slack markup, already escaped where it quotes people) for the members among
    `users` who want `event`, the given `members`, and the channels routed `event` (or `channels`).
    Sent after the current transaction commits. Returns how many messages were queued."""
    if not slack_enabled():
        return 0
    targets = [*members_wanting(users, event), *members]
    targets += channels_for(event) if channels is None else list(channels)
    text = text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
    queued = 0
    for target in dict.fromkeys(targets):
        job_start(kind="slack_message", params={"event": event, "channel": target, "text": text})
        queued += 1
    return queued


@job_handler("slack_message")
def post_message_job(*, job, progress):
    """Send one queued message. A refusal (ok: false) or a connection failure raises, so the job is
    retried and then reported failed; both are logged."""
    params = job.params
    if not slack_enabled():
        log.warning("Slack message %s not sent: SLACK_BOT_TOKEN is no longer set", job.pk)
        return {"sent": False, "reason": "Slack is off"}
    try:
        answer = web_client().chat_postMessage(
            channel=params["channel"], text=params["text"], unfurl_links=False, unfurl_media=False
        )
    except SlackApiError as error:
        code = error.response.get("error", "") if error.response is not None else ""
        log.warning("Slack refused the %s message to %s: %s", params.get("event"), params["channel"], code or error)
        raise
    except Exception as error:
        log.warning("Slack unreachable for the %s message to %s: %s", params.get("event"), params["channel"], error)
        raise
    return {"sent": True, "channel": answer.get("channel"), "ts": answer.get("ts")}
