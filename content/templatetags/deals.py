"""Template tags of the deals area: the deal picker's options and labels, and the actions offered by
the "I used this" box."""

from django import template

from ..deal_picker import deal_label as label_of
from ..deal_picker import suggested_deals
from ..models import MANUAL_USAGE_ACTIONS, UsageAction

register = template.Library()

OPEN_DEALS_IN_PICKER = 50


@register.simple_tag
def open_deals_for(user, limit=OPEN_DEALS_IN_PICKER):
    """The user's most recently updated open deals (one query): the picker's options before anything
    is typed, and its choices without JavaScript."""
    if not getattr(user, "is_authenticated", False):
        return []
    return suggested_deals(user, "", limit=limit)


@register.filter
def deal_label(deal):
    """The deal as the picker names it: name — account (never its CRM id)."""
    return label_of(deal)


@register.simple_tag
def usage_actions(asset):
    """The actions a rep may log for an asset: "heard this objection" only for objection entries,
    and never "buyer viewed" (recorded by tracked links alone)."""
    return [
        (value, label)
        for value, label in UsageAction.choices
        if value in MANUAL_USAGE_ACTIONS and (value != UsageAction.HEARD or asset.kind == "objection")
    ]
