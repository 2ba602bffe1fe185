"""The deal picker of the usage forms: a rep chooses one of their open deals by its name and account
("Acme renewal — Acme Corp"). CRM ids are for integrations (the API); a rep never types or sees one.

The picker's script fills a hidden deal id when an option is chosen, which tells apart two deals
with the same label; without the script the label alone is matched, and an unknown or ambiguous
label is an error on the `deal` field that says what to do.

The request forms use the same picker and also accept any deal their author may open (`named_deal`).
"""

from django.core.exceptions import ValidationError
from django.db.models import Q

from .form_fields import row_id
from .models import Deal

SEPARATOR = " — "
MAX_LABEL = 600  # a name and an account of 255 characters each, and the separator
SUGGESTIONS = 10
MAX_CRM_ID = Deal._meta.get_field("crm_id").max_length


def pickable_deals(user):
    """The deals the picker offers: the user's own open deals."""
    return Deal.objects.open().owned_by(user)


def deal_label(deal: Deal) -> str:
    """What the picker shows and the rep submits: the name, then the account unless the name already
    says it ("Acme - Renewal" from the CRM)."""
    if not deal.account or deal.account.casefold() in deal.name.casefold():
        return deal.name
    return f"{deal.name}{SEPARATOR}{deal.account}"


def _is_label(text: str) -> Q:
    """Deals whose label is `text` (case aside): a name alone, or a name and an account; either may
    itself contain the separator, so both ways of splitting are tried."""
    condition = Q(name__iexact=text)
    if SEPARATOR in text:
        for name, account in {tuple(text.split(SEPARATOR, 1)), tuple(text.rsplit(SEPARATOR, 1))}:
            condition |= Q(name__iexact=name.strip(), account__iexact=account.strip())
    return condition


def suggested_deals(user, typed: str = "", limit: int = SUGGESTIONS) -> list[Deal]:
    """The picker's options for what the rep typed: their open deals whose name or account contains
    it (or whose label it is), most recently updated first. One query."""
    deals = pickable_deals(user)
    typed = (typed or "").strip()[:MAX_LABEL]
    if typed:
        deals = deals.filter(Q(name__icontains=typed) | Q(account__icontains=typed) | _is_label(typed))
    return list(deals.only("id", "name", "account").order_by("-updated_at", "-id")[:limit])


def _shown(label: str) -> str:
    return label if len(label) <= 80 else label[:79] + "…"


def _by_hidden_id(deals, deal_id, label: str) -> Deal | None:
    """The deal of `deals` whose id the script set, while the label still reads as that deal (typing
    something else after choosing names another deal). An id no database column holds is none."""
    pk = row_id(deal_id)
    if pk is None:
        return None
    chosen = deals.filter(pk=pk).first()
    if chosen is not None and label.casefold() in (deal_label(chosen).casefold(), chosen.name.casefold()):
        return chosen
    return None


def picked_deal(*, user, label: str, deal_id=None) -> Deal:
    """The open deal of `user` the picker names: by `deal_id` when the script set it and the label
    still reads the same, otherwise by the label. ValidationError on `deal` when no deal or several
    deals have that label."""
    label = (label or "").strip()
    if not label:
        raise ValidationError({"deal": "Choose one of your open deals: type part of its name or account."})
    if len(label) > MAX_LABEL:
        raise ValidationError({"deal": "That is longer than any deal name: pick a deal from the list."})
    deals = pickable_deals(user).select_related("funnel_stage")
    chosen = _by_hidden_id(deals, deal_id, label)
    if chosen is not None:
        return chosen
    found = list(deals.filter(_is_label(label)).order_by("-updated_at", "-id")[:2])
    if not found:
        raise ValidationError(
            {
                "deal": f"None of your open deals is called “{_shown(label)}”. "
                "Type part of its name or account and pick it from the list."
            }
        )
    if len(found) > 1:
        raise ValidationError(
            {"deal": f"Several of your open deals are called “{_shown(label)}”: pick the one you mean from the list."}
        )
    return found[0]


def named_deal(*, user, label: str, deal_id=None, allowed) -> Deal:
    """The deal a request form's picker names, among `allowed` (the deals the user may open, their
    own among them: a manager may ask content for a rep's deal). In this order:
    - the deal of `allowed` whose id the page set with its label: chosen from the list, or filled
      in by a link from the deal's page;
    - one of the user's open deals by its label, as the usage forms pick it (`picked_deal`);
    - the deal of `allowed` whose CRM id the text is, exactly, as integrations and older links
      name deals.
    Otherwise the picker's ValidationError on `deal`, which says the same of a CRM id outside
    `allowed` as of one that does not exist."""
    text = (label or "").strip()
    if 0 < len(text) <= MAX_LABEL:
        chosen = _by_hidden_id(allowed, deal_id, text)
        if chosen is not None:
            return chosen
    try:
        return picked_deal(user=user, label=text)
    except ValidationError:
        by_crm_id = allowed.filter(crm_id=text).first() if 0 < len(text) <= MAX_CRM_ID else None
        if by_crm_id is None:
            raise
        return by_crm_id


__all__ = ["deal_label", "named_deal", "pickable_deals", "picked_deal", "suggested_deals"]
