"""Slack: notifications by direct message and to routed channels (messages.py), the users' and
managers' settings (configuration.py), the scheduled digests (digests.py) and the /library slash
command (commands.py). Off, and every page says so, without SLACK_BOT_TOKEN."""

from .configuration import slack_profile_of, slack_profile_update, slack_route_add, slack_route_remove
from .messages import escape, link, slack_enabled, slack_later

__all__ = [
    "escape",
    "link",
    "slack_enabled",
    "slack_later",
    "slack_profile_of",
    "slack_profile_update",
    "slack_route_add",
    "slack_route_remove",
]
