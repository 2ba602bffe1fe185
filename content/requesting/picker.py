"""The pickers of the triage actions: a marketer finds the original of a duplicate, or the asset that
delivers a request, by typing words of its title in one field.

Each option reads "#12 Title", so the number travels with what was picked and no script is needed
to fill a hidden id: the field is matched by that number, or else by the whole title; an unknown or
ambiguous title is an error that says what to do.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When

from ..models import OPEN_REQUEST_STATUSES, Asset, AssetStatus, ContentRequest, RequestStatus

SUGGESTIONS = 10
MAX_TYPED = 300
NUMBERED = re.compile(r"^#?\s*(\d{1,18})(?:\s|$)")


def option_label(obj) -> str:
    return f"#{obj.pk} {obj.title}"


def _number(text: str) -> int | None:
    found = NUMBERED.match(text)
    return int(found.group(1)) if found else None


def _by_words(queryset, typed: str):
    for word in typed.split()[:6]:
        queryset = queryset.filter(title__icontains=word)
    return queryset


def originals(exclude=None):
    """What a request may be a duplicate of: any request but itself and other duplicates."""
    found = ContentRequest.objects.exclude(status=RequestStatus.DUPLICATE)
    return found.exclude(pk=exclude) if exclude else found


def suggested_originals(typed: str, *, exclude=None, limit: int = SUGGESTIONS) -> list[ContentRequest]:
    """Up to `limit` requests whose number is typed or whose title has every typed word, open ones
    first, then the newest. One query."""
    typed = (typed or "").strip()[:MAX_TYPED]
    number = _number(typed)
    found = originals(exclude)
    if number is not None and typed.lstrip("#").strip().isdigit():
        found = found.filter(pk=number)
    elif len(typed.lstrip("#")) >= 2:
        found = _by_words(found, typed.lstrip("#"))
    else:
        return []
    still_open = Case(
        When(status__in=OPEN_REQUEST_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return list(found.only("id", "title").order_by(still_open, "-created_at", "-id")[:limit])


def suggested_assets(typed: str, *, limit: int = SUGGESTIONS) -> list[Asset]:
    """Up to `limit` published assets by number or title words, the latest published first."""
    typed = (typed or "").strip()[:MAX_TYPED]
    found = Asset.objects.filter(status=AssetStatus.PUBLISHED)
    if typed.lstrip("#").strip().isdigit():
        found = found.filter(pk=_number(typed))
    elif len(typed.lstrip("#")) >= 2:
        found = _by_words(found, typed.lstrip("#"))
    else:
        return []
    return list(found.only("id", "title").order_by("-published_at", "-id")[:limit])


def _picked(text: str, queryset, *, noun: str):
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"Type words of the {noun}'s title and pick it from the list.")
    if len(text) > MAX_TYPED:
        raise ValidationError(f"That is longer than any title: pick the {noun} from the list.")
    number = _number(text)
    if number is not None:
        found = queryset.filter(pk=number).first()
        if found is None:
            raise ValidationError(f"There is no {noun} #{number}.")
        return found
    found = list(queryset.filter(title__iexact=text).order_by("-id")[:2])
    if not found:
        raise ValidationError(f"No {noun} is called “{text}”: type part of its title and pick it from the list.")
    if len(found) > 1:
        raise ValidationError(
            f"Several {noun}s are called “{text}”: pick the one you mean from the list (each starts with its number)."
        )
    return found[0]


def picked_original(text: str, *, exclude=None) -> ContentRequest:
    """The request named by the duplicate field ("#12 Title", "12" or a whole title). Which ones
    may be an original (not itself, not a duplicate) is request_transition's to say."""
    by_number = _number((text or "").strip()) is not None
    return _picked(text, ContentRequest.objects.all() if by_number else originals(exclude), noun="request")


def picked_asset(text: str) -> Asset:
    """The published asset named by the deliver field ("#7 Title", "7" or a whole title)."""
    return _picked(text, Asset.objects.filter(status=AssetStatus.PUBLISHED), noun="published asset")


__all__ = ["option_label", "picked_asset", "picked_original", "suggested_assets", "suggested_originals"]
