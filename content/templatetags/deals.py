"""Template tags of the deals area: the user's open deals for the "I used this" deal picker."""

from django import template

from ..models import Deal, UsageAction

register = template.Library()

OPEN_DEALS_IN_PICKER = 50


@register.simple_tag
def open_deals_for(user, limit=OPEN_DEALS_IN_PICKER):
    """The user's most recently updated open deals (one query), the no-JavaScript deal choices."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Deal.objects.open().owned_by(user).only("crm_id", "name", "account").order_by("-updated_at", "-id")[:limit]
    )


@register.simple_tag
def usage_actions(asset):
    """The actions offered for an asset: "heard this objection" only for objection entries."""
    return [
        (value, label)
        for value, label in UsageAction.choices
        if value != UsageAction.HEARD or asset.kind == "objection"
    ]
